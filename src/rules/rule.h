// The rule model: one YAML entry of rules/<provider>.yaml (design §3.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokensweep::rules {

enum class Kind {
  kDeviceCode, kUserCode, kAccessToken, kRefreshToken, kIdToken, kPat, kApiKey,
  kSessionToken, kClientSecret, kPrivateKey, kPassword,
};
enum class Confidence { kLow, kMedium, kHigh };
// Offline validators a rule may name with `validate:`.
enum class Validator {
  kNone, kGithubCrc32, kNpmCrc32, kJwt,
  kBase64UserPass,  // base64 of "user:password" (Docker `auth`, .npmrc `_auth`, Basic)
  kGrafanaCrc32,    // glsa_<32>_<8 hex>: CRC32 of the text before the last '_', little-endian hex
};

std::string_view kind_name(Kind kind);
std::optional<Kind> parse_kind(std::string_view name);
std::string_view confidence_name(Confidence c);
std::optional<Confidence> parse_confidence(std::string_view name);
std::string_view validator_name(Validator v);
std::optional<Validator> parse_validator(std::string_view name);

struct Rule {
  std::string id;        // "github.oauth-access-token": lowercase, provider first
  std::string name;
  Kind kind = Kind::kApiKey;
  std::string provider;
  std::string pattern;   // exactly one capture group = the secret
  Validator validate = Validator::kNone;
  Confidence confidence = Confidence::kMedium;
  std::vector<std::pair<std::string, std::string>> broker_hints;  // e.g. token_type_hint
  std::vector<std::string> references;
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;

  // Derived when loaded: the literal text every secret of this rule starts with
  // ("gho_", "ya29."), which redaction may show. Empty when the capture has none.
  std::string public_prefix;
  // Where the rule was defined: "rules/github.yaml:12".
  std::string origin;
};

// The literal prefix of the pattern's capture group: characters up to the first regex
// operator, with escaped punctuation unescaped. "(?i)" or an alternation yields "".
std::string literal_capture_prefix(std::string_view pattern);

}  // namespace tokensweep::rules
