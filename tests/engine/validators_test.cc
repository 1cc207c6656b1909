#include "engine/validators.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>

#include "common/base64.h"
#include "support/tokens.h"

namespace tokensweep::engine {
namespace {

using testing::checksummed_token;
using testing::make_jwt;
using testing::with_bad_checksum;

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15

TEST(Crc32Checksum, AcceptsGeneratedTokensOfEveryPrefix) {
  for (const char* prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"}) {
    for (uint32_t seed = 0; seed < 50; ++seed) {
      const auto token = checksummed_token(prefix, seed);
      ASSERT_EQ(token.size(), std::string(prefix).size() + 36);
      EXPECT_TRUE(crc32_base62_checksum_ok(token)) << prefix << " seed " << seed;
    }
  }
}

TEST(Crc32Checksum, RejectsAnyAlteredCharacter) {
  const auto token = checksummed_token("ghp_", 1);
  EXPECT_FALSE(crc32_base62_checksum_ok(with_bad_checksum(token)));
  for (std::size_t i = 4; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'z' ? 'y' : 'z';
    EXPECT_FALSE(crc32_base62_checksum_ok(t)) << "position " << i;
  }
}

TEST(Crc32Checksum, RejectsWrongShapes) {
  EXPECT_FALSE(crc32_base62_checksum_ok("ghp_"));
  EXPECT_FALSE(crc32_base62_checksum_ok("ghp_abc"));
  EXPECT_FALSE(crc32_base62_checksum_ok("no-underscore-at-all-here-0123456789ab"));
  std::string token = checksummed_token("ghp_", 2);
  token[10] = '-';  // outside base62
  EXPECT_FALSE(crc32_base62_checksum_ok(token));
}

TEST(Crc32Checksum, EncodesWithLeadingZeroPadding) {
  // crc32("") == 0, which must still be six characters.
  EXPECT_EQ(crc32_base62(""), "000000");
  EXPECT_EQ(crc32_base62("a").size(), 6U);
}

TEST(Jwt, WellFormedUnexpiredIsValidAndCarriesIssuer) {
  const auto jwt = make_jwt(R"({"iss":"https://idp.test","sub":"u1","exp":1900000000})", 3);
  const auto v = validate_jwt(jwt, kNow);
  EXPECT_EQ(v.verdict, Verdict::kValid);
  EXPECT_EQ(v.jwt_issuer, "https://idp.test");
}

TEST(Jwt, PastExpIsExpired) {
  const auto jwt = make_jwt(R"({"iss":"https://idp.test","exp":1700000000})", 4);
  EXPECT_EQ(validate_jwt(jwt, kNow).verdict, Verdict::kExpired);
}

TEST(Jwt, NoExpIsValid) {
  EXPECT_EQ(validate_jwt(make_jwt(R"({"sub":"x"})", 5), kNow).verdict, Verdict::kValid);
}

TEST(Jwt, MalformedPartsAreInvalid) {
  const std::string header = base64_encode(R"({"alg":"HS256"})", true, false);
  const std::string payload = base64_encode(R"({"sub":"x"})", true, false);
  const struct {
    const char* why;
    std::string token;
  } cases[] = {
      {"two parts", header + "." + payload},
      {"four parts", header + "." + payload + ".sig.extra"},
      {"payload not base64url", header + ".!!!." + "sig"},
      {"payload not JSON", header + "." + base64_encode("not json", true, false) + ".sig"},
      {"payload a JSON array", header + "." + base64_encode("[1,2]", true, false) + ".sig"},
      {"header without alg", base64_encode(R"({"typ":"JWT"})", true, false) + "." + payload + ".sig"},
      {"header a string", base64_encode(R"("x")", true, false) + "." + payload + ".sig"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(validate_jwt(c.token, kNow).verdict, Verdict::kInvalid) << c.why;
  }
}

TEST(Validate, DispatchesOnTheRuleValidator) {
  EXPECT_EQ(validate(rules::Validator::kNone, "anything", kNow).verdict, Verdict::kUnchecked);
  EXPECT_EQ(validate(rules::Validator::kGithubCrc32, checksummed_token("gho_", 9), kNow).verdict, Verdict::kValid);
  EXPECT_EQ(validate(rules::Validator::kNpmCrc32, with_bad_checksum(checksummed_token("npm_", 9)), kNow).verdict,
            Verdict::kInvalid);
}

TEST(Base64UserPass, AcceptsUserColonPassword) {
  EXPECT_TRUE(base64_userpass_ok(base64_encode("ci-bot:Zq8vR2mK7pLw4nXs")));
  EXPECT_TRUE(base64_userpass_ok(base64_encode("alice:dckr_pat_Qm3x9Lp2Vn8Rt5Ws1Yz4Kb7Hc0", false, false)));
  EXPECT_EQ(validate(rules::Validator::kBase64UserPass, base64_encode("u:Zq8vR2mK7pLw"), 0).verdict, Verdict::kValid);
}

TEST(Base64UserPass, RejectsEverythingElse) {
  EXPECT_FALSE(base64_userpass_ok(base64_encode("no-colon-here")));
  EXPECT_FALSE(base64_userpass_ok(base64_encode(":password-without-user")));
  EXPECT_FALSE(base64_userpass_ok(base64_encode("user-without-password:")));
  EXPECT_FALSE(base64_userpass_ok(base64_encode(std::string("us\x01er:bin\x02ary", 14))));
  EXPECT_FALSE(base64_userpass_ok(base64_encode("user:${REGISTRY_PASSWORD}")));
  EXPECT_FALSE(base64_userpass_ok(base64_encode("user:password")));
  EXPECT_FALSE(base64_userpass_ok("not base64 at all!"));
  EXPECT_EQ(validate(rules::Validator::kBase64UserPass, "@@@@", 0).verdict, Verdict::kInvalid);
}

// The checksum is computed here independently of the validator: zlib's CRC32 of the text
// before the last '_', its four bytes least significant first, as lower-case hex.
std::string grafana_token(const std::string& secret32) {
  const std::string head = "glsa_" + secret32;
  uint32_t crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(head.data()),
                                             static_cast<uInt>(head.size())));
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", crc & 0xFF, (crc >> 8) & 0xFF, (crc >> 16) & 0xFF,
                crc >> 24);
  return head + "_" + hex;
}

TEST(GrafanaCrc32, AcceptsLittleEndianChecksum) {
  for (const char* secret : {"Qm3x9Lp2Vn8Rt5Ws1Yz4Kb7Hc0Fd6Ga2", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"}) {
    const std::string token = grafana_token(secret);
    EXPECT_TRUE(grafana_crc32_ok(token)) << token;
    EXPECT_EQ(validate(rules::Validator::kGrafanaCrc32, token, 0).verdict, Verdict::kValid);
  }
}

TEST(GrafanaCrc32, RejectsAlteredTokensAndBigEndianChecksum) {
  const std::string token = grafana_token("Qm3x9Lp2Vn8Rt5Ws1Yz4Kb7Hc0Fd6Ga2");
  std::string altered = token;
  altered[10] = altered[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(grafana_crc32_ok(altered));
  // The same four bytes most significant first is not Grafana's encoding.
  const std::string sum = token.substr(token.size() - 8);
  const std::string reversed = sum.substr(6, 2) + sum.substr(4, 2) + sum.substr(2, 2) + sum.substr(0, 2);
  if (reversed != sum) {
    EXPECT_FALSE(grafana_crc32_ok(token.substr(0, token.size() - 8) + reversed));
  }
  EXPECT_FALSE(grafana_crc32_ok("glsa_Qm3x9Lp2Vn8Rt5Ws1Yz4Kb7Hc0Fd6Ga2"));
  EXPECT_FALSE(grafana_crc32_ok(token.substr(0, token.size() - 1)));
  EXPECT_EQ(validate(rules::Validator::kGrafanaCrc32, altered, 0).verdict, Verdict::kInvalid);
}

}  // namespace
}  // namespace tokensweep::engine
