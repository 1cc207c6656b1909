// Ticket and chat exports through the built scanner: `tokensweep scan --format json` on a
// generated Slack export zip, Jira CSV, Zendesk JSON and NDJSON, with invented tokens.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "scanner/cli_support.h"
#include "support/archive_writer.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using json = nlohmann::json;

struct Scan {
  int exit_code = -1;
  json findings = json::array();
  json diagnostics = json::array();
  std::string out;  // for failure messages: the scanner never prints a whole secret
};

Scan scan(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--format", "json"});
  const ProcessResult r = scan_with_test_rules(dir, args);
  Scan s;
  s.exit_code = r.exit_code;
  s.out = r.out + r.err;
  const json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
  if (doc.is_discarded()) return s;
  s.findings = doc.value("findings", json::array());
  s.diagnostics = doc.value("diagnostics", json::array());
  return s;
}

// The findings of `token`, by its fingerprint.
std::vector<json> findings_of(const Scan& s, const std::string& token) {
  const std::string fp = sha256_hex(token);
  std::vector<json> out;
  for (const auto& f : s.findings) {
    if (f.value("fingerprint", "") == fp) out.push_back(f);
  }
  return out;
}

// The one finding of `token`; fails (without printing the token) when there is not one.
json only_finding(const Scan& s, const std::string& token, const std::string& what) {
  const auto found = findings_of(s, token);
  EXPECT_EQ(found.size(), 1U) << what << "\n" << s.out;
  return found.empty() ? json::object() : found[0];
}

uint64_t line_of(std::string_view text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string_view::npos);
  uint64_t line = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// `token` with its `i`th character written as a JSON \u escape, so the raw bytes never
// show it whole.
std::string json_escaped_at(const std::string& token, std::size_t i) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto c = static_cast<unsigned char>(token[i]);
  return token.substr(0, i) + "\\u00" + kHex[c >> 4] + kHex[c & 15] + token.substr(i + 1);
}

class SlackExportZip : public ::testing::Test {
 protected:
  void SetUp() override {
    plain = checksummed_token("gho_", 101);
    escaped = checksummed_token("gho_", 102);
    in_thread = checksummed_token("gho_", 103);
    after_error = checksummed_token("gho_", 104);
    day = "[\n"
          "    {\n"
          "        \"type\": \"message\",\n"
          "        \"text\": \"deploy with " + plain + " please\",\n"
          "        \"user\": \"U012AB3CD\",\n"
          "        \"ts\": \"1767312000.000100\",\n"
          "        \"user_profile\": {\"display_name\": \"alice\", \"real_name\": \"Alice Example\"},\n"
          "        \"blocks\": [{\"type\": \"rich_text\", \"elements\": [{\"type\": \"rich_text_section\",\n"
          "            \"elements\": [{\"type\": \"text\", \"text\": \"deploy with " + plain + " please\"}]}]}]\n"
          "    },\n"
          "    {\n"
          "        \"type\": \"message\",\n"
          "        \"text\": \"escaped: " + json_escaped_at(escaped, 10) + "\",\n"
          "        \"user\": \"U999\",\n"
          "        \"ts\": \"1767312060.000200\"\n"
          "    },\n"
          "    {\n"
          "        \"type\": \"message\",\n"
          "        \"text\": \"placeholders: gho_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX and gho_000000000000000000000000000000000000\",\n"
          "        \"user\": \"U999\",\n"
          "        \"ts\": \"1767312090.000250\"\n"
          "    },\n"
          "    {\n"
          "        \"type\": \"message\",\n"
          "        \"subtype\": \"bot_message\",\n"
          "        \"bot_id\": \"B0BOT\",\n"
          "        \"username\": \"deploy-bot\",\n"
          "        \"ts\": \"1767312120.000300\",\n"
          "        \"thread_ts\": \"1767312000.000100\",\n"
          "        \"attachments\": [{\"fallback\": \"rotated to " + in_thread + "\"}]\n"
          "    }\n"
          "]\n";
    broken_day = "[\n"
                 "    {\"text\": \"fine\", \"ts\": \"1.0\"},\n"
                 "    {\"text\": \"broken\" \"ts\": \"2.0\"},\n"
                 "    {\"text\": \"after the error: " + after_error + "\", \"ts\": \"3.0\"}\n"
                 "]\n";
    zip = dir.write("export.zip",
                    make_archive(ArchiveFormat::kZip, Compression::kNone,
                                 {{"channels.json", R"([{"id": "C0001", "name": "general"}])"},
                                  {"users.json", R"([{"id": "U012AB3CD", "name": "alice"}])"},
                                  {"general/2026-01-02.json", day},
                                  {"random/2026-01-03.json", broken_day}}));
    result = scan(dir, {zip});
  }

  TempDir dir;
  std::string plain, escaped, in_thread, after_error, day, broken_day, zip;
  Scan result;
};

TEST_F(SlackExportZip, AMessageTokenCarriesChannelTsAndUser) {
  EXPECT_EQ(result.exit_code, 1) << result.out;
  const json f = only_finding(result, plain, "the token in text and in its rich-text block is one finding");
  EXPECT_EQ(f.value("path", ""), zip + "!general/2026-01-02.json");
  EXPECT_EQ(f.value("line", 0U), line_of(day, "\"text\": \"deploy with"));
  EXPECT_EQ(f["decoders"], json({"zip", "json-unescape"}));
  EXPECT_EQ(f["source"], json({{"channel", "general"},
                               {"ts", "1767312000.000100"},
                               {"user", "U012AB3CD"},
                               {"user_name", "alice"},
                               {"field", "text"}}));
}

TEST_F(SlackExportZip, ATokenHiddenByAJsonEscapeIsFoundInItsMessage) {
  const json f = only_finding(result, escaped, "a \\u-escaped token");
  EXPECT_EQ(f.value("line", 0U), line_of(day, "\"text\": \"escaped:"));
  EXPECT_EQ(f["source"].value("ts", ""), "1767312060.000200");
  EXPECT_EQ(f["source"].value("user", ""), "U999");
}

TEST_F(SlackExportZip, ABotReplyInAThreadNamesTheThreadAndTheAttachment) {
  const json f = only_finding(result, in_thread, "an attachment's fallback");
  EXPECT_EQ(f.value("line", 0U), line_of(day, "\"attachments\""));
  EXPECT_EQ(f["source"], json({{"channel", "general"},
                               {"ts", "1767312120.000300"},
                               {"user", "B0BOT"},
                               {"user_name", "deploy-bot"},
                               {"thread_ts", "1767312000.000100"},
                               {"field", "attachments[0].fallback"}}));
}

TEST_F(SlackExportZip, PlaceholdersAreNotFindings) {
  for (const auto& f : result.findings) {
    EXPECT_NE(f.value("line", 0U), line_of(day, "placeholders:")) << f.dump();
  }
  EXPECT_EQ(result.findings.size(), 4U) << result.out;
}

TEST_F(SlackExportZip, InvalidJsonInADayFileIsADiagnosticAndTheRestIsStillScanned) {
  bool named = false;
  for (const auto& d : result.diagnostics) {
    if (d.value("path", "") != zip + "!random/2026-01-03.json") continue;
    named = true;
    EXPECT_EQ(d.value("code", ""), "malformed");
    EXPECT_NE(d.value("message", "").find("line 3, column 23: invalid JSON (expected ',' or '}')"), std::string::npos)
        << d.dump();
  }
  EXPECT_TRUE(named) << result.out;
  // Past the error the bytes are scanned as they are: found, without a message's context.
  const json f = only_finding(result, after_error, "a token after the invalid JSON");
  EXPECT_EQ(f.value("path", ""), zip + "!random/2026-01-03.json");
  EXPECT_EQ(f.value("line", 0U), 4U);
  EXPECT_FALSE(f.contains("source") && f["source"].contains("ts")) << f.dump();
}

TEST(JiraCsvScan, FieldTokensCarryIssueAndColumnAndTheirOwnLine) {
  TempDir dir;
  const std::string in_description = checksummed_token("gho_", 201);
  const std::string in_comment = checksummed_token("gho_", 202);
  const std::string csv =
      "Summary,Issue key,Issue id,Description,Comment,Comment\r\n"
      "Rotate keys,OPS-7,10007,\"first line\r\nsecond with \"\"quotes\"\"\r\nthe token: " + in_description +
      "\r\n\",\"02/Jan/26 10:00 AM;5b10;fine\",\"02/Jan/26 11:00 AM;5b10;use\r\n" + in_comment +
      " please\"\r\n"
      "Placeholder,OPS-8,10008,gho_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX,,\r\n";
  const std::string path = dir.write("jira-export.csv", csv);
  const Scan s = scan(dir, {path});
  EXPECT_EQ(s.exit_code, 1) << s.out;
  EXPECT_EQ(s.findings.size(), 2U) << s.out;

  const json d = only_finding(s, in_description, "a token in a multi-line Description");
  EXPECT_EQ(d.value("path", ""), path);
  EXPECT_EQ(d.value("line", 0U), 4U);
  EXPECT_EQ(d["decoders"], json({"csv"}));
  EXPECT_EQ(d["source"], json({{"issue", "OPS-7"}, {"field", "Description"}}));

  const json c = only_finding(s, in_comment, "a token in the second Comment column");
  EXPECT_EQ(c.value("line", 0U), 6U);
  EXPECT_EQ(c["source"], json({{"issue", "OPS-7"}, {"field", "Comment[2]"}}));
}

TEST(JiraCsvScan, AnUnterminatedQuoteIsADiagnosticAndTheRestIsStillScanned) {
  TempDir dir;
  const std::string before = checksummed_token("gho_", 211);
  const std::string after = checksummed_token("gho_", 212);
  const std::string path = dir.write("broken.csv", "Issue key,Summary,Description\nA-1,ok," + before +
                                                      "\nA-2,bad,\"never closed\nstill inside " + after + "\n");
  const Scan s = scan(dir, {path});
  EXPECT_EQ(s.exit_code, 1) << s.out;
  ASSERT_EQ(s.diagnostics.size(), 1U) << s.out;
  EXPECT_EQ(s.diagnostics[0].value("path", ""), path);
  EXPECT_EQ(s.diagnostics[0].value("code", ""), "malformed");
  EXPECT_NE(s.diagnostics[0].value("message", "").find("line 3: invalid CSV (a quoted field starts here and is never closed)"),
            std::string::npos)
      << s.out;
  EXPECT_EQ(only_finding(s, before, "a token before the bad quote")["source"],
            json({{"issue", "A-1"}, {"field", "Description"}}));
  const json f = only_finding(s, after, "a token inside the unterminated field");
  EXPECT_EQ(f.value("line", 0U), 4U);
  EXPECT_FALSE(f.contains("source")) << f.dump();
}

TEST(ZendeskScan, TicketAndCommentTokensCarryTheirIds) {
  TempDir dir;
  const std::string in_description = checksummed_token("gho_", 301);
  const std::string in_html = checksummed_token("gho_", 302);
  const std::string doc = "{\n"
                          "  \"tickets\": [\n"
                          "    {\n"
                          "      \"url\": \"https://acme.zendesk.com/api/v2/tickets/501.json\",\n"
                          "      \"id\": 501,\n"
                          "      \"subject\": \"VPN access\",\n"
                          "      \"description\": \"My token is " + in_description + ", is that bad?\",\n"
                          "      \"comments\": [\n"
                          "        {\n"
                          "          \"id\": 9001,\n"
                          "          \"body\": \"Please never paste tokens.\",\n"
                          "          \"html_body\": \"\\u003cp\\u003eRotated \\u003ccode\\u003e" +
                          json_escaped_at(in_html, 5) + "\\u003c/code\\u003e\\u003c/p\\u003e\"\n"
                          "        }\n"
                          "      ]\n"
                          "    }\n"
                          "  ],\n"
                          "  \"next_page\": null\n"
                          "}\n";
  const std::string path = dir.write("tickets.json", doc);
  const Scan s = scan(dir, {path});
  EXPECT_EQ(s.exit_code, 1) << s.out;
  EXPECT_EQ(s.findings.size(), 2U) << s.out;
  const json d = only_finding(s, in_description, "a token in a description");
  EXPECT_EQ(d.value("line", 0U), 7U);
  EXPECT_EQ(d["decoders"], json({"json-unescape"}));
  EXPECT_EQ(d["source"], json({{"ticket", "501"}, {"field", "description"}}));
  const json h = only_finding(s, in_html, "a token in an escaped html_body");
  EXPECT_EQ(h.value("line", 0U), 12U);
  EXPECT_EQ(h["source"], json({{"ticket", "501"}, {"comment", "9001"}, {"field", "html_body"}}));
}

TEST(ZendeskScan, ABrokenNdjsonLineIsADiagnosticAndTheNextLinesAreStillParsed) {
  TempDir dir;
  const std::string first = checksummed_token("gho_", 311);
  const std::string broken = checksummed_token("gho_", 312);
  const std::string next = checksummed_token("gho_", 313);
  const std::string ndjson =
      "{\"id\": 1, \"subject\": \"one\", \"description\": \"" + first + "\", \"requester_id\": 5}\n"
      "{\"id\": 2, \"subject\": \"two\", \"description\": \"" + broken + "\n"
      "{\"id\": 3, \"subject\": \"three\", \"comments\": [{\"id\": 33, \"plain_body\": \"" + json_escaped_at(next, 4) +
      "\"}]}\n";
  const std::string path = dir.write("tickets.ndjson", ndjson);
  const Scan s = scan(dir, {path});
  EXPECT_EQ(s.exit_code, 1) << s.out;
  ASSERT_EQ(s.diagnostics.size(), 1U) << s.out;
  EXPECT_EQ(s.diagnostics[0].value("path", ""), path);
  EXPECT_EQ(s.diagnostics[0].value("code", ""), "malformed");
  EXPECT_NE(s.diagnostics[0].value("message", "").find("line 2, column 85: invalid JSON (the line ends inside a string)"),
            std::string::npos)
      << s.out;
  EXPECT_EQ(only_finding(s, first, "line 1")["source"], json({{"ticket", "1"}, {"field", "description"}}));
  // The broken line: its bytes are scanned, its ticket is not parsed.
  const json b = only_finding(s, broken, "the broken line");
  EXPECT_EQ(b.value("line", 0U), 2U);
  EXPECT_FALSE(b.contains("source")) << b.dump();
  const json n = only_finding(s, next, "the line after the broken one");
  EXPECT_EQ(n.value("line", 0U), 3U);
  EXPECT_EQ(n["source"], json({{"ticket", "3"}, {"comment", "33"}, {"field", "plain_body"}}));
}

TEST(ZendeskScan, InputTypeAppliesTheFormatWhateverTheName) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 321);
  const std::string path =
      dir.write("dump.txt", "{\"ticket\": {\"id\": 77, \"description\": \"" + json_escaped_at(token, 6) + "\"}}\n");
  const Scan detected = scan(dir, {path});
  EXPECT_FALSE(only_finding(detected, token, "without --input-type").contains("source")) << detected.out;
  const Scan forced = scan(dir, {"--input-type", "zendesk-export", path});
  EXPECT_EQ(only_finding(forced, token, "with --input-type")["source"],
            json({{"ticket", "77"}, {"field", "description"}}));
}

}  // namespace
}  // namespace tokensweep::testing
