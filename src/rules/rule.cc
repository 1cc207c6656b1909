#include "rules/rule.h"

#include <array>
#include <cctype>

namespace tokensweep::rules {
namespace {

template <typename E>
struct NameOf {
  E value;
  std::string_view name;
};

constexpr std::array<NameOf<Kind>, 11> kKinds{{
    {Kind::kDeviceCode, "device_code"},   {Kind::kUserCode, "user_code"},
    {Kind::kAccessToken, "access_token"}, {Kind::kRefreshToken, "refresh_token"},
    {Kind::kIdToken, "id_token"},         {Kind::kPat, "pat"},
    {Kind::kApiKey, "api_key"},           {Kind::kSessionToken, "session_token"},
    {Kind::kClientSecret, "client_secret"}, {Kind::kPrivateKey, "private_key"},
    {Kind::kPassword, "password"},
}};
constexpr std::array<NameOf<Confidence>, 3> kConfidences{{
    {Confidence::kLow, "low"}, {Confidence::kMedium, "medium"}, {Confidence::kHigh, "high"},
}};
constexpr std::array<NameOf<Validator>, 6> kValidators{{
    {Validator::kNone, "none"},
    {Validator::kGithubCrc32, "github-crc32"},
    {Validator::kNpmCrc32, "npm-crc32"},
    {Validator::kJwt, "jwt"},
    {Validator::kBase64UserPass, "base64-userpass"},
    {Validator::kGrafanaCrc32, "grafana-crc32"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<NameOf<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse(const std::array<NameOf<E>, N>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

bool is_regex_operator(char c) {
  switch (c) {
    case '[': case ']': case '(': case ')': case '{': case '}': case '|': case '?':
    case '*': case '+': case '.': case '^': case '$': case '\\':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view kind_name(Kind kind) { return name_of(kKinds, kind); }
std::optional<Kind> parse_kind(std::string_view name) { return parse(kKinds, name); }
std::string_view confidence_name(Confidence c) { return name_of(kConfidences, c); }
std::optional<Confidence> parse_confidence(std::string_view name) { return parse(kConfidences, name); }
std::string_view validator_name(Validator v) { return name_of(kValidators, v); }
std::optional<Validator> parse_validator(std::string_view name) {
  if (name == "none") return std::nullopt;  // "none" is the absence of `validate:`, not a value
  return parse(kValidators, name);
}

std::string literal_capture_prefix(std::string_view pattern) {
  // Find the first '(' that opens a capturing group (not "(?", not escaped).
  std::size_t i = 0;
  bool in_class = false;
  for (; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') { ++i; continue; }
    if (in_class) { if (c == ']') in_class = false; continue; }
    if (c == '[') { in_class = true; continue; }
    if (c == '(' && (i + 1 >= pattern.size() || pattern[i + 1] != '?')) break;
  }
  if (i >= pattern.size()) return {};
  std::string prefix;
  for (++i; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      // An escaped punctuation character is literal; \d, \w, \b and friends are not.
      if (i + 1 < pattern.size() && !std::isalnum(static_cast<unsigned char>(pattern[i + 1]))) {
        prefix += pattern[++i];
        continue;
      }
      break;
    }
    if (is_regex_operator(c)) {
      // A quantifier applies to the last literal character, which is then not fixed.
      if ((c == '?' || c == '*' || c == '{') && !prefix.empty()) prefix.pop_back();
      break;
    }
    prefix += c;
  }
  // An alternation anywhere in the group means the prefix is not guaranteed.
  return prefix;
}

}  // namespace tokensweep::rules
