// Gating merges (issue 8): .tokensweep.yaml, baselines, inline allow markers, and SARIF
// that validates against the 2.1.0 schema and the SARIF Multitool — through the
// `tokensweep` executable.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.h"
#include "support/git_repo.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using nlohmann::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json scan_json(const TempDir& dir, std::vector<std::string> args, int expected_exit) {
  args.insert(args.begin(), {"--format", "json"});
  const auto r = scan_with_test_rules(dir, args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 200);
  return doc;
}

// ---- configuration ----

TEST(Config, UnknownKeyInTheRootConfigExitsTwoNamingFileLineAndKey) {
  TempDir dir;
  dir.write("repo/.tokensweep.yaml", "min_confidence: low\nallowpaths: [x]\n");
  dir.write("repo/a.txt", "clean\n");
  const auto r = scan_with_test_rules(dir, {dir.str() + "/repo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".tokensweep.yaml:2: allowpaths: unknown key"), std::string::npos) << r.err;
}

TEST(Config, BadValueInExplicitConfigExitsTwo) {
  TempDir dir;
  const std::string cfg = dir.write("ci/scan.yaml", "min_confidence: sure\n");
  dir.write("repo/a.txt", "clean\n");
  const auto r = scan_with_test_rules(dir, {"--config", cfg, dir.str() + "/repo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("scan.yaml:1: min_confidence: 'sure'"), std::string::npos) << r.err;
  const auto missing = scan_with_test_rules(dir, {"--config", dir.str() + "/none.yaml", dir.str() + "/repo"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(Config, AllowPathsLeaveOutFilesAndCountThem) {
  TempDir dir;
  dir.write("repo/.tokensweep.yaml", "allow_paths: ['vendor/**', '*.min.js']\n");
  dir.write("repo/vendor/lib/x.txt", "T=" + checksummed_token("gho_", 11) + "\n");
  dir.write("repo/web/app.min.js", "T=" + checksummed_token("gho_", 12) + "\n");
  dir.write("repo/src/ok.txt", "clean\n");
  const json doc = scan_json(dir, {dir.str() + "/repo"}, 0);
  EXPECT_EQ(doc["findings"].size(), 0U);
  EXPECT_EQ(doc["summary"]["paths_allowlisted"], 2);  // the vendor directory and the .min.js file
  // Without the config both are found.
  dir.write("repo/.tokensweep.yaml", "");
  const json all = scan_json(dir, {dir.str() + "/repo"}, 1);
  EXPECT_EQ(all["findings"].size(), 2U);
}

TEST(Config, DisabledRuleAndExtraRuleFiles) {
  TempDir dir;
  dir.write("repo/.tokensweep.yaml", "disable: {rules: [testgh.oauth]}\nrules: [rules/custom.yaml]\n");
  dir.write("repo/rules/custom.yaml", R"(rules:
  - id: corp.key
    name: Corp key
    kind: api_key
    provider: corp
    pattern: '\b(corpkey_[a-z0-9]{24})\b'
    confidence: high
    examples: ['x']
    negative_examples: ['y']
)");
  dir.write("repo/a.txt", "T=" + checksummed_token("gho_", 13) + "\nK=corpkey_" + random_base62(24, 5) + "\n");
  // random_base62 has capitals; make a matching lowercase key.
  std::string key = "corpkey_";
  for (char c : random_base62(24, 5)) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  dir.write("repo/a.txt", "T=" + checksummed_token("gho_", 13) + "\nK=" + key + "\n");
  const json doc = scan_json(dir, {dir.str() + "/repo"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  EXPECT_EQ(doc["findings"][0]["rule_id"], "corp.key");
}

TEST(Config, TypoInDisabledRuleIdIsAnErrorNotASilentNoOp) {
  TempDir dir;
  dir.write("repo/.tokensweep.yaml", "disable:\n  rules: [testgh.oath]\n");
  dir.write("repo/a.txt", "clean\n");
  const auto r = scan_with_test_rules(dir, {dir.str() + "/repo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".tokensweep.yaml:2: disable.rules: no rule 'testgh.oath'"), std::string::npos) << r.err;
}

// ---- baselines ----

TEST(Baseline, WrittenBaselineSuppressesThoseSecretsAndSurvivesCodeMoves) {
  TempDir dir;
  const std::string a = checksummed_token("gho_", 21), b = checksummed_token("gho_", 22);
  dir.write("repo/src/a.txt", "first=" + a + "\n");
  dir.write("repo/src/b.txt", "second=" + b + "\n");
  const std::string bl = dir.str() + "/baseline.txt";
  const auto w = scan_with_test_rules(dir, {"--write-baseline", bl, dir.str() + "/repo"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  const std::string written = read_file(bl);
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 3);  // header + 2 entries
  EXPECT_EQ(written.find(a), std::string::npos);                    // fingerprints, never secrets
  EXPECT_EQ(written.find("src/"), std::string::npos);

  // Code moves: new lines above, a file renamed. Same secrets, same baseline bytes, exit 0.
  std::filesystem::remove(dir.path() / "repo/src/b.txt");
  dir.write("repo/lib/moved.txt", "\n\n\nsecond=" + b + "\n");
  dir.write("repo/src/a.txt", "# header\n\nfirst=" + a + "\n");
  const json doc = scan_json(dir, {"--baseline", bl, dir.str() + "/repo"}, 0);
  EXPECT_EQ(doc["findings"].size(), 0U);
  EXPECT_EQ(doc["summary"]["suppressed_baseline"], 2);
  const std::string bl2 = dir.str() + "/baseline2.txt";
  EXPECT_EQ(scan_with_test_rules(dir, {"--write-baseline", bl2, dir.str() + "/repo"}).exit_code, 0);
  EXPECT_EQ(read_file(bl2), written);

  // A different secret on the same line is still reported.
  const std::string c = checksummed_token("gho_", 23);
  dir.write("repo/src/a.txt", "first=" + a + " also=" + c + "\n");
  const json more = scan_json(dir, {"--baseline", bl, dir.str() + "/repo"}, 1);
  ASSERT_EQ(more["findings"].size(), 1U);
  EXPECT_EQ(more["findings"][0]["column"], 7 + a.size() + 6);
}

TEST(Baseline, ReportStaleListsEntriesNoLongerFound) {
  TempDir dir;
  const std::string a = checksummed_token("gho_", 31), b = checksummed_token("gho_", 32);
  dir.write("repo/x.txt", a + "\n" + b + "\n");
  const std::string bl = dir.str() + "/bl";
  ASSERT_EQ(scan_with_test_rules(dir, {"--write-baseline", bl, dir.str() + "/repo"}).exit_code, 0);
  dir.write("repo/x.txt", a + "\n");
  const auto r = scan_with_test_rules(dir, {"--baseline", bl, "--report-stale", "--format", "json", dir.str() + "/repo"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["summary"]["baseline_stale"], 1);
  ASSERT_EQ(doc["diagnostics"].size(), 1U);
  EXPECT_EQ(doc["diagnostics"][0]["code"], "stale-baseline");
  EXPECT_EQ(doc["diagnostics"][0]["incomplete"], false);
  EXPECT_NE(r.err.find("no longer found"), std::string::npos);
}

TEST(Baseline, ConfigNamesTheBaselineAndABadOneExitsTwo) {
  TempDir dir;
  const std::string a = checksummed_token("gho_", 41);
  dir.write("repo/x.txt", a + "\n");
  dir.write("repo/.tokensweep.yaml", "baseline: .tokensweep-baseline\n");
  ASSERT_EQ(scan_with_test_rules(dir, {"--write-baseline", dir.str() + "/repo/.tokensweep-baseline",
                                       dir.str() + "/repo"}).exit_code, 0);
  EXPECT_EQ(scan_with_test_rules(dir, {dir.str() + "/repo"}).exit_code, 0);
  dir.write("repo/.tokensweep-baseline", "x.txt:1 testgh.oauth\n");
  const auto r = scan_with_test_rules(dir, {dir.str() + "/repo"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(".tokensweep-baseline:1"), std::string::npos) << r.err;
}

// ---- inline allow markers ----

TEST(AllowMarkers, SameLineAndNextLineAreSuppressedAndCounted) {
  TempDir dir;
  const std::string t1 = checksummed_token("gho_", 51), t2 = checksummed_token("gho_", 52),
                    t3 = checksummed_token("gho_", 53), t4 = checksummed_token("gho_", 54);
  dir.write("repo/x.py",
            "a = '" + t1 + "'  # tokensweep:allow test fixture\n"
            "# tokensweep:allow-next-line\n"
            "b = '" + t2 + "'\n"
            "c = '" + t3 + "'\n"                        // the line after the allowed one: reported
            "d = '" + t4 + "'  # tokensweep:allow-next-line\n");  // next-line marker does not allow its own line
  const json doc = scan_json(dir, {dir.str() + "/repo"}, 1);
  ASSERT_EQ(doc["findings"].size(), 2U) << doc.dump();
  EXPECT_EQ(doc["findings"][0]["line"], 4);
  EXPECT_EQ(doc["findings"][1]["line"], 5);
  EXPECT_EQ(doc["summary"]["suppressed_inline"], 2);
  EXPECT_EQ(doc["summary"]["findings"], 2);
  const auto text = scan_with_test_rules(dir, {"--format", "text", "--color", "never", dir.str() + "/repo"});
  EXPECT_NE(text.out.find("2 allowed inline"), std::string::npos) << text.out;
}

TEST(AllowMarkers, EverySecretAllowedExitsZeroButSaysSo) {
  TempDir dir;
  dir.write("repo/x.env", "TOKEN=" + checksummed_token("gho_", 61) + " # tokensweep:allow\n");
  const auto r = scan_with_test_rules(dir, {"--format", "text", "--color", "never", dir.str() + "/repo"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 allowed inline"), std::string::npos) << r.out;
}

// ---- SARIF ----

std::string sarif_validator() { return std::string(TOKENSWEEP_SOURCE_DIR) + "/tests/sarif/validate.mjs"; }

TEST(Sarif, OutputValidatesAgainstSchemaAndMultitool) {
  ASSERT_TRUE(std::filesystem::exists(std::string(TOKENSWEEP_SOURCE_DIR) + "/tests/sarif/node_modules/ajv"))
      << "run scripts/setup.sh (npm ci in tests/sarif)";
  TempDir dir;
  dir.write("repo/src/config/app.env", "GH=" + checksummed_token("gho_", 71) + "\n");
  dir.write("repo/ci/log with space.txt", "Authorization: Bearer " + random_base62(40, 72) + "\n");
  const std::string sarif = dir.str() + "/out.sarif";
  const auto r = scan_with_test_rules(dir, {"--format", "sarif", "--output", sarif, dir.str() + "/repo"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const json doc = json::parse(read_file(sarif));
  const json& run = doc["runs"][0];
  ASSERT_EQ(run["results"].size(), 2U);
  // Repository-relative paths, a stable fingerprint, rules with help and references.
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "ci/log%20with%20space.txt");
  EXPECT_EQ(run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/config/app.env");
  EXPECT_EQ(run["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(run["results"][1]["partialFingerprints"]["tokensweep/v1"].get<std::string>().size(), 64U);
  for (const auto& rule : run["tool"]["driver"]["rules"]) EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());

  const auto v = run_process({find_program("node"), sarif_validator(), sarif});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(Sarif, ValidatorRejectsABrokenDocument) {
  // The validator itself can fail: a result without a message and with a bad level.
  TempDir dir;
  const std::string bad = dir.write("bad.sarif", R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},
    "results":[{"ruleId":"a","level":"fatal"}]}]})");
  const auto v = run_process({find_program("node"), sarif_validator(), bad});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_NE(v.out.find("must have required property 'message'"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace tokensweep::testing
