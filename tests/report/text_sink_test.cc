// The text format: grouped by file, aligned, colour only when asked for.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>

#include "report/sink.h"
#include "sink_fixtures.h"

namespace tokensweep::report {
namespace {

using testing::render;
using testing::sample_report;
using testing::split_lines;

std::string text(const Report& report, bool color = false) {
  SinkOptions options;
  options.color = color;
  return render(Format::kText, report, options);
}

std::string strip_sgr(const std::string& s) {
  return std::regex_replace(s, std::regex("\x1b\\[[0-9;]*m"), "");
}

std::size_t count_lines_equal(const std::vector<std::string>& lines, const std::string& want) {
  return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), want));
}

TEST(ReportText, GroupsFindingsUnderOneHeaderPerFile) {
  const auto lines = split_lines(text(sample_report()));
  // Header, two findings, blank; header, one finding, blank; summary.
  ASSERT_EQ(lines.size(), 8u) << text(sample_report());
  EXPECT_EQ(lines[0], "config/settings.yml");
  EXPECT_TRUE(lines[1].starts_with("  3:14 ")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("  12:5 ")) << lines[2];
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "image.tar!blobs/sha256/ab12!root/.config/gh/hosts.yml");
  EXPECT_TRUE(lines[5].starts_with("  1:1 ")) << lines[5];
  EXPECT_EQ(lines[6], "");
}

TEST(ReportText, OneHeaderPerPathEvenWhenFindingsInterleave) {
  Report report;
  report.findings.push_back(testing::pat_finding("a.txt", 1, 1));
  report.findings.push_back(testing::pat_finding("b.txt", 2, 1));
  report.findings.push_back(testing::pat_finding("a.txt", 3, 1));
  const auto lines = split_lines(text(report));
  EXPECT_EQ(count_lines_equal(lines, "a.txt"), 1u);
  EXPECT_EQ(count_lines_equal(lines, "b.txt"), 1u);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a.txt");
  EXPECT_TRUE(lines[1].starts_with("  1:1 "));
  EXPECT_TRUE(lines[2].starts_with("  3:1 ")) << "a.txt's findings stay together";
}

TEST(ReportText, FindingLinesShowRuleKindHintAndValidation) {
  const Report report = sample_report();
  const auto lines = split_lines(text(report));
  const Finding& pat = report.findings[0];
  for (const std::string& part : {pat.rule_id, pat.kind, pat.redacted, std::string("valid")}) {
    EXPECT_NE(lines[1].find(part), std::string::npos) << part << " in " << lines[1];
  }
}

TEST(ReportText, StatusShownOnlyWhenChecked) {
  const auto lines = split_lines(text(sample_report()));
  EXPECT_EQ(lines[1].find("status"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("status active"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("via gzip>tar>json-unescape"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("history_entry=42"), std::string::npos) << lines[2];
}

TEST(ReportText, ColumnsAlignAcrossFiles) {
  const Report report = sample_report();
  const auto lines = split_lines(text(report));
  // The redacted hint and the kind start at the same column on every finding line.
  const std::size_t kind_at = lines[1].find(" pat ") + 1;
  EXPECT_EQ(lines[2].find("access_token"), kind_at);
  EXPECT_EQ(lines[5].find(" pat ") + 1, kind_at);
  const std::size_t rule_at = lines[1].find("github.pat-classic");
  EXPECT_EQ(lines[2].find("generic.bearer-header"), rule_at);
  EXPECT_EQ(lines[5].find("github.pat-classic"), rule_at);
}

TEST(ReportText, ClosingSummaryCountsFindingsFilesBytesAndTime) {
  const auto lines = split_lines(text(sample_report()));
  const std::string& summary = lines.back();
  EXPECT_NE(summary.find("3 findings in 2 files"), std::string::npos) << summary;
  EXPECT_NE(summary.find("scanned 12 files"), std::string::npos) << summary;
  EXPECT_NE(summary.find("1.2 MiB"), std::string::npos) << summary;
  EXPECT_NE(summary.find("0.04 s"), std::string::npos) << summary;
  EXPECT_NE(summary.find("2 inputs not fully scanned"), std::string::npos) << summary;
}

TEST(ReportText, SummaryOfACleanScan) {
  Report report;
  report.summary.files_scanned = 1;
  report.summary.bytes_scanned = 10;
  const std::string out = text(report);
  EXPECT_EQ(out, "no findings (scanned 1 file, 10 B in 0.00 s)\n");
}

TEST(ReportText, SingularNouns) {
  Report report;
  report.findings.push_back(testing::pat_finding("a.txt", 1, 1));
  EXPECT_NE(text(report).find("1 finding in 1 file "), std::string::npos) << text(report);
}

TEST(ReportText, NoColourUnlessAsked) {
  EXPECT_EQ(text(sample_report(), false).find('\x1b'), std::string::npos);
  const std::string colored = text(sample_report(), true);
  EXPECT_NE(colored.find("\x1b["), std::string::npos);
  EXPECT_NE(colored.find("\x1b[1;31mactive\x1b[0m"), std::string::npos) << "a live token stands out";
}

TEST(ReportText, ColourChangesNothingButEscapes) {
  EXPECT_EQ(strip_sgr(text(sample_report(), true)), text(sample_report(), false));
}

TEST(ReportText, DiagnosticsAreLeftToTheCli) {
  const std::string out = text(sample_report());
  EXPECT_EQ(out.find("permission denied"), std::string::npos);
  EXPECT_EQ(out.find("logs/huge.log"), std::string::npos);
}

TEST(ReportText, PathsCannotDriveTheTerminal) {
  Report report;
  report.findings.push_back(testing::pat_finding("evil\x1b[2J\x1b]0;title\x07\xc2\x9b" "31m.txt", 1, 1));
  report.findings.push_back(testing::pat_finding("bad\xff name.txt", 1, 1));
  report.findings.push_back(testing::pat_finding("rtl\xe2\x80\xae" "txt.exe", 1, 1));
  report.findings.push_back(testing::pat_finding("caf\xc3\xa9 \xe6\x97\xa5.txt", 1, 1));
  for (bool color : {false, true}) {
    const std::string out = strip_sgr(text(report, color));
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    EXPECT_EQ(out.find('\x07'), std::string::npos);
    EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos) << "C1 CSI";
    EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos) << "RIGHT-TO-LEFT OVERRIDE";
    EXPECT_NE(out.find("evil\\x1b[2J\\x1b]0;title\\x07\\xc2\\x9b31m.txt"), std::string::npos) << out;
    EXPECT_NE(out.find("bad\\xff name.txt"), std::string::npos) << out;
    EXPECT_NE(out.find("rtl\\xe2\\x80\\xaetxt.exe"), std::string::npos) << out;
    EXPECT_NE(out.find("caf\xc3\xa9 \xe6\x97\xa5.txt"), std::string::npos) << "valid UTF-8 is shown as is";
  }
}

TEST(ReportText, MultibyteHintsDoNotBreakAlignment) {
  // The hint's U+2026 is three bytes and one column.
  Report report;
  report.findings.push_back(testing::pat_finding("a.txt", 1, 1));
  Finding f = testing::pat_finding("a.txt", 2, 1);
  f.redacted = "ghp_-2xyz";  // same width in columns, all ASCII
  f.status = BrokerStatus::kRevoked;
  report.findings.push_back(f);
  report.findings[0].status = BrokerStatus::kUnknown;
  const auto lines = split_lines(text(report));
  auto column_of = [](const std::string& line, const std::string& what) {
    const std::size_t at = line.find(what);
    // Count code points before `at`, not bytes.
    std::size_t cols = 0;
    for (std::size_t i = 0; i < at; ++i) cols += (static_cast<unsigned char>(line[i]) & 0xc0) != 0x80;
    return cols;
  };
  ASSERT_EQ(report.findings[0].redacted.size(), 4u + 3u + 4u);  // "ghp_" "…" "xyz" tail
  EXPECT_EQ(column_of(lines[1], "valid"), column_of(lines[2], "valid")) << lines[1] << "\n" << lines[2];
}

}  // namespace
}  // namespace tokensweep::report
