// A big file is cut into segments that several threads scan (run_scan): the findings must
// be exactly those of one thread reading it whole — lines, columns, offsets, decoded routes.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <tuple>

#include "common/base64.h"
#include "pipeline/scan.h"
#include "pipeline_support.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace tokensweep::pipeline {
namespace {

using testing::checksummed_token;
using testing::TempDir;

std::shared_ptr<const engine::Engine> engine() { return test_engine(); }

using Key = std::tuple<std::string, uint64_t, uint64_t, uint64_t, std::string, std::string, std::vector<std::string>>;

std::vector<Key> keys(const report::Report& r) {
  std::vector<Key> out;
  // A decoded finding's offset is in its decoded view, which depends on where blocks begin.
  for (const auto& f : r.findings) {
    out.emplace_back(f.path, f.line, f.column, f.decoders.empty() ? f.offset : 0, f.rule_id, f.fingerprint, f.decoders);
  }
  return out;
}

report::Report scan(const std::string& path, unsigned threads, uint64_t max_size = kDefaultMaxFileSize) {
  ScanOptions options;
  options.paths = {path};
  options.threads = threads;
  options.block_size = 16 << 10;
  options.min_segment = 24 << 10;
  options.max_file_size = max_size;
  return run_scan(engine(), options);
}

// ~1.5 MB of lines of varied length (some far longer than a segment's overlap), with tokens
// plain, in base64, JSON-escaped, and repeated, everywhere including across the cut points.
std::string big_file() {
  std::mt19937 rng(99);
  std::string text;
  uint32_t seed = 1;
  while (text.size() < 1'500'000) {
    const auto kind = rng() % 10;
    if (kind == 0) {  // a long line, with a token far along it: often on a segment's first line
      text += std::string(5000 + rng() % 60000, 'a' + static_cast<char>(rng() % 26)) + " GH=" +
              checksummed_token("gho_", seed++);
    }
    if (kind == 1) text += "GH=" + checksummed_token("gho_", seed++);
    if (kind == 2) text += "blob " + base64_encode("Authorization: Bearer " + testing::random_base62(40, seed++), false, true);
    if (kind == 3) text += R"({"t":"gho_)" + std::string("\\u0041") + checksummed_token("gho_", seed++).substr(5) + "\"}";
    if (kind == 4) text += "again GH=" + checksummed_token("gho_", 1);
    text += std::string(rng() % 200, ' ') + "x\n";
  }
  return text;
}

TEST(Segments, SeveralThreadsFindExactlyWhatOneThreadFinds) {
  TempDir dir;
  const auto path = dir.write("big.log", big_file());
  const auto whole = scan(path, 1);
  ASSERT_GT(whole.findings.size(), 50U);
  for (unsigned threads : {2U, 3U, 8U}) {
    const auto split = scan(path, threads);
    EXPECT_EQ(keys(split), keys(whole)) << threads << " threads";
    EXPECT_EQ(split.summary.files_scanned, 1U);
    EXPECT_EQ(split.summary.bytes_scanned, whole.summary.bytes_scanned);
    EXPECT_TRUE(split.diagnostics.empty());
  }
}

TEST(Segments, AFileThatGrewSinceItWasListedIsReadToItsEnd) {
  TempDir dir;
  const auto path = dir.write("growing.log", big_file());
  const auto whole = scan(path, 1);
  ScanOptions options;
  source::Input listed;  // as the walk saw it: a third of what is there now
  listed.path = listed.open_path = path;
  listed.size = std::filesystem::file_size(path) / 3;
  options.inputs = {listed};
  options.threads = 2;
  options.block_size = 16 << 10;
  options.min_segment = 24 << 10;
  const auto split = run_scan(engine(), options);
  EXPECT_EQ(keys(split), keys(whole));
  EXPECT_TRUE(split.diagnostics.empty());  // no "larger than --max-file-size"
}

TEST(Segments, AFileOverTheSizeCapSaysSoOnceWithTheSameCount) {
  TempDir dir;
  const auto path = dir.write("big.log", big_file());
  const auto whole = scan(path, 1, 1'000'000);
  const auto split = scan(path, 2, 1'000'000);
  EXPECT_EQ(keys(split), keys(whole));
  ASSERT_EQ(split.diagnostics.size(), 1U);
  ASSERT_EQ(whole.diagnostics.size(), 1U);
  EXPECT_EQ(split.diagnostics[0].message, whole.diagnostics[0].message);
  EXPECT_EQ(split.summary.bytes_scanned, 1'000'000U);
}

}  // namespace
}  // namespace tokensweep::pipeline
