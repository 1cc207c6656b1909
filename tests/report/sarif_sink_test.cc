// SARIF 2.1.0 as GitHub code scanning takes it (issue 8 item 5).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "report/sink.h"
#include "sink_fixtures.h"

namespace tokensweep::report {
namespace {

using nlohmann::json;
using testing::render;
using testing::sample_report;

json sarif(const Report& report, const SinkOptions& options = {}) {
  return json::parse(render(Format::kSarif, report, options));
}

// The artifactLocation of the first result whose finding has `path`.
json location_of(const std::string& path, const std::string& base_dir) {
  Report report;
  report.findings.push_back(testing::pat_finding(path, 1, 1));
  SinkOptions options;
  options.base_dir = base_dir;
  return sarif(report, options)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
}

// RFC 3986 URI-reference characters, with every '%' starting a two-digit escape.
bool is_uri_reference(const std::string& s) {
  static const std::regex kUri(R"(([A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-F]{2})*)");
  return std::regex_match(s, kUri);
}

TEST(ReportSarif, HasTheTopLevelShapeOf210) {
  SinkOptions options;
  options.tool_version = "0.1.0";
  options.information_uri = "https://example.invalid/tokensweep";
  const json doc = sarif(sample_report(), options);
  EXPECT_EQ(doc["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(doc["version"], "2.1.0");
  ASSERT_TRUE(doc["runs"].is_array());
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& driver = doc["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "tokensweep");
  EXPECT_EQ(driver["version"], "0.1.0");
  EXPECT_EQ(driver["informationUri"], "https://example.invalid/tokensweep");
  EXPECT_TRUE(driver["rules"].is_array());
  EXPECT_TRUE(doc["runs"][0]["results"].is_array());
}

TEST(ReportSarif, OmitsOptionalDriverFieldsThatAreNotKnown) {
  const json driver = sarif(sample_report())["runs"][0]["tool"]["driver"];
  EXPECT_FALSE(driver.contains("version"));
  EXPECT_FALSE(driver.contains("informationUri"));
}

TEST(ReportSarif, RulesAreThoseWithResultsUniqueAndSorted) {
  const json run = sarif(sample_report())["runs"][0];
  std::vector<std::string> ids;
  for (const auto& r : run["tool"]["driver"]["rules"]) ids.push_back(r["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"generic.bearer-header", "github.pat-classic"}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(ReportSarif, EveryResultIndexesItsOwnRule) {
  Report report = sample_report();
  Finding unknown = testing::pat_finding("x.txt", 2, 3);
  unknown.rule_id = "custom.not-in-ruleset";
  unknown.rule_name = "Custom token";
  unknown.kind = "api_key";
  unknown.provider = "acme";
  unknown.confidence = "low";
  report.findings.push_back(unknown);
  const json run = sarif(report)["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  const json& results = run["results"];
  ASSERT_EQ(results.size(), report.findings.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& r = results[i];
    ASSERT_TRUE(r["ruleIndex"].is_number_unsigned());
    const std::size_t index = r["ruleIndex"];
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], r["ruleId"]);
    EXPECT_EQ(r["ruleId"], report.findings[i].rule_id);
  }
  // The rule missing from the RuleSet is described from its finding.
  const json& custom = rules[results.back()["ruleIndex"].get<std::size_t>()];
  EXPECT_EQ(custom["shortDescription"]["text"], "Custom token");
  EXPECT_EQ(custom["name"], "CustomToken");
  EXPECT_EQ(custom["properties"]["precision"], "low");
  EXPECT_EQ(custom["defaultConfiguration"]["level"], "warning");
}

TEST(ReportSarif, ResultsCarryFingerprintRegionMessageAndProperties) {
  const Report report = sample_report();
  const json results = sarif(report)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Finding& f = report.findings[i];
    const json& r = results[i];
    EXPECT_EQ(r["partialFingerprints"]["tokensweep/v1"], f.fingerprint);
    const json& region = r["locations"][0]["physicalLocation"]["region"];
    EXPECT_EQ(region["startLine"], f.line);
    EXPECT_EQ(region["startColumn"], f.column);
    EXPECT_GE(region["startLine"].get<uint64_t>(), 1u);
    EXPECT_GE(region["startColumn"].get<uint64_t>(), 1u);
    EXPECT_FALSE(region.contains("snippet"));
    const std::string text = r["message"]["text"];
    EXPECT_NE(text.find(f.rule_name), std::string::npos) << text;
    EXPECT_NE(text.find(f.redacted), std::string::npos) << text;
    EXPECT_EQ(text.back(), '.');
    const json& p = r["properties"];
    EXPECT_EQ(p["validation"], validation_name(f.validation));
    EXPECT_EQ(p["status"], broker_status_name(f.status));
    EXPECT_EQ(p["decoders"], json(f.decoders));
    EXPECT_EQ(p["kind"], f.kind);
    EXPECT_EQ(p["provider"], f.provider);
  }
  EXPECT_EQ(results[1]["properties"]["source"]["history_entry"], "42");
  EXPECT_FALSE(results[0]["properties"].contains("source"));
}

TEST(ReportSarif, LevelFollowsBrokerStatusThenValidationThenConfidence) {
  Report report;
  auto add = [&](BrokerStatus s, Validation v, std::string confidence) {
    Finding f = testing::pat_finding("a.txt", report.findings.size() + 1, 1);
    f.status = s;
    f.validation = v;
    f.confidence = std::move(confidence);
    report.findings.push_back(f);
  };
  add(BrokerStatus::kActive, Validation::kExpired, "low");
  add(BrokerStatus::kRevoked, Validation::kValid, "high");
  add(BrokerStatus::kInactive, Validation::kValid, "high");
  add(BrokerStatus::kUnchecked, Validation::kExpired, "high");
  add(BrokerStatus::kUnchecked, Validation::kValid, "high");
  add(BrokerStatus::kUnknown, Validation::kUnchecked, "low");
  const json results = sarif(report)["runs"][0]["results"];
  std::vector<std::string> levels;
  for (const auto& r : results) levels.push_back(r["level"]);
  EXPECT_EQ(levels, (std::vector<std::string>{"error", "note", "note", "warning", "error", "warning"}));
}

TEST(ReportSarif, RuleDescriptorsHelpGitHub) {
  const json rules = sarif(sample_report())["runs"][0]["tool"]["driver"]["rules"];
  const json& pat = rules[1];
  ASSERT_EQ(pat["id"], "github.pat-classic");
  EXPECT_EQ(pat["name"], "GitHubPersonalAccessTokenClassic");
  EXPECT_NE(pat["name"], pat["id"]);
  EXPECT_EQ(pat["shortDescription"]["text"], "GitHub personal access token (classic)");
  EXPECT_FALSE(pat["fullDescription"]["text"].get<std::string>().empty());
  const std::string ref = testing::sample_rules().find("github.pat-classic")->references[0];
  EXPECT_EQ(pat["helpUri"], ref);
  EXPECT_NE(pat["help"]["text"].get<std::string>().find(ref), std::string::npos);
  EXPECT_NE(pat["help"]["markdown"].get<std::string>().find(ref), std::string::npos);
  EXPECT_EQ(pat["properties"]["tags"], json({"security", "pat", "github"}));
  EXPECT_EQ(pat["properties"]["precision"], "very-high") << "high confidence and a checksum";
  const std::string severity = pat["properties"]["security-severity"];
  const double score = std::stod(severity);
  EXPECT_GT(score, 0.0);
  EXPECT_LE(score, 10.0);

  // helpUri must be an absolute URI: the first reference here is prose, the second a URL.
  const json& bearer = rules[0];
  ASSERT_EQ(bearer["id"], "generic.bearer-header");
  EXPECT_EQ(bearer["helpUri"], "https://www.rfc-editor.org/rfc/rfc6750#section-2.1");
  EXPECT_NE(bearer["help"]["text"].get<std::string>().find("RFC 6750 section 2.1"), std::string::npos);
  EXPECT_EQ(bearer["properties"]["precision"], "medium");
}

TEST(ReportSarif, PathsUnderBaseDirAreRelativeToSrcRoot) {
  const json loc = location_of("/repo/src/app config.yml", "/repo");
  EXPECT_EQ(loc["uri"], "src/app%20config.yml");
  EXPECT_EQ(loc["uriBaseId"], "%SRCROOT%");

  Report report;
  report.findings.push_back(testing::pat_finding("/repo/a.txt", 1, 1));
  SinkOptions options;
  options.base_dir = "/repo/";
  const json run = sarif(report, options)["runs"][0];
  EXPECT_EQ(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///repo/");
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "a.txt");
}

TEST(ReportSarif, RelativePathsAgainstRelativeBase) {
  EXPECT_EQ(location_of("./src/x.env", ".")["uri"], "src/x.env");
  EXPECT_EQ(location_of("./src/x.env", ".")["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(location_of("sub/dir/f", "sub")["uri"], "dir/f");
  // Outside the base: kept as given, with no base id.
  const json up = location_of("../other/f", ".");
  EXPECT_EQ(up["uri"], "../other/f");
  EXPECT_FALSE(up.contains("uriBaseId"));
}

TEST(ReportSarif, PathsOutsideBaseDirAreFileUris) {
  const json loc = location_of("/elsewhere/x.txt", "/repo");
  EXPECT_EQ(loc["uri"], "file:///elsewhere/x.txt");
  EXPECT_FALSE(loc.contains("uriBaseId"));
  // A sibling sharing the base's prefix is not under it.
  EXPECT_EQ(location_of("/repo2/x.txt", "/repo")["uri"], "file:///repo2/x.txt");
  // Without a base, a relative path stays relative and has no base id.
  EXPECT_EQ(location_of("src/x.txt", "")["uri"], "src/x.txt");
  EXPECT_FALSE(location_of("src/x.txt", "").contains("uriBaseId"));
}

TEST(ReportSarif, NestedPathsKeepTheirBangs) {
  const json loc = location_of("/repo/image.tar!blobs/sha256/ab12!root/.config/gh/hosts.yml", "/repo");
  EXPECT_EQ(loc["uri"], "image.tar!blobs/sha256/ab12!root/.config/gh/hosts.yml");
  EXPECT_EQ(loc["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(location_of("export.zip!general/2026 01 02.json", "")["uri"], "export.zip!general/2026%2001%2002.json");
}

TEST(ReportSarif, UnsafeAndNonUtf8BytesArePercentEncoded) {
  EXPECT_EQ(location_of("/repo/bad\xff\xfe.txt", "/repo")["uri"], "bad%FF%FE.txt");
  EXPECT_EQ(location_of("/repo/100%#?[x].txt", "/repo")["uri"], "100%25%23%3F%5Bx%5D.txt");
  EXPECT_EQ(location_of("/repo/caf\xc3\xa9", "/repo")["uri"], "caf%C3%A9");
  EXPECT_EQ(location_of("c:colon", "")["uri"], "c%3Acolon") << "would read as a scheme";
  for (const char* path : {"/repo/a b!c d/e\x01\x7f", "dir\\win\\path", "<stdin>", "/tmp/x y\nz"}) {
    const std::string uri = location_of(path, "/repo")["uri"];
    EXPECT_TRUE(is_uri_reference(uri)) << uri;
  }
}

TEST(ReportSarif, DiagnosticsBecomeToolExecutionNotifications) {
  const json inv = sarif(sample_report())["runs"][0]["invocations"][0];
  EXPECT_EQ(inv["executionSuccessful"], false) << "an incomplete scan is not a successful run";
  const json& n = inv["toolExecutionNotifications"];
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1]["message"]["text"], "permission denied");
  EXPECT_EQ(n[1]["descriptor"]["id"], "io");
  EXPECT_EQ(n[1]["level"], "error");
  EXPECT_EQ(n[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "secret-dir");

  Report clean = sample_report();
  clean.diagnostics = {{"skipped.bin", "unsupported", "not a regular file", false}};
  const json ok = sarif(clean)["runs"][0]["invocations"][0];
  EXPECT_EQ(ok["executionSuccessful"], true);
  EXPECT_EQ(ok["toolExecutionNotifications"][0]["level"], "warning");

  const json none = sarif(Report{})["runs"][0];
  EXPECT_EQ(none["invocations"][0]["executionSuccessful"], true);
  EXPECT_FALSE(none["invocations"][0].contains("toolExecutionNotifications"));
  EXPECT_TRUE(none["results"].is_array() && none["results"].empty()) << "an empty run still says so";
}

TEST(ReportSarif, NoRegionWhenTheLineIsUnknown) {
  Report report;
  report.findings.push_back(testing::pat_finding("blob.bin", 0, 0));
  const json loc = sarif(report)["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
  EXPECT_FALSE(loc.contains("region"));
  EXPECT_TRUE(loc.contains("artifactLocation"));
}

}  // namespace
}  // namespace tokensweep::report
