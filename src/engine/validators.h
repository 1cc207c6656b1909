// Offline validators: checks a secret's own structure, no network. Thread-safe, pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace tokensweep::engine {

enum class Verdict {
  kValid,      // the structure checks out (checksum matches, JWT well-formed and unexpired)
  kInvalid,    // not a real token of this kind (bad checksum, not a JWT): not a finding
  kExpired,    // a well-formed JWT whose `exp` is in the past: still a finding
  kUnchecked,  // the rule has no offline validator
};

struct Validation {
  Verdict verdict = Verdict::kUnchecked;
  std::string jwt_issuer;  // the JWT's `iss`, when it has one (for broker matching)
};

// GitHub (ghp_ gho_ ghu_ ghs_ ghr_) and npm (npm_) tokens: prefix_ + 30 base62 characters +
// 6 base62 characters encoding the CRC32 of those 30, most significant digit first.
bool crc32_base62_checksum_ok(std::string_view token);
// The 6-character checksum for a 30-character body (tests and example generation).
std::string crc32_base62(std::string_view body);

// JWS compact serialisation: three base64url parts; header and payload decode to JSON
// objects and the header names an `alg`. `now` is seconds since the epoch.
Validation validate_jwt(std::string_view token, int64_t now);

// Base64 (standard alphabet, padding optional) of "user:password" as in HTTP Basic, a
// Docker config `auth` or an .npmrc `_auth`: decodes to printable text with a non-empty
// user and a password that is not a placeholder. Anything else is not a credential.
bool base64_userpass_ok(std::string_view encoded);

// Grafana service-account tokens, glsa_<32 alphanumerics>_<8 hex>: the 8 hex digits are the
// CRC32 (IEEE) of everything before the last '_', bytes written least significant first.
bool grafana_crc32_ok(std::string_view token);

Validation validate(rules::Validator validator, std::string_view secret, int64_t now);

}  // namespace tokensweep::engine
