#include "engine/validators.h"

#include <zlib.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "engine/placeholder.h"

namespace tokensweep::engine {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t kBodyLength = 30;
constexpr std::size_t kChecksumLength = 6;

bool is_base62(std::string_view s) {
  for (char c : s) {
    if (kBase62.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

std::string crc32_base62(std::string_view body) {
  uint32_t crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  std::string out(kChecksumLength, '0');
  for (std::size_t i = kChecksumLength; i-- > 0 && crc > 0;) {
    out[i] = kBase62[crc % 62];
    crc /= 62;
  }
  return out;
}

bool crc32_base62_checksum_ok(std::string_view token) {
  const auto underscore = token.rfind('_');
  if (underscore == std::string_view::npos) return false;
  const std::string_view rest = token.substr(underscore + 1);
  if (rest.size() != kBodyLength + kChecksumLength || !is_base62(rest)) return false;
  return crc32_base62(rest.substr(0, kBodyLength)) == rest.substr(kBodyLength);
}

Validation validate_jwt(std::string_view token, int64_t now) {
  Validation out{Verdict::kInvalid, {}};
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return out;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return out;

  const auto header_bytes = base64_decode(token.substr(0, dot1));
  const auto payload_bytes = base64_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!header_bytes || !payload_bytes) return out;
  // parse(..., nullptr, false) reports failure as a discarded value instead of throwing.
  const auto header = nlohmann::json::parse(*header_bytes, nullptr, false);
  const auto payload = nlohmann::json::parse(*payload_bytes, nullptr, false);
  if (!header.is_object() || !payload.is_object()) return out;
  if (const auto alg = header.find("alg"); alg == header.end() || !alg->is_string()) return out;

  out.verdict = Verdict::kValid;
  if (const auto iss = payload.find("iss"); iss != payload.end() && iss->is_string()) {
    out.jwt_issuer = iss->get<std::string>();
  }
  // RFC 7519 §4.1.4: exp is a NumericDate; a token past it is expired but still a leak.
  if (const auto exp = payload.find("exp"); exp != payload.end() && exp->is_number()) {
    if (exp->get<double>() < static_cast<double>(now)) out.verdict = Verdict::kExpired;
  }
  return out;
}

bool base64_userpass_ok(std::string_view encoded) {
  const auto decoded = base64_decode(encoded);
  if (!decoded) return false;
  const std::string_view text = *decoded;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;  // binary: not "user:password"
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
  return !is_placeholder(text.substr(colon + 1), "");
}

bool grafana_crc32_ok(std::string_view token) {
  const auto underscore = token.rfind('_');
  if (underscore == std::string_view::npos || token.size() - underscore - 1 != 8) return false;
  const std::string_view head = token.substr(0, underscore);
  uint32_t crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(head.data()), static_cast<uInt>(head.size())));
  // Grafana's satokengen prints the checksum's bytes in little-endian order as hex.
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string expected;
  for (int i = 0; i < 4; ++i, crc >>= 8) {
    expected += kHex[(crc >> 4) & 0xF];
    expected += kHex[crc & 0xF];
  }
  return token.substr(underscore + 1) == expected;
}

Validation validate(rules::Validator validator, std::string_view secret, int64_t now) {
  switch (validator) {
    case rules::Validator::kNone:
      return {Verdict::kUnchecked, {}};
    case rules::Validator::kGithubCrc32:
    case rules::Validator::kNpmCrc32:
      return {crc32_base62_checksum_ok(secret) ? Verdict::kValid : Verdict::kInvalid, {}};
    case rules::Validator::kJwt:
      return validate_jwt(secret, now);
    case rules::Validator::kBase64UserPass:
      return {base64_userpass_ok(secret) ? Verdict::kValid : Verdict::kInvalid, {}};
    case rules::Validator::kGrafanaCrc32:
      return {grafana_crc32_ok(secret) ? Verdict::kValid : Verdict::kInvalid, {}};
  }
  return {Verdict::kUnchecked, {}};
}

}  // namespace tokensweep::engine
