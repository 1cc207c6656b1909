#include <gtest/gtest.h>

#include "formats_exports/record_support.h"
#include "source/exports.h"

namespace tokensweep::source {
namespace {

constexpr std::string_view kPath = "Jira 2026-01-02.csv";

// As Jira Cloud writes it: repeated Comment and Labels columns, a custom field, comments
// as "date;author;body", a description over several lines with "" for quotes, CRLF.
const std::string kExport =
    "Summary,Issue key,Issue id,Issue Type,Status,Labels,Labels,Description,Custom field (Env),Comment,Comment\r\n"
    "Login fails,OPS-12,10012,Bug,Open,auth,,\"Steps:\r\n1. run \"\"login\"\"\r\n2. see the error, twice\",staging,"
    "\"02/Jan/26 10:00 AM;5b10ac8d;first comment\",\"02/Jan/26 11:00 AM;5b10ac8d;second\r\ncomment\"\r\n"
    "\r\n"
    "Disk full,OPS-13,10013,Task,Done,,,,,,\r\n";

TEST(JiraCsv, DetectsAJiraExportByNameAndHeader) {
  EXPECT_TRUE(detect_jira_csv(kPath, kExport));
  EXPECT_TRUE(detect_jira_csv("exports.zip!JIRA.CSV", "\xEF\xBB\xBFIssue key,Summary\n"));
  EXPECT_EQ(detect_format(kPath, kExport)->name, "jira-csv");
}

TEST(JiraCsv, LeavesOtherCsvFilesAlone) {
  EXPECT_FALSE(detect_jira_csv("people.csv", "name,email\nalice,a@example.com\n"));
  EXPECT_FALSE(detect_jira_csv("jira.txt", kExport));
  EXPECT_FALSE(detect_jira_csv("jira.csv", "Summary,Status\nIssue key mentioned in a row,x\n"));
  EXPECT_EQ(detect_format("people.csv", "name,email\n"), nullptr);
}

TEST(JiraCsv, OneRecordPerNonEmptyFieldWithIssueAndColumn) {
  const Outcome out = run_format("jira-csv", kPath, kExport);
  ASSERT_TRUE(out.ok) << out.error;
  std::vector<std::string> fields;
  for (const auto& r : out.records) fields.push_back(r.context("issue") + " " + r.context("field"));
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "OPS-12 Summary", "OPS-12 Issue key", "OPS-12 Issue id", "OPS-12 Issue Type",
                        "OPS-12 Status", "OPS-12 Labels[1]", "OPS-12 Description", "OPS-12 Custom field (Env)",
                        "OPS-12 Comment[1]", "OPS-12 Comment[2]", "OPS-13 Summary", "OPS-13 Issue key",
                        "OPS-13 Issue id", "OPS-13 Issue Type", "OPS-13 Status"}));
  for (const auto& r : out.records) EXPECT_EQ(r.decoders, std::vector<std::string>{"csv"});
}

TEST(JiraCsv, QuotedFieldsAreUnquotedAndKeepTheLineTheyStartOn) {
  const Outcome out = run_format("jira-csv", kPath, kExport);
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.records.size(), 15U) << out;
  const SavedRecord& description = out.records[6];
  EXPECT_EQ(description.text, "Steps:\r\n1. run \"login\"\r\n2. see the error, twice");
  EXPECT_EQ(description.line, 2U);
  EXPECT_EQ(description.source, (SourceContext{{"issue", "OPS-12"}, {"field", "Description"}}));
  const SavedRecord& second = out.records[9];
  EXPECT_EQ(second.text, "02/Jan/26 11:00 AM;5b10ac8d;second\r\ncomment");
  EXPECT_EQ(second.line, 4U) << "after the three lines of the description";
  EXPECT_EQ(out.records[10].text, "Disk full");
  EXPECT_EQ(out.records[10].line, 7U) << "the blank line 6 is no row";
}

TEST(JiraCsv, SameRecordsWhereverTheInputIsSplit) {
  expect_same_at_every_split("jira-csv", kPath, kExport);
}

TEST(JiraCsv, ExtraFieldsUnnamedColumnsAndABomInTheHeader) {
  const std::string csv = "\xEF\xBB\xBFIssue key, ,Summary\nA-1,x,y,extra\nA-2,,\"last\"";
  const Outcome out = run_format("jira-csv", "j.csv", csv);
  ASSERT_TRUE(out.ok) << out.error;
  std::vector<std::string> got;
  for (const auto& r : out.records) got.push_back(r.context("issue") + "|" + r.context("field") + "|" + r.text);
  EXPECT_EQ(got, (std::vector<std::string>{"A-1|Issue key|A-1", "A-1|column 2|x", "A-1|Summary|y",
                                           "A-1|column 4|extra", "A-2|Issue key|A-2", "A-2|Summary|last"}));
}

TEST(JiraCsv, QuotesInsideOrAfterAFieldAreKeptAsText) {
  const Outcome out = run_format("jira-csv", "j.csv", "Issue key,Summary\nA-1,say \"hi\"\nA-2,\"a\"b\n");
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.records.size(), 4U);
  EXPECT_EQ(out.records[1].text, "say \"hi\"");
  EXPECT_EQ(out.records[3].text, "ab");
}

TEST(JiraCsv, AnUnterminatedQuoteSaysWhereItOpened) {
  const std::string csv = "Issue key,Summary,Description\nA-1,ok,fine\nA-2,broken,\"never closed\nmore\nand more\n";
  const Outcome out = run_format("jira-csv", "j.csv", csv);
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(out.at_finish);
  EXPECT_EQ(out.error, "line 3: invalid CSV (a quoted field starts here and is never closed)");
  ASSERT_EQ(out.records.size(), 3U) << "the complete row before it";
  EXPECT_EQ(out.records[2].text, "fine");
  expect_same_at_every_split("jira-csv", "j.csv", csv);
}

TEST(JiraCsv, ARowPastTheCapIsAnErrorNotAnOutOfMemory) {
  auto format = find_format("jira-csv")->make_records("j.csv");
  std::size_t records = 0;
  const RecordSink sink = [&](const Record&) { ++records; };
  ASSERT_TRUE(format->feed("Issue key,Description\nA-1,ok\nA-2,\"", sink).has_value());
  const std::string mib(std::size_t{1} << 20, 'x');
  Status st;
  for (int i = 0; i < 70 && st; ++i) st = format->feed(mib, sink);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kLimit);
  EXPECT_EQ(st.error().message, "line 3: a CSV row longer than 64 MiB (an unterminated quoted field?)");
  EXPECT_EQ(records, 2U);
}

}  // namespace
}  // namespace tokensweep::source
