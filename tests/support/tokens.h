// Invented test tokens, generated at test time so the tree holds none of them.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "common/base64.h"
#include "engine/validators.h"

namespace tokensweep::testing {

inline std::string random_base62(std::size_t n, uint32_t seed) {
  static constexpr char kAlpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::mt19937 rng(seed);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += kAlpha[rng() % 62];
  return out;
}

// A GitHub/npm-format token with a valid CRC32 checksum: prefix + 30 + 6.
inline std::string checksummed_token(const std::string& prefix, uint32_t seed) {
  const std::string body = random_base62(30, seed);
  return prefix + body + engine::crc32_base62(body);
}

// The same token with its last checksum character changed.
inline std::string with_bad_checksum(std::string token) {
  token.back() = token.back() == 'A' ? 'B' : 'A';
  return token;
}

// A structurally valid JWS: {"alg":"RS256","typ":"JWT"} . payload . random signature.
inline std::string make_jwt(const std::string& payload_json, uint32_t seed) {
  return base64_encode(R"({"alg":"RS256","typ":"JWT"})", true, false) + "." +
         base64_encode(payload_json, true, false) + "." + random_base62(43, seed);
}

}  // namespace tokensweep::testing
