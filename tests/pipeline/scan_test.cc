#include "pipeline/scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/base64.h"
#include "common/sha256.h"
#include "pipeline_support.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace tokensweep::pipeline {
namespace {

using testing::checksummed_token;
using testing::TempDir;

std::shared_ptr<const engine::Engine> engine() { return test_engine(); }

report::Report scan(const std::vector<std::string>& paths, unsigned threads = 1, std::size_t block = 0,
                    uint64_t max_size = kDefaultMaxFileSize) {
  ScanOptions options;
  options.paths = paths;
  options.threads = threads;
  if (block) options.block_size = block;
  options.max_file_size = max_size;
  return run_scan(engine(), options);
}

TEST(Scan, ReportsContractFieldsForAFinding) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 1);
  const auto path = dir.write("ci.log", "first line\n\tsecond GH=" + token + " end\n");
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  const auto& f = report.findings[0];
  EXPECT_EQ(f.rule_id, "github.oauth");
  EXPECT_EQ(f.kind, "access_token");
  EXPECT_EQ(f.provider, "github");
  EXPECT_EQ(f.path, path);
  EXPECT_EQ(f.line, 2U);
  EXPECT_EQ(f.column, 12U);
  EXPECT_EQ(f.fingerprint, sha256_hex(token));
  EXPECT_EQ(f.redacted.substr(0, 4), "gho_");
  EXPECT_EQ(f.redacted.find(token.substr(4, 8)), std::string::npos);
  EXPECT_EQ(f.validation, report::Validation::kValid);
  EXPECT_EQ(f.status, report::BrokerStatus::kUnchecked);
  EXPECT_TRUE(f.decoders.empty());
  EXPECT_EQ(report.summary.files_scanned, 1U);
  EXPECT_TRUE(report.diagnostics.empty());
}

TEST(Scan, SameSecretFoundByTwoRulesAtOnePlaceIsOneFindingOfTheSpecificRule) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 2);
  const auto path = dir.write("h.txt", "Authorization: Bearer " + token + "\n");
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].rule_id, "github.oauth");
  EXPECT_EQ(report.summary.duplicates_merged, 1U);
}

TEST(Scan, SameSecretOnTwoLinesIsTwoFindingsButTwiceOnOneLineIsOne) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 3);
  const auto path = dir.write("t.txt", token + " " + token + "\n" + token + "\n");
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 2U);
  EXPECT_EQ(report.findings[0].line, 1U);
  EXPECT_EQ(report.findings[1].line, 2U);
}

TEST(Scan, TokenAcrossABlockBoundaryIsFoundOnceWithTheRightLineAndColumn) {
  TempDir dir;
  const std::size_t block = 8192;  // the smallest block the pipeline accepts for these rules is near this
  for (std::size_t shift = 0; shift < 64; shift += 7) {
    // Place a token so that it straddles the first block boundary, after many lines.
    std::string data;
    while (data.size() < block - 20 - shift) data += "log line without secrets\n";
    data.resize(block - 20 - shift);
    data.back() = '\n';
    const auto token = checksummed_token("gho_", 100 + static_cast<uint32_t>(shift));
    const std::size_t lines_before = static_cast<std::size_t>(std::count(data.begin(), data.end(), '\n'));
    data += "token " + token + "\n";
    for (int i = 0; i < 2000; ++i) data += "more text after the token\n";
    const auto path = dir.write("big" + std::to_string(shift) + ".log", data);
    const auto report = scan({path}, 1, block);
    ASSERT_EQ(report.findings.size(), 1U) << "shift " << shift;
    EXPECT_EQ(report.findings[0].line, lines_before + 1);
    EXPECT_EQ(report.findings[0].column, 7U);
    EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  }
}

TEST(Scan, ManyBlocksOnOneLineKeepColumnsExact) {
  TempDir dir;
  std::string data(200000, 'a');
  const auto token = checksummed_token("gho_", 7);
  data += " " + token + " ";
  data += std::string(100000, 'b');
  const auto report = scan({dir.write("line", data)}, 1, 8192);
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].line, 1U);
  EXPECT_EQ(report.findings[0].column, 200002U);
}

TEST(Scan, OutputIsTheSameWhateverTheThreadCount) {
  TempDir dir;
  std::vector<std::string> expected;
  for (int i = 0; i < 60; ++i) {
    std::string content;
    for (int j = 0; j < i % 4; ++j) content += "x " + checksummed_token("gho_", static_cast<uint32_t>(i * 10 + j)) + "\n";
    dir.write("d" + std::to_string(i % 7) + "/f" + std::to_string(i) + ".txt", content);
  }
  const auto one = scan({dir.str()}, 1);
  ASSERT_GT(one.findings.size(), 50U);
  for (unsigned threads : {2U, 4U, 8U}) {
    const auto many = scan({dir.str()}, threads);
    ASSERT_EQ(many.findings.size(), one.findings.size());
    for (std::size_t i = 0; i < one.findings.size(); ++i) {
      EXPECT_EQ(many.findings[i].path, one.findings[i].path);
      EXPECT_EQ(many.findings[i].offset, one.findings[i].offset);
      EXPECT_EQ(many.findings[i].fingerprint, one.findings[i].fingerprint);
    }
  }
  for (std::size_t i = 1; i < one.findings.size(); ++i) {
    const auto& a = one.findings[i - 1];
    const auto& b = one.findings[i];
    EXPECT_TRUE(a.path < b.path || (a.path == b.path && a.offset < b.offset));
  }
}

TEST(Scan, WorkersThatStartWhileTheWalkGoesOnSeeEveryInputOnce) {
  // With several threads the walk hands inputs out as it meets them: every file is
  // scanned once, an unreadable one is still a diagnostic, and more threads than inputs
  // is fine.
  TempDir dir;
  for (int i = 0; i < 1500; ++i) {
    const std::string content = i % 50 == 0 ? "t=" + checksummed_token("gho_", static_cast<uint32_t>(9000 + i)) + "\n"
                                            : "nothing here " + std::to_string(i) + "\n";
    dir.write("d" + std::to_string(i % 13) + "/f" + std::to_string(i) + ".txt", content);
  }
  const std::string locked = dir.write("d0/locked.txt", "t=" + checksummed_token("gho_", 9999) + "\n");
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  const bool can_read_anyway = std::ifstream(locked).good();  // root reads it anyway
  const auto one = scan({dir.str()}, 1);
  for (unsigned threads : {2U, 8U}) {
    const auto many = scan({dir.str()}, threads);
    EXPECT_EQ(many.summary.files_scanned, one.summary.files_scanned) << threads << " threads";
    EXPECT_EQ(many.summary.bytes_scanned, one.summary.bytes_scanned) << threads << " threads";
    ASSERT_EQ(many.findings.size(), one.findings.size()) << threads << " threads";
    for (std::size_t i = 0; i < one.findings.size(); ++i) EXPECT_EQ(many.findings[i].path, one.findings[i].path);
    ASSERT_EQ(many.diagnostics.size(), one.diagnostics.size()) << threads << " threads";
  }
  EXPECT_EQ(one.findings.size(), can_read_anyway ? 31U : 30U);
  EXPECT_EQ(one.summary.files_scanned, can_read_anyway ? 1501U : 1500U);
  const auto tiny = scan({dir.str() + "/d1/f1.txt"}, 8);  // one input, eight threads
  EXPECT_EQ(tiny.summary.files_scanned, 1U);
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
}

TEST(Scan, FileLargerThanTheCapIsScannedUpToItWithADiagnostic) {
  TempDir dir;
  const auto early = checksummed_token("gho_", 8);
  const auto late = checksummed_token("gho_", 9);
  std::string data = early + "\n" + std::string(100000, '.') + "\n" + late + "\n";
  const auto path = dir.write("big.log", data);
  const auto report = scan({path}, 1, 0, 50000);
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(early));
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].path, path);
  EXPECT_EQ(report.diagnostics[0].code, "limit");
  EXPECT_TRUE(report.diagnostics[0].incomplete);
  EXPECT_EQ(report.summary.files_skipped, 1U);
}

TEST(Scan, UnreadableInputsAreDiagnosedAndTheRestScanned) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 10);
  const auto good = dir.write("good.txt", token);
  const auto report = scan({dir.str() + "/vanished.txt", good});
  ASSERT_EQ(report.findings.size(), 1U);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].path, dir.str() + "/vanished.txt");
}

TEST(Scan, EmptyFilesAndBinaryBytesAreScanned) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 11);
  dir.write("empty", "");
  dir.write("binary", std::string("\0\x01\x02\xff", 4) + token + std::string("\0\0", 2));
  const auto report = scan({dir.str()});
  EXPECT_EQ(report.summary.files_scanned, 2U);
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].column, 5U);
}

}  // namespace
}  // namespace tokensweep::pipeline

namespace tokensweep::pipeline {
namespace {

TEST(Decoding, JsonEscapedTokenIsFoundWithItsDecoderChain) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 200);
  // A Slack-style export: the token's context is escaped.
  const auto path = dir.write("day.json", "[{\"text\":\"Authorization: Bearer \\u0067" + token.substr(1) + "\"}]\n");
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  EXPECT_EQ(report.findings[0].decoders, (std::vector<std::string>{"json-unescape"}));
}

TEST(Decoding, TokenSplitByAColourCodeIsFoundWhole) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 201);
  const auto path = dir.write("ci.log", "line 1\nGH=" + token.substr(0, 10) + "\x1b[1m" + token.substr(10) + "\x1b[0m\n");
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  EXPECT_EQ(report.findings[0].decoders, (std::vector<std::string>{"ansi"}));
  EXPECT_EQ(report.findings[0].line, 2U);
}

TEST(Decoding, AColourSplitTokenDeepInALargeBlockIsFound) {
  // A block this large is indexed as it is read (NewlineIndex), and that pass is what
  // tells the ANSI decoder whether to look: here the one ESC is near the block's end.
  TempDir dir;
  const auto token = checksummed_token("gho_", 207);
  std::string text;
  for (int i = 1; i < 20'000; ++i) text += "plain line " + std::to_string(i) + "\n";
  text += "GH=" + token.substr(0, 10) + "\x1b[1m" + token.substr(10) + "\n";  // line 20,000
  text += "the end\n";
  ASSERT_GT(text.size(), 200'000U);
  const auto report = scan({dir.write("big.log", text)});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  EXPECT_EQ(report.findings[0].decoders, (std::vector<std::string>{"ansi"}));
  EXPECT_EQ(report.findings[0].line, 20'000U);
}

TEST(Decoding, AColourSplitTokenAmongManyPlainLinesKeepsItsLine) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 204);
  const auto nested = checksummed_token("gho_", 205);
  std::string text;
  for (int i = 1; i < 50; ++i) text += i % 7 == 0 ? "\x1b[32mINFO\x1b[0m step\n" : "plain line\n";
  text += "GH=" + token.substr(0, 10) + "\x1b[1m" + token.substr(10) + "\x1b[0m\n";  // line 50
  text += "more\n\x1b[0m" + base64_encode("{\"t\":\"" + nested + "\"}", false, true) + "\n";  // line 52
  const auto path = dir.write("ci.log", text);
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 2U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  EXPECT_EQ(report.findings[0].line, 50U);
  EXPECT_EQ(report.findings[1].fingerprint, sha256_hex(nested));
  EXPECT_EQ(report.findings[1].line, 52U);
}

TEST(Scan, WithoutABrokerFindingsDoNotCarryTheSecret) {
  TempDir dir;
  const auto path = dir.write("t.txt", "GH=" + checksummed_token("gho_", 206) + "\n");
  ScanOptions options;
  options.paths = {path};
  const auto kept = run_scan(engine(), options);
  options.keep_secrets = false;
  const auto dropped = run_scan(engine(), options);
  ASSERT_EQ(kept.findings.size(), 1U);
  ASSERT_EQ(dropped.findings.size(), 1U);
  EXPECT_NE(kept.findings[0].secret, nullptr);
  EXPECT_EQ(dropped.findings[0].secret, nullptr);
  EXPECT_EQ(dropped.findings[0].redacted, kept.findings[0].redacted);
  EXPECT_EQ(dropped.findings[0].fingerprint, kept.findings[0].fingerprint);
}

TEST(Decoding, PercentAndHtmlEncodedContextIsDecoded) {
  TempDir dir;
  const auto a = checksummed_token("gho_", 202);
  const auto b = testing::random_base62(40, 203);
  dir.write("url.txt", "https://x.test/cb?next=%2Fhome%3Ftoken%3D" + a + "%26x%3D1\n");
  dir.write("page.html", "<pre>Authorization:&#32;Bearer&#32;" + b + "&quot;</pre>\n");
  const auto report = scan({dir.str()});
  ASSERT_EQ(report.findings.size(), 2U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(b));
  EXPECT_EQ(report.findings[0].decoders, (std::vector<std::string>{"html-entities"}));
  // Raw, "%3Dgho_…" glues the token to a word character; decoded, it stands alone.
  EXPECT_EQ(report.findings[1].fingerprint, sha256_hex(a));
  EXPECT_EQ(report.findings[1].decoders, (std::vector<std::string>{"percent"}));
}

TEST(Decoding, TwoLevelsOfBase64AsInADockerConfigJson) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 204);
  const std::string docker = "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64_encode("octocat:" + token) + "\"}}}";
  const std::string secret_yaml = "apiVersion: v1\nkind: Secret\ndata:\n  .dockerconfigjson: " + base64_encode(docker) + "\n";
  const auto report = scan({dir.write("secret.yaml", secret_yaml)});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  EXPECT_EQ(report.findings[0].decoders, (std::vector<std::string>{"base64", "base64"}));
  EXPECT_EQ(report.findings[0].line, 4U);
}

TEST(Decoding, TheSameSecretThroughTwoRoutesIsOneFindingFromThePlainRoute) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 205);
  const auto path = dir.write("both.txt", token + "\n" + base64_encode("{\"token\":\"" + token + "\"}") + "\n");
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_TRUE(report.findings[0].decoders.empty());
  EXPECT_GE(report.summary.duplicates_merged, 1U);
}

TEST(Decoding, WithoutTriggersEveryDecoderIsTried) {
  // An engine compiled without the decoders' triggers still decodes, just less cheaply.
  auto bare = engine::Engine::compile(test_rule_set()).value();
  ASSERT_FALSE(bare->has_triggers());
  TempDir dir;
  const auto token = checksummed_token("gho_", 206);
  ScanOptions options;
  options.paths = {dir.write("c.log", "GH=" + token.substr(0, 9) + "\x1b[0m" + token.substr(9) + "\n")};
  const auto report = run_scan(bare, options);
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].decoders, (std::vector<std::string>{"ansi"}));
}

TEST(Decoding, PlainTextHasNoDecodedFindings) {
  TempDir dir;
  dir.write("plain.txt", "nothing encoded here, just words and ThisIsAnIdentifierOfSomeLength\n");
  const auto report = scan({dir.str()});
  EXPECT_TRUE(report.findings.empty());
  EXPECT_TRUE(report.diagnostics.empty());
}

}  // namespace
}  // namespace tokensweep::pipeline
