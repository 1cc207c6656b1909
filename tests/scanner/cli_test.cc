// The `tokensweep` executable against the contracts of design §3.1 and §3.2.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_support.h"
#include "common/sha256.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using nlohmann::json;

std::vector<json> parse_lines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(json::parse(line, nullptr, false));
    EXPECT_FALSE(lines.back().is_discarded()) << "not JSON: " << line.substr(0, 80);
  }
  return lines;
}

TEST(Cli, ExitsZeroWhenNothingIsFoundAndEverythingWasScanned) {
  TempDir dir;
  dir.write("src/clean.txt", "nothing to see here\n");
  const auto r = scan_with_test_rules(dir, {dir.str() + "/src"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Cli, ExitsOneOnFindings) {
  TempDir dir;
  dir.write("src/leak.txt", "GH=" + checksummed_token("gho_", 1) + "\n");
  const auto r = scan_with_test_rules(dir, {dir.str() + "/src"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST(Cli, IncompleteScanWithNothingFoundExitsTwoNeverZero) {
  TempDir dir;
  dir.write("src/clean.txt", "clean\n");
  const auto r = scan_with_test_rules(dir, {dir.str() + "/src", dir.str() + "/missing.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.err;
}

TEST(Cli, IncompleteScanWithFindingsExitsOne) {
  TempDir dir;
  dir.write("src/leak.txt", checksummed_token("gho_", 2));
  const auto r = scan_with_test_rules(dir, {dir.str() + "/src", dir.str() + "/missing.txt"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(Cli, UnreadableFileIsNamedAndTheRestIsScanned) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop to another user";
  TempDir dir;
  ::chmod(dir.str().c_str(), 0755);
  const std::string locked = dir.write("tree/locked.txt", checksummed_token("gho_", 3));
  dir.write("tree/open.txt", "clean\n");
  ::chmod((dir.str() + "/tree").c_str(), 0755);
  ::chmod((dir.str() + "/tree/open.txt").c_str(), 0644);
  ::chmod(locked.c_str(), 0000);
  const std::string rules = dir.write("rules.yaml", kTestRules);
  ::chmod((dir.str() + "/rules.yaml").c_str(), 0644);
  ProcessOptions as_nobody;
  as_nobody.run_as_uid = 65534;
  as_nobody.cwd = "/";
  const auto r = tokensweep({"scan", "--no-builtin-rules", "--rules", rules, "--format", "jsonl", dir.str() + "/tree"},
                            as_nobody);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("locked.txt"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Cli, FifoInsideADirectoryIsReportedNotWaitedOn) {
  TempDir dir;
  dir.write("tree/a.txt", "clean");
  ASSERT_EQ(::mkfifo((dir.str() + "/tree/fifo").c_str(), 0600), 0);
  const auto r = scan_with_test_rules(dir, {dir.str() + "/tree"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fifo"), std::string::npos) << r.err;
}

TEST(Cli, NamedFifoIsReadAsAStream) {
  TempDir dir;
  const std::string fifo = dir.str() + "/stream";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string token = checksummed_token("gho_", 4);
  // The writer gives up after 30 s so that a scanner that never opens the FIFO fails the
  // test instead of hanging it.
  std::thread writer([&] {
    const std::string line = "streamed " + token + "\n";
    for (int i = 0; i < 3000; ++i) {
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) {
        const int flags = ::fcntl(fd, F_GETFL);
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        EXPECT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
        ::close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const auto r = scan_with_test_rules(dir, {"--format", "jsonl", fifo});
  writer.join();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = parse_lines(r.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0]["path"], fifo);
}

TEST(Cli, BadRulesStopBeforeScanningAndNameFileLineAndRule) {
  TempDir dir;
  dir.write("src/leak.txt", checksummed_token("gho_", 5));
  const struct {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"rules:\n  - id: x.y\n    name: [oops\n", "bad.yaml:"},
      {"rules:\n  - id: x.y\n    name: n\n    kind: pat\n    provider: x\n", "bad.yaml:2 x.y: missing field 'pattern'"},
      {"rules:\n  - {id: x.y, name: n, kind: pat, provider: x, pattern: 'no_capture'}\n", "bad.yaml:2 x.y: pattern has 0"},
      {"rules:\n  - {id: x.y, name: n, kind: pat, provider: x, pattern: '(a)(?=b)'}\n", "bad.yaml:2 x.y: pattern rejected by RE2"},
      {"rules:\n  - {id: x.y, name: n, kind: pat, provider: x, pattern: '(a)'}\n  - {id: x.y, name: n, kind: pat, "
       "provider: x, pattern: '(b)'}\n",
       "bad.yaml:3 x.y: duplicate rule id"},
  };
  for (const auto& c : cases) {
    const std::string bad = dir.write("bad.yaml", c.yaml);
    const auto r = tokensweep({"scan", "--rules", bad, "--format", "jsonl", dir.str() + "/src"});
    EXPECT_EQ(r.exit_code, 2) << c.yaml;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "nothing may be scanned";
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  }
}

TEST(Cli, UsageErrorsExitTwo) {
  TempDir dir;
  EXPECT_EQ(tokensweep({"scan", "--no-such-flag", dir.str()}).exit_code, 2);
  EXPECT_EQ(tokensweep({"scan", "--format", "xml", dir.str()}).exit_code, 2);
  EXPECT_EQ(tokensweep({"scan", "--threads", "0", dir.str()}).exit_code, 2);
  EXPECT_EQ(tokensweep({"scan", "--max-file-size", "lots", dir.str()}).exit_code, 2);
  EXPECT_EQ(tokensweep({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(tokensweep({}).exit_code, 2);
  EXPECT_EQ(tokensweep({"--help"}).exit_code, 0);
}

TEST(Cli, JsonlWritesOnlyFindingObjectsWithTheContractFields) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 6);
  dir.write("src/a.log", "x\nAuthorization: Bearer " + token + "\n");
  dir.write("src/b.log", "y " + checksummed_token("gho_", 7) + "\n");
  const auto r = scan_with_test_rules(dir, {"--format", "jsonl", dir.str() + "/src", dir.str() + "/missing"});
  EXPECT_EQ(r.exit_code, 1);
  const auto lines = parse_lines(r.out);
  ASSERT_EQ(lines.size(), 2U);
  for (const auto& f : lines) {
    for (const char* key : {"rule_id", "kind", "provider", "path", "line", "column", "decoders", "fingerprint",
                            "redacted", "validation", "status"}) {
      EXPECT_TRUE(f.contains(key)) << key;
    }
    EXPECT_TRUE(f["line"].is_number_unsigned());
    EXPECT_TRUE(f["decoders"].is_array());
    EXPECT_EQ(f["fingerprint"].get<std::string>().size(), 64U);
  }
  EXPECT_EQ(lines[0]["path"], dir.str() + "/src/a.log");
  EXPECT_EQ(lines[0]["line"], 2);
  EXPECT_EQ(lines[0]["column"], 23);
  EXPECT_EQ(lines[0]["rule_id"], "testgh.oauth");  // the specific rule wins over the generic one
  EXPECT_EQ(lines[0]["fingerprint"], sha256_hex(token));
  EXPECT_EQ(lines[0]["validation"], "valid");
  EXPECT_EQ(lines[0]["status"], "unchecked");
  EXPECT_NE(r.err.find("missing"), std::string::npos) << "diagnostics go to stderr";
}

TEST(Cli, JsonIsOneDocumentWithFindingsSummaryAndDiagnostics) {
  TempDir dir;
  dir.write("src/a.log", checksummed_token("gho_", 8));
  const auto r = scan_with_test_rules(dir, {"--format", "json", dir.str() + "/src", dir.str() + "/missing"});
  EXPECT_EQ(r.exit_code, 1);
  const auto doc = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out.substr(0, 200);
  EXPECT_EQ(doc["findings"].size(), 1U);
  EXPECT_EQ(doc["summary"]["files_scanned"], 1);
  ASSERT_EQ(doc["diagnostics"].size(), 1U);
  EXPECT_EQ(doc["diagnostics"][0]["path"], dir.str() + "/missing");
}

TEST(Cli, SarifIsSarif) {
  TempDir dir;
  dir.write("src/a.log", checksummed_token("gho_", 9));
  const auto r = scan_with_test_rules(dir, {"--format", "sarif", dir.str() + "/src"});
  EXPECT_EQ(r.exit_code, 1);
  const auto doc = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "tokensweep");
  ASSERT_EQ(run["results"].size(), 1U);
  const auto& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "testgh.oauth");
  const auto index = result["ruleIndex"].get<std::size_t>();
  EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], "testgh.oauth");
  EXPECT_FALSE(result["partialFingerprints"].empty());
}

TEST(Cli, ScansStdin) {
  TempDir dir;
  ProcessOptions options;
  options.stdin_data = "piped\n" + checksummed_token("gho_", 10) + "\n";
  const auto r = scan_with_test_rules(dir, {"--format", "jsonl", "-"}, options);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto lines = parse_lines(r.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0]["path"], "<stdin>");
  EXPECT_EQ(lines[0]["line"], 2);
}

TEST(Cli, HugeSingleLineWithNulBytesIsScannedThroughStdinAndFile) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 11);
  std::string data(150U << 20, 'A');  // 150 MiB, one line: many blocks
  for (std::size_t i = 0; i < data.size(); i += 4093) data[i] = '\0';
  data += " " + token;
  ProcessOptions options;
  options.stdin_data = data;
  const auto piped = scan_with_test_rules(dir, {"--format", "jsonl", "-"}, options);
  EXPECT_EQ(piped.exit_code, 1) << piped.err;
  const auto lines = parse_lines(piped.out);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0]["line"], 1);
  EXPECT_EQ(lines[0]["column"], (150U << 20) + 2);

  const std::string file = dir.write("huge.bin", data);
  const auto scanned = scan_with_test_rules(dir, {"--format", "jsonl", file});
  EXPECT_EQ(scanned.exit_code, 1) << scanned.err;
  EXPECT_EQ(parse_lines(scanned.out).size(), 1U);
}

TEST(Cli, InvalidUtf8InPathsAndContentDoesNotBreakJson) {
  TempDir dir;
  dir.write("src/bad\xff\xfename.txt", std::string("\xc3\x28 ") + checksummed_token("gho_", 12));
  for (const char* format : {"json", "jsonl", "sarif"}) {
    const auto r = scan_with_test_rules(dir, {"--format", format, dir.str() + "/src"});
    EXPECT_EQ(r.exit_code, 1) << format << r.err;
    if (std::string(format) == "jsonl") {
      EXPECT_EQ(parse_lines(r.out).size(), 1U);
    } else {
      EXPECT_FALSE(json::parse(r.out, nullptr, false).is_discarded()) << format;
    }
  }
}

TEST(Cli, OutputFileReceivesTheReport) {
  TempDir dir;
  dir.write("src/a.log", checksummed_token("gho_", 13));
  const std::string out = dir.str() + "/report.jsonl";
  const auto r = scan_with_test_rules(dir, {"--format", "jsonl", "--output", out, dir.str() + "/src"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  std::ifstream in(out);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(parse_lines(content.str()).size(), 1U);
  const auto bad = scan_with_test_rules(dir, {"--output", dir.str() + "/no/such/dir/r.txt", dir.str() + "/src"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(Cli, ThreadCountDoesNotChangeTheOutput) {
  TempDir dir;
  for (int i = 0; i < 40; ++i) {
    dir.write("src/d" + std::to_string(i % 5) + "/f" + std::to_string(i), checksummed_token("gho_", 100 + i) + "\n");
  }
  const auto one = scan_with_test_rules(dir, {"--format", "jsonl", "--threads", "1", dir.str() + "/src"});
  const auto four = scan_with_test_rules(dir, {"--format", "jsonl", "--threads", "4", dir.str() + "/src"});
  EXPECT_EQ(parse_lines(one.out).size(), 40U);
  EXPECT_TRUE(one.out == four.out);
}

TEST(Cli, RulesListJsonDescribesEveryRule) {
  TempDir dir;
  const std::string rules = dir.write("r.yaml", kTestRules);
  const auto r = tokensweep({"rules", "list", "--format", "json", "--no-builtin-rules", "--rules", rules});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 2U);
  EXPECT_EQ(doc[0]["id"], "testgh.oauth");
  EXPECT_EQ(doc[0]["provider"], "testgh");
  EXPECT_EQ(doc[0]["kind"], "access_token");
  EXPECT_EQ(doc[0]["confidence"], "high");
  EXPECT_TRUE(doc[0]["references"].is_array());
}

TEST(Cli, RulesExplainShowsOneRuleAndRejectsUnknownIds) {
  TempDir dir;
  const std::string rules = dir.write("r.yaml", kTestRules);
  const auto r = tokensweep({"rules", "explain", "--no-builtin-rules", "--rules", rules, "testgh.oauth"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("gho_[A-Za-z0-9]{36}"), std::string::npos);
  EXPECT_NE(r.out.find("github-crc32"), std::string::npos);
  const auto unknown = tokensweep({"rules", "explain", "--no-builtin-rules", "--rules", rules, "nope.nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("nope.nope"), std::string::npos);
}

TEST(Cli, RulesCheckPassesTheRulesDirectoryAndFailsABrokenFile) {
  // The built-ins themselves are checked in rules_tests (BuiltinRules.PassRulesCheck).
  const auto tree = tokensweep({"rules", "check", std::string(TOKENSWEEP_SOURCE_DIR) + "/rules"});
  EXPECT_EQ(tree.exit_code, 0) << tree.out << tree.err;

  TempDir dir;
  const std::string bad = dir.write("bad.yaml", kTestRules);  // examples 'x' are not found
  const auto r = tokensweep({"rules", "check", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("bad.yaml:2 testgh.oauth: example 1 is not found"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tokensweep::testing
