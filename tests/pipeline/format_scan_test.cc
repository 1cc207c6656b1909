// How the pipeline drives formats (source/format.h), with two small formats defined here:
// the real ones (histories, CI logs, exports) have their own tests against the CLI.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/sha256.h"
#include "pipeline/scan.h"
#include "pipeline_support.h"
#include "support/archive_writer.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace tokensweep::pipeline {
namespace {

using testing::checksummed_token;
using testing::TempDir;

std::shared_ptr<const engine::Engine> engine() { return test_engine(); }

// A line format: drops every '~' (a token split by them is found whole) and gives each
// line the context {"line", N}; warns once when it sees a NUL.
class TildeLines : public source::LineFormat {
 public:
  void feed(std::string_view in, std::string& out) override {
    for (char c : in) {
      if (c == '\n') ++lines_;
      if (c == '\0') saw_nul_ = true;
      if (c != '~') out += c;
    }
  }
  void finish(std::string&) override {}
  const source::SourceContext* context(uint64_t line) const override {
    if (line > lines_ + 1) return nullptr;
    context_ = {{"line", std::to_string(line)}};
    return &context_;
  }
  std::vector<std::string> take_warnings() override {
    if (!saw_nul_) return {};
    saw_nul_ = false;
    return {"binary junk"};
  }

 private:
  uint64_t lines_ = 0;
  bool saw_nul_ = false;
  mutable source::SourceContext context_;
};

// A record format: each line "R <id> <text>" is a record whose text has "\t" sequences
// standing for nothing (so "gho_ab\tcd" is "gho_abcd") and "\n" for a line break; a line
// "BAD" is malformed.
class RecordLines : public source::RecordFormat {
 public:
  Status feed(std::string_view in, const source::RecordSink& emit) override {
    for (char c : in) {
      if (c != '\n') {
        partial_ += c;
        continue;
      }
      if (auto st = line(emit); !st) return st;
    }
    return {};
  }
  Status finish(const source::RecordSink& emit) override { return partial_.empty() ? Status{} : line(emit); }

 private:
  Status line(const source::RecordSink& emit) {
    ++line_;
    std::string text = std::move(partial_);
    partial_.clear();
    if (text == "BAD") return make_error(ErrorCode::kMalformed, "line " + std::to_string(line_) + ": bad record");
    if (text.rfind("R ", 0) != 0) return {};
    const auto space = text.find(' ', 2);
    std::string body = text.substr(space + 1);
    for (std::size_t at; (at = body.find("\\t")) != std::string::npos;) body.erase(at, 2);
    for (std::size_t at; (at = body.find("\\n")) != std::string::npos;) body.replace(at, 2, "\n");
    source::Record r;
    r.text = body;
    r.line = line_;
    r.lines_are_input_lines = text.substr(2, space - 2) == "csv";  // as if its line breaks were the file's
    r.source = {{"record", text.substr(2, space - 2)}};
    r.decoders = {"test-record"};
    emit(r);
    return {};
  }

  std::string partial_;
  uint64_t line_ = 0;
};

std::unique_ptr<source::LineFormat> make_tilde(std::string_view) { return std::make_unique<TildeLines>(); }
std::unique_ptr<source::RecordFormat> make_records(std::string_view) { return std::make_unique<RecordLines>(); }
bool never(std::string_view, std::string_view) { return false; }

const source::FormatInfo kTilde{"tilde-lines", "test", never, make_tilde, nullptr};
const source::FormatInfo kRecords{"record-lines", "test", never, nullptr, make_records};

report::Report scan_as(const source::FormatInfo* format, const std::vector<std::string>& paths,
                       std::size_t block = 0) {
  ScanOptions options;
  options.paths = paths;
  options.threads = 1;
  options.input_format = format;
  if (block != 0) options.block_size = block;
  return run_scan(engine(), options);
}

std::string value_of(const report::Finding& f, const std::string& key) {
  for (const auto& [k, v] : f.source) {
    if (k == key) return v;
  }
  return "";
}

TEST(FormatScan, LineFormatKeepsLineNumbersAndAddsContext) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 11);
  const std::string split = token.substr(0, 10) + "~~" + token.substr(10);
  const auto path = dir.write("h.txt", "one\ntwo\nexport T=" + split + "\nfour\n");
  const auto report = scan_as(&kTilde, {path});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(token));
  EXPECT_EQ(report.findings[0].line, 3U);
  EXPECT_EQ(value_of(report.findings[0], "line"), "3");
  EXPECT_TRUE(report.diagnostics.empty());
}

TEST(FormatScan, LineFormatStreamsAcrossBlocksAndReportsWarnings) {
  TempDir dir;
  std::string content(1, '\0');
  std::vector<std::string> tokens;
  for (uint32_t i = 0; i < 200; ++i) {
    tokens.push_back(checksummed_token("gho_", 100 + i));
    content += std::string(97, 'x') + "\n T=" + tokens.back().substr(0, 20) + "~" + tokens.back().substr(20) + "\n";
  }
  const auto path = dir.write("big.txt", content);
  const auto report = scan_as(&kTilde, {path}, 8192);
  ASSERT_EQ(report.findings.size(), tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(report.findings[i].line, 2 * i + 2) << i;
    EXPECT_EQ(value_of(report.findings[i], "line"), std::to_string(2 * i + 2));
  }
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].path, path);
  EXPECT_EQ(report.diagnostics[0].message, "binary junk");
  EXPECT_FALSE(report.diagnostics[0].incomplete);
}

TEST(FormatScan, RecordFindingWinsOverTheSameSecretInTheRawBytes) {
  TempDir dir;
  const auto inside = checksummed_token("gho_", 21);
  const auto outside = checksummed_token("gho_", 22);
  const auto hidden = checksummed_token("gho_", 23);
  const auto path = dir.write("r.txt", "header " + outside + "\nR 7 token " + inside + "\nR 8 split " +
                                           hidden.substr(0, 12) + "\\t" + hidden.substr(12) + "\n");
  const auto report = scan_as(&kRecords, {path});
  ASSERT_EQ(report.findings.size(), 3U);
  const auto by_fp = [&](const std::string& token) {
    return *std::find_if(report.findings.begin(), report.findings.end(),
                         [&](const auto& f) { return f.fingerprint == sha256_hex(token); });
  };
  EXPECT_EQ(by_fp(outside).line, 1U);
  EXPECT_TRUE(by_fp(outside).source.empty());
  EXPECT_EQ(by_fp(inside).line, 2U);
  EXPECT_EQ(value_of(by_fp(inside), "record"), "7");
  EXPECT_EQ(by_fp(inside).decoders, std::vector<std::string>{"test-record"});
  EXPECT_EQ(by_fp(hidden).line, 3U);
  EXPECT_EQ(value_of(by_fp(hidden), "record"), "8");
  EXPECT_EQ(report.summary.duplicates_merged, 1U);  // `inside` in the raw bytes
}

TEST(FormatScan, ARecordFindingIsOnTheRecordsLineUnlessItsLineBreaksAreTheInputs) {
  TempDir dir;
  const auto json_like = checksummed_token("gho_", 51);
  const auto csv_like = checksummed_token("gho_", 52);
  const auto path = dir.write("lines.txt", "x\nR 1 a\\nb\\nc " + json_like + "\nR csv a\\nb " + csv_like + "\n");
  const auto report = scan_as(&kRecords, {path});
  ASSERT_EQ(report.findings.size(), 2U);
  EXPECT_EQ(report.findings[0].fingerprint, sha256_hex(json_like));
  EXPECT_EQ(report.findings[0].line, 2U);  // decoded from one escaped string on line 2
  EXPECT_EQ(report.findings[1].fingerprint, sha256_hex(csv_like));
  EXPECT_EQ(report.findings[1].line, 4U);  // the record starts on line 3; its second line
}

TEST(FormatScan, RecordsAreFedEachByteOnceAcrossOverlappingBlocks) {
  TempDir dir;
  std::string content;
  std::vector<std::string> tokens;
  for (uint32_t i = 0; i < 300; ++i) {
    tokens.push_back(checksummed_token("gho_", 300 + i));
    content += "R " + std::to_string(i) + " " + std::string(60, 'y') + " " + tokens.back() + "\n";
  }
  const auto path = dir.write("many.txt", content);
  const auto report = scan_as(&kRecords, {path}, 8192);
  ASSERT_EQ(report.findings.size(), tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(report.findings[i].line, i + 1);
    EXPECT_EQ(value_of(report.findings[i], "record"), std::to_string(i));
  }
  EXPECT_TRUE(report.diagnostics.empty());
}

TEST(FormatScan, MalformedRecordsAreADiagnosticAndTheRawBytesAreStillScanned) {
  TempDir dir;
  const auto before = checksummed_token("gho_", 31);
  const auto after = checksummed_token("gho_", 32);
  const auto path = dir.write("bad.txt", "R 1 " + before + "\nBAD\nR 2 " + after + "\n");
  const auto report = scan_as(&kRecords, {path});
  ASSERT_EQ(report.findings.size(), 2U);
  EXPECT_EQ(value_of(report.findings[0], "record"), "1");
  EXPECT_TRUE(report.findings[1].source.empty());  // found in the raw bytes after the error
  EXPECT_EQ(report.findings[1].line, 3U);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].path, path);
  EXPECT_EQ(report.diagnostics[0].code, "malformed");
  EXPECT_NE(report.diagnostics[0].message.find("line 2: bad record"), std::string::npos);
}

TEST(FormatScan, ForcedFormatAppliesToNamedInputsNotToArchiveMembers) {
  TempDir dir;
  const auto token = checksummed_token("gho_", 41);
  const std::string split = token.substr(0, 10) + "~" + token.substr(10);
  const auto archive = dir.write(
      "a.tar.gz", testing::make_archive(testing::ArchiveFormat::kTar, testing::Compression::kGzip,
                                        {{"member.txt", "T=" + split + "\n"}}));
  const auto plain = dir.write("p.txt", "T=" + split + "\n");
  const auto forced = scan_as(&kTilde, {archive, plain});
  ASSERT_EQ(forced.findings.size(), 1U);  // the member is plain bytes: the '~' stays
  EXPECT_EQ(forced.findings[0].path, plain);
  ScanOptions options;
  options.paths = {plain};
  options.detect_formats = false;  // --input-type plain
  EXPECT_TRUE(run_scan(engine(), options).findings.empty());
}

}  // namespace
}  // namespace tokensweep::pipeline
