// design §3.2: "No output format ... ever contains a full secret." A token generated
// now is planted in a finding the way the collector plants one, and every format is
// searched for it.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "report/sink.h"
#include "sink_fixtures.h"

namespace tokensweep::report {
namespace {

// The needles: the token, the part after its public prefix, and a 16-character piece of
// that part — more than any hint may show.
std::vector<std::string> needles(const std::string& token) {
  const std::string body = token.substr(4);
  return {token, body, body.substr(0, 16), body.substr(10, 16)};
}

::testing::AssertionResult free_of(const std::string& out, const std::string& token) {
  for (const std::string& n : needles(token)) {
    if (out.find(n) != std::string::npos) {
      return ::testing::AssertionFailure() << "output contains secret material \"" << n << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

Report planted_report(const std::string& token) {
  Report report = testing::sample_report();
  Finding f = testing::pat_finding("", 7, 9);
  f.path = "deploy/.env";
  f.decoders = {"base64"};
  f.source = {{"ci_step", "deploy"}};
  report.findings.insert(report.findings.begin() + 1, testing::finding_for_secret(token, "ghp_", f));
  return report;
}

TEST(ReportNoSecret, CheckerSeesASecretWhenOneIsThere) {
  const std::string token = testing::generate_ghp_token();
  EXPECT_FALSE(free_of("x " + token + " y", token));
  EXPECT_FALSE(free_of("x " + token.substr(4) + " y", token));
  EXPECT_FALSE(free_of("..." + token.substr(4, 16) + "...", token));
  EXPECT_TRUE(free_of("x " + token.substr(0, 8) + " y", token));
}

TEST(ReportNoSecret, NoFormatWritesThePlantedToken) {
  const std::string token = testing::generate_ghp_token();
  const Report report = planted_report(token);
  const Finding& planted = report.findings[1];
  ASSERT_EQ(planted.secret->size(), token.size());
  ASSERT_EQ(planted.redacted.substr(0, 4), "ghp_");
  for (Format format : {Format::kText, Format::kJson, Format::kJsonl, Format::kSarif}) {
    for (bool color : {false, true}) {
      SinkOptions options;
      options.color = color;
      options.tool_version = "0.1.0";
      options.base_dir = "deploy";
      const std::string out = testing::render(format, report, options);
      SCOPED_TRACE(std::string(format_name(format)) + (color ? " colour" : ""));
      EXPECT_TRUE(free_of(out, token));
      // The finding was written, with its hint (and, where the format has it, its fingerprint).
      EXPECT_NE(out.find(planted.redacted), std::string::npos);
      if (format != Format::kText) {
        EXPECT_NE(out.find(planted.fingerprint), std::string::npos);
      }
    }
  }
}

}  // namespace
}  // namespace tokensweep::report
