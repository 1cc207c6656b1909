// design §3.2: the jsonl and json formats.
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
using testing::split_lines;

const std::set<std::string> kContractFields = {
    "rule_id", "kind",     "provider", "path",       "line",   "column", "decoders",
    "fingerprint", "redacted", "validation", "status"};
const std::set<std::string> kExtraFields = {"rule_name", "confidence", "source"};

std::set<std::string> keys(const json& j) {
  std::set<std::string> k;
  for (const auto& [key, value] : j.items()) k.insert(key);
  return k;
}

// Checks one finding object against the contract: every field present with its type.
void expect_contract_finding(const json& j) {
  ASSERT_TRUE(j.is_object()) << j;
  for (const std::string& field : kContractFields) EXPECT_TRUE(j.contains(field)) << field << " in " << j;
  for (const std::string& key : keys(j)) {
    EXPECT_TRUE(kContractFields.count(key) + kExtraFields.count(key) == 1) << "unexpected field " << key;
  }
  for (const char* s : {"rule_id", "rule_name", "kind", "provider", "confidence", "path", "fingerprint",
                        "redacted", "validation", "status"}) {
    EXPECT_TRUE(j.at(s).is_string()) << s;
  }
  EXPECT_TRUE(j.at("line").is_number_unsigned());
  EXPECT_TRUE(j.at("column").is_number_unsigned());
  EXPECT_GE(j.at("line").get<uint64_t>(), 1u);
  EXPECT_GE(j.at("column").get<uint64_t>(), 1u);
  ASSERT_TRUE(j.at("decoders").is_array());
  for (const auto& d : j.at("decoders")) EXPECT_TRUE(d.is_string());
  EXPECT_TRUE(std::regex_match(j.at("fingerprint").get<std::string>(), std::regex("[0-9a-f]{64}")));
  EXPECT_TRUE(std::set<std::string>({"valid", "invalid", "expired", "unchecked"})
                  .count(j.at("validation").get<std::string>()));
  EXPECT_TRUE(std::set<std::string>({"active", "inactive", "revoked", "unknown", "unchecked"})
                  .count(j.at("status").get<std::string>()));
  if (j.contains("source")) {
    ASSERT_TRUE(j.at("source").is_object());
    EXPECT_FALSE(j.at("source").empty()) << "source is written only when non-empty";
  }
}

TEST(ReportJsonl, WritesOneContractObjectPerFindingAndNothingElse) {
  const Report report = sample_report();
  const std::string out = render(Format::kJsonl, report);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  const auto lines = split_lines(out);
  ASSERT_EQ(lines.size(), report.findings.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    const json j = json::parse(lines[i]);
    expect_contract_finding(j);
    const Finding& f = report.findings[i];
    EXPECT_EQ(j["rule_id"], f.rule_id);
    EXPECT_EQ(j["rule_name"], f.rule_name);
    EXPECT_EQ(j["kind"], f.kind);
    EXPECT_EQ(j["provider"], f.provider);
    EXPECT_EQ(j["confidence"], f.confidence);
    EXPECT_EQ(j["path"], f.path);
    EXPECT_EQ(j["line"], f.line);
    EXPECT_EQ(j["column"], f.column);
    EXPECT_EQ(j["decoders"], json(f.decoders));
    EXPECT_EQ(j["fingerprint"], f.fingerprint);
    EXPECT_EQ(j["redacted"], f.redacted);
    EXPECT_EQ(j["validation"], validation_name(f.validation));
    EXPECT_EQ(j["status"], broker_status_name(f.status));
    EXPECT_EQ(j.contains("source"), !f.source.empty());
  }
}

TEST(ReportJsonl, DiagnosticsAndSummaryStayOutOfTheStream) {
  const std::string out = render(Format::kJsonl, sample_report());
  EXPECT_EQ(out.find("permission denied"), std::string::npos);
  EXPECT_EQ(out.find("files_scanned"), std::string::npos);
}

TEST(ReportJsonl, EmptyReportWritesNothing) {
  Report report;
  report.diagnostics.push_back({"x", "io", "unreadable", true});
  EXPECT_EQ(render(Format::kJsonl, report), "");
}

TEST(ReportJsonl, SourceKeepsTheOrderTheSourceGave) {
  Report report;
  Finding f = testing::bearer_finding("history", 1, 1);
  f.source = {{"z_entry", "7"}, {"a_time", "t"}, {"m_step", "build"}};
  report.findings.push_back(f);
  const std::string out = render(Format::kJsonl, report);
  const auto z = out.find("\"z_entry\""), a = out.find("\"a_time\""), m = out.find("\"m_step\"");
  ASSERT_NE(z, std::string::npos);
  EXPECT_LT(z, a);
  EXPECT_LT(a, m);
}

TEST(ReportJsonl, NewlinesAndQuotesInStringsStayInsideTheirLine) {
  Report report;
  report.findings.push_back(testing::pat_finding("dir\nwith \"quotes\"\r\n.txt", 1, 1));
  report.findings.push_back(testing::pat_finding("plain.txt", 2, 1));
  const auto lines = split_lines(render(Format::kJsonl, report));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[0])["path"], "dir\nwith \"quotes\"\r\n.txt");
}

TEST(ReportJsonl, InvalidUtf8IsReplacedNotFatal) {
  Report report;
  report.findings.push_back(testing::pat_finding("bad\xff\xfe name\xc3.txt", 1, 1));
  report.findings.back().source = {{"entry\x80", "v\xe2\x82"}};
  const auto lines = split_lines(render(Format::kJsonl, report));
  ASSERT_EQ(lines.size(), 1u);
  const json j = json::parse(lines[0]);  // throws on invalid UTF-8
  const std::string path = j["path"];
  EXPECT_NE(path.find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD stands in for bad bytes";
  EXPECT_NE(path.find(" name"), std::string::npos);
}

TEST(ReportJson, DocumentHasFindingsSummaryAndDiagnostics) {
  const Report report = sample_report();
  const json doc = json::parse(render(Format::kJson, report));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(keys(doc), (std::set<std::string>{"findings", "summary", "diagnostics"}));

  ASSERT_TRUE(doc["findings"].is_array());
  ASSERT_EQ(doc["findings"].size(), report.findings.size());
  const auto lines = split_lines(render(Format::kJsonl, report));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    expect_contract_finding(doc["findings"][i]);
    EXPECT_EQ(doc["findings"][i], json::parse(lines[i])) << "json and jsonl agree on finding " << i;
  }

  const json& s = doc["summary"];
  EXPECT_EQ(keys(s), (std::set<std::string>{"files_scanned", "bytes_scanned", "files_skipped", "findings",
                                            "duplicates_merged", "rules", "seconds", "suppressed_inline",
                                            "suppressed_baseline", "paths_allowlisted", "baseline_stale"}));
  EXPECT_EQ(s["files_scanned"], 12);
  EXPECT_EQ(s["bytes_scanned"], 1258291);
  EXPECT_EQ(s["files_skipped"], 2);
  EXPECT_EQ(s["findings"], 3);
  EXPECT_EQ(s["duplicates_merged"], 1);
  EXPECT_EQ(s["rules"], 3);
  EXPECT_TRUE(s["seconds"].is_number());
  EXPECT_NEAR(s["seconds"].get<double>(), 0.042, 1e-9);

  ASSERT_TRUE(doc["diagnostics"].is_array());
  ASSERT_EQ(doc["diagnostics"].size(), 2u);
  const json& d = doc["diagnostics"][1];
  EXPECT_EQ(keys(d), (std::set<std::string>{"path", "code", "message", "incomplete"}));
  EXPECT_EQ(d["path"], "secret-dir");
  EXPECT_EQ(d["code"], "io");
  EXPECT_EQ(d["message"], "permission denied");
  EXPECT_EQ(d["incomplete"], true);
}

TEST(ReportJson, EmptyReportIsStillAWholeDocument) {
  const json doc = json::parse(render(Format::kJson, Report{}));
  EXPECT_TRUE(doc["findings"].is_array() && doc["findings"].empty());
  EXPECT_TRUE(doc["diagnostics"].is_array() && doc["diagnostics"].empty());
  EXPECT_EQ(doc["summary"]["findings"], 0);
}

TEST(ReportJson, SameReportGivesSameBytes) {
  for (Format f : {Format::kJson, Format::kJsonl, Format::kSarif, Format::kText}) {
    EXPECT_EQ(render(f, sample_report()), render(f, sample_report())) << format_name(f);
  }
}

TEST(ReportJson, OnlySecondsMayDifferBetweenRuns) {
  Report a = sample_report(), b = sample_report();
  b.summary.seconds = 17.5;
  json ja = json::parse(render(Format::kJson, a)), jb = json::parse(render(Format::kJson, b));
  EXPECT_NE(ja, jb);
  ja["summary"].erase("seconds");
  jb["summary"].erase("seconds");
  EXPECT_EQ(ja, jb);
}

}  // namespace
}  // namespace tokensweep::report
