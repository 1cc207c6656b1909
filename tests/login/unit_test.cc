// The login client's pure parts: polling rules, redaction, Secret, config.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/base64.h"
#include "login/config.h"
#include "login/device_flow.h"
#include "login/redact.h"
#include "login/secret.h"
#include "login/support/process.h"
#include "login/support/secret_assert.h"

namespace tokensweep::login {
namespace {

using std::chrono::seconds;
using Clock = PollSchedule::Clock;

TEST(PollSchedule, UsesTheServersInterval) {
  const auto t0 = Clock::time_point{};
  PollSchedule s(seconds(2), seconds(60), t0);
  EXPECT_EQ(s.interval(), seconds(2));
  EXPECT_EQ(s.next_poll(t0), t0 + seconds(2));
}

TEST(PollSchedule, DefaultsToFiveSecondsWithoutAnInterval) {
  // RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
  PollSchedule s(std::nullopt, seconds(60), Clock::time_point{});
  EXPECT_EQ(s.interval(), seconds(5));
}

TEST(PollSchedule, SlowDownAddsFiveSecondsToThisAndEveryLaterPoll) {
  const auto t0 = Clock::time_point{};
  PollSchedule s(seconds(1), seconds(600), t0);
  s.slow_down();
  EXPECT_EQ(s.next_poll(t0), t0 + seconds(6));
  EXPECT_EQ(s.next_poll(t0 + seconds(6)), t0 + seconds(12));
  s.slow_down();
  EXPECT_EQ(s.interval(), seconds(11));
}

TEST(PollSchedule, StopsAtExpiresIn) {
  const auto t0 = Clock::time_point{};
  PollSchedule s(seconds(2), seconds(5), t0);
  EXPECT_TRUE(s.next_poll(t0 + seconds(2)).has_value());
  EXPECT_FALSE(s.next_poll(t0 + seconds(4)).has_value());  // 6 s is past the 5 s expiry
}

TEST(Redactor, ReplacesKnownTokensInEveryEncoding) {
  Redactor r;
  const std::string token = "tok_" + testing::random_hex(20) + "/+=";
  r.add_secret(token);
  const std::string text = "raw " + token + " b64 " + base64_encode(token) + " pct " +
                           "a%2Fb " + "json \"" + token + "\"";
  std::string out = r.redact(text);
  for (const auto& form : testing::leak_forms(token)) {
    EXPECT_EQ(out.find(form.text), std::string::npos) << form.name;
  }
  EXPECT_NE(out.find(redaction_marker(token)), std::string::npos);
}

TEST(Redactor, RedactsValuesOfSecretBearingNamesItHasNeverSeen) {
  Redactor r;
  const std::string unseen = "U" + testing::random_hex(16);
  const std::vector<std::string> lines = {
      "{\"access_token\":\"" + unseen + "\",\"expires_in\":600}",
      "{\"refresh_token\": \"" + unseen + "\"}",
      "grant_type=refresh_token&refresh_token=" + unseen + "&client_id=x",
      "device_code=" + unseen,
      "Authorization: Bearer " + unseen,
      "id: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ" + unseen + ".c2lnbmF0dXJl",
  };
  for (const auto& line : lines) {
    std::string out = r.redact(line);
    EXPECT_EQ(out.find(unseen), std::string::npos) << r.redact(line);
    EXPECT_NE(out.find("[REDACTED sha256:"), std::string::npos);
  }
}

TEST(Redactor, LeavesOrdinaryTextAndTheUserCodeAlone) {
  Redactor r;
  const std::string line = "{\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\"https://idp/device\","
                           "\"error\":\"authorization_pending\",\"token_type\":\"Bearer\"}";
  EXPECT_EQ(r.redact(line), line);
}

TEST(Redactor, RedactsTheUserCodeOnlyWhenAskedForALog) {
  Redactor r;
  const std::string line = "{\"user_code\":\"WDJB-MJHT\",\"interval\":1}";
  EXPECT_NE(r.redact(line).find("WDJB-MJHT"), std::string::npos);
  EXPECT_EQ(r.redact(line, /*user_codes=*/true).find("WDJB-MJHT"), std::string::npos);
}

TEST(Secret, FingerprintIsAPrefixOfTheSha256AndMovingWipesTheSource) {
  Secret a("a-made-up-token-value-0123456789");
  EXPECT_EQ(a.fingerprint().size(), 12u);
  Secret b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is specified empty
  EXPECT_EQ(b.view(), "a-made-up-token-value-0123456789");
}

TEST(Config, RoundTripsAndIsPrivate) {
  testing::TempDir dir;
  const std::string path = dir / "nested/dir/config.json";
  Config c;
  c.issuer = "https://idp.example.com";
  c.client_id = "tokensweep-login";
  c.store = "keyring";
  c.subject = "alice";
  c.access_token_expires_at = 1234567890;
  ASSERT_TRUE(save_config(path, c));
  auto loaded = load_config(path);
  ASSERT_TRUE(loaded);
  ASSERT_TRUE(loaded.value().has_value());
  EXPECT_EQ(loaded.value()->issuer, c.issuer);
  EXPECT_EQ(loaded.value()->subject, "alice");
  EXPECT_EQ(loaded.value()->access_token_expires_at, 1234567890);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir / "nested/dir").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(Config, MissingFileIsNotAnError) {
  testing::TempDir dir;
  auto loaded = load_config(dir / "absent.json");
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded.value().has_value());
}

}  // namespace
}  // namespace tokensweep::login
