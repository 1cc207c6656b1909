// Archives and compressed streams, built in the test with libarchive, scanned through the
// pipeline: paths nest with '!', decoders name the chain, bad archives are diagnosed and
// bombs stop early.
#include <gtest/gtest.h>

#include <chrono>

#include "common/sha256.h"
#include "pipeline/scan.h"
#include "rules/loader.h"
#include "support/archive_writer.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace tokensweep::pipeline {
namespace {

using testing::ArchiveFormat;
using testing::checksummed_token;
using testing::Compression;
using testing::make_archive;
using testing::TempDir;

std::shared_ptr<const engine::Engine> engine() {
  static const auto compiled = [] {
    auto parsed = rules::parse_rules_yaml(R"(rules:
  - id: github.oauth
    name: GitHub OAuth token
    kind: access_token
    provider: github
    pattern: '\b(gho_[A-Za-z0-9]{36})\b'
    validate: github-crc32
)", "test.yaml");
    rules::RuleSet set;
    EXPECT_TRUE(set.add(std::move(parsed).value()).has_value());
    return engine::Engine::compile(std::move(set), nullptr, scan_compile_options()).value();
  }();
  return compiled;
}

report::Report scan(const std::vector<std::string>& paths) {
  ScanOptions options;
  options.paths = paths;
  options.threads = 1;
  return run_scan(engine(), options);
}

using Chain = std::vector<std::string>;

TEST(Archives, TarGzMemberIsFoundWithANestedPathAndItsChain) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 300);
  const auto path = dir.write("layer.tar.gz", make_archive(ArchiveFormat::kTar, Compression::kGzip,
                                                           {{"etc/motd", "hello\n"},
                                                            {"root/.config/gh/hosts.yml",
                                                             "github.com:\n    oauth_token: " + token + "\n"}}));
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  const auto& f = report.findings[0];
  EXPECT_EQ(f.path, path + "!root/.config/gh/hosts.yml");
  EXPECT_EQ(f.decoders, (Chain{"gzip", "tar"}));
  EXPECT_EQ(f.line, 2U);
  EXPECT_EQ(f.column, 18U);
  EXPECT_EQ(f.fingerprint, sha256_hex(token));
  EXPECT_TRUE(report.diagnostics.empty());
}

TEST(Archives, EveryCompressionIsRecognisedByContentNotName) {
  TempDir dir;
  const struct {
    Compression compression;
    const char* name;
  } cases[] = {{Compression::kGzip, "gzip"}, {Compression::kZstd, "zstd"}, {Compression::kXz, "xz"},
               {Compression::kBzip2, "bzip2"}};
  uint32_t seed = 310;
  for (const auto& c : cases) {
    const auto token = checksummed_token("gho_", seed++);
    // Named .txt: the name says nothing.
    const auto path = dir.write(std::string(c.name) + ".txt",
                                make_archive(ArchiveFormat::kRaw, c.compression, {{"x", "t=" + token + "\n"}}));
    const auto report = scan({path});
    ASSERT_EQ(report.findings.size(), 1U) << c.name;
    EXPECT_EQ(report.findings[0].path, path) << c.name;
    EXPECT_EQ(report.findings[0].decoders, (Chain{c.name}));
  }
}

TEST(Archives, NestedArchivesNestTheirPaths) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 320);
  const std::string inner_tgz =
      make_archive(ArchiveFormat::kTar, Compression::kGzip, {{"app/.env", "GITHUB_TOKEN=" + token + "\n"}});
  const std::string zip = make_archive(ArchiveFormat::kZip, Compression::kNone,
                                       {{"readme.txt", "nothing"}, {"images/layer.tgz", inner_tgz}});
  const auto path = dir.write("export.zip", zip);
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].path, path + "!images/layer.tgz!app/.env");
  EXPECT_EQ(report.findings[0].decoders, (Chain{"zip", "gzip", "tar"}));
}

TEST(Archives, TextDecodersRunInsideMembers) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 330);
  const std::string day = "[{\"text\":\"token \\u0067" + token.substr(1) + "\"}]";
  const auto path = dir.write("slack.zip", make_archive(ArchiveFormat::kZip, Compression::kNone, {{"general/2026-01-02.json", day}}));
  const auto report = scan({path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].path, path + "!general/2026-01-02.json");
  EXPECT_EQ(report.findings[0].decoders, (Chain{"zip", "json-unescape"}));
}

TEST(Archives, TruncatedGzipIsDiagnosedAndWhatCameBeforeIsScanned) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 340);
  std::string body = "early " + token + "\n";
  for (int i = 0; i < 20000; ++i) body += "filler line " + std::to_string(i * 7919) + "\n";
  std::string gz = make_archive(ArchiveFormat::kRaw, Compression::kGzip, {{"x", body}});
  gz.resize(gz.size() / 2);
  const auto path = dir.write("cut.gz", gz);
  const auto other = dir.write("fine.txt", checksummed_token("gho_", 341));
  const auto report = scan({path, other});
  ASSERT_EQ(report.findings.size(), 2U);
  EXPECT_EQ(report.findings[0].path, path);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].path, path);
  EXPECT_TRUE(report.diagnostics[0].incomplete);
}

TEST(Archives, ZipWithABrokenCentralDirectoryIsDiagnosedAndTheRestScanned) {
  TempDir dir;
  std::string zip = make_archive(ArchiveFormat::kZip, Compression::kNone, {{"a.txt", "x"}, {"b.txt", "y"}});
  // Corrupt the local header of the second member and everything after it.
  const auto second = zip.find("PK\x03\x04", 4);
  ASSERT_NE(second, std::string::npos);
  for (std::size_t i = second + 4; i < zip.size(); ++i) zip[i] = static_cast<char>(0xA5);
  const auto path = dir.write("bad.zip", zip);
  const auto fine = dir.write("fine.txt", checksummed_token("gho_", 350));
  const auto report = scan({path, fine});
  EXPECT_EQ(report.findings.size(), 1U);
  ASSERT_FALSE(report.diagnostics.empty());
  EXPECT_EQ(report.diagnostics[0].path, path);
  EXPECT_EQ(report.diagnostics[0].code, "malformed");
}

TEST(Archives, AGzipOfZerosStopsAtTheRatioCapQuickly) {
  TempDir dir;
  const auto path = dir.write("zeros.gz", make_archive(ArchiveFormat::kRaw, Compression::kGzip,
                                                       {{"x", std::string(200U << 20, '\0')}}));
  const auto started = std::chrono::steady_clock::now();
  const auto report = scan({path});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].code, "limit");
  EXPECT_NE(report.diagnostics[0].message.find("expansion ratio"), std::string::npos) << report.diagnostics[0].message;
  // It stopped early: far less than the 200 MiB inside was produced.
  EXPECT_LT(report.summary.bytes_scanned, 64U << 20);
  RecordProperty("seconds", std::to_string(seconds));
}

TEST(Archives, DeepNestingStopsAtTheDepthCap) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 360);
  std::string data = "t=" + token + "\n";
  for (int i = 0; i < 12; ++i) data = make_archive(ArchiveFormat::kZip, Compression::kNone, {{"inner", data}});
  const auto path = dir.write("deep.zip", data);
  const auto report = scan({path});
  EXPECT_TRUE(report.findings.empty());
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_NE(report.diagnostics[0].message.find("nested deeper"), std::string::npos);
  EXPECT_EQ(report.diagnostics[0].path.substr(0, path.size()), path);
}

TEST(Archives, ThousandsOfCompressionLayersEndQuicklyWithAMessage) {
  TempDir dir;
  std::string data = "payload";
  for (int i = 0; i < 2000; ++i) data = make_archive(ArchiveFormat::kRaw, Compression::kGzip, {{"x", data}});
  const auto started = std::chrono::steady_clock::now();
  const auto report = scan({dir.write("layers.gz", data)});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 20.0);
  ASSERT_FALSE(report.diagnostics.empty());
  EXPECT_TRUE(report.diagnostics[0].incomplete);
}

TEST(Archives, EmptyArchivesAndEmptyMembersAreFine) {
  TempDir dir;
  dir.write("empty.tar", make_archive(ArchiveFormat::kTar, Compression::kNone, {}));
  dir.write("empty-member.tgz", make_archive(ArchiveFormat::kTar, Compression::kGzip, {{"e", ""}}));
  const auto report = scan({dir.str()});
  EXPECT_TRUE(report.findings.empty());
  EXPECT_TRUE(report.diagnostics.empty()) << report.diagnostics[0].message;
}

}  // namespace
}  // namespace tokensweep::pipeline
