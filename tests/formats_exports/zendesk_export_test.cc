#include <gtest/gtest.h>

#include "formats_exports/record_support.h"
#include "source/exports.h"

namespace tokensweep::source {
namespace {

// A page of the Tickets API.
const std::string kTicketsPage = R"({
  "tickets": [
    {
      "url": "https://example.zendesk.com/api/v2/tickets/35436.json",
      "id": 35436,
      "subject": "Help, my printer is on fire!",
      "raw_subject": "Help, my printer is on fire!",
      "description": "The fire is very colorful.\nIt says \"alpha\" on it.",
      "requester_id": 20978392,
      "tags": ["enterprise", "other_tag"]
    },
    {
      "subject": "Second",
      "description": "beta\u00e9",
      "id": 35437
    }
  ],
  "next_page": null,
  "count": 2
}
)";

// A page of the Ticket Comments API: no ticket id in it.
const std::string kCommentsPage = R"({"comments": [
  {"id": 1274, "type": "Comment", "author_id": 123123, "body": "Thanks! Use **this** one",
   "html_body": "<p>Thanks! Use <strong>this<\/strong> one<\/p>", "plain_body": "Thanks! Use this one", "public": true},
  {"id": 1275, "ticket_id": 99, "body": "gamma"}
]}
)";

// NDJSON: one ticket per line, comments embedded; the second ticket's id comes last.
const std::string kNdjson =
    R"({"id": 1, "subject": "VPN", "description": "d1", "comments": [{"id": 11, "body": "b11", "html_body": "<p>b 11</p>"}]})"
    "\n"
    R"({"subject": "Late id", "comments": [{"id": 21, "plain_body": "p21"}], "description": "d2", "id": 2})"
    "\n";

std::vector<std::string> summary(const Outcome& out) {
  std::vector<std::string> got;
  for (const auto& r : out.records) {
    got.push_back(std::to_string(r.line) + " " + r.context("ticket") + "/" + r.context("comment") + " " +
                  r.context("field") + " " + r.text);
  }
  return got;
}

TEST(ZendeskExport, DetectsTicketExportsByNameAndContent) {
  EXPECT_TRUE(detect_zendesk_export("tickets.json", kTicketsPage));
  EXPECT_TRUE(detect_zendesk_export("comments.json", kCommentsPage));
  EXPECT_TRUE(detect_zendesk_export("export.ndjson", R"({"id": 1, "subject": "x", "requester_id": 5})"));
  EXPECT_TRUE(detect_zendesk_export("x.tar!tickets.jsonl.gz", R"({"ticket": {"id": 1}})"));
  EXPECT_TRUE(detect_zendesk_export("t.json", R"({"url": "https://acme.zendesk.com/api/v2/tickets/1.json"})"));
  EXPECT_EQ(detect_format("tickets.json", kTicketsPage)->name, "zendesk-export");
}

TEST(ZendeskExport, LeavesOtherJsonAlone) {
  EXPECT_FALSE(detect_zendesk_export("package.json", R"({"name": "x", "description": "y"})"));
  EXPECT_FALSE(detect_zendesk_export("tickets.txt", kTicketsPage));
  EXPECT_FALSE(detect_zendesk_export("tickets.json", "\"tickets\""));
  EXPECT_FALSE(detect_zendesk_export("mail.json", R"({"subject": "x", "body": "y"})"));
  EXPECT_EQ(detect_format("package.json", R"({"name": "x"})"), nullptr);
}

TEST(ZendeskExport, TicketsPageGivesSubjectsAndDescriptionsWithTheirTicket) {
  const Outcome out = run_format("zendesk-export", "tickets.json", kTicketsPage);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(summary(out), (std::vector<std::string>{
                              "6 35436/<none> subject Help, my printer is on fire!",
                              "8 35436/<none> description The fire is very colorful.\nIt says \"alpha\" on it.",
                              "13 35437/<none> subject Second", "14 35437/<none> description beta\xC3\xA9"}));
  for (const auto& r : out.records) EXPECT_EQ(r.decoders, std::vector<std::string>{"json-unescape"});
}

TEST(ZendeskExport, CommentsPageGivesBodiesWithCommentIds) {
  const Outcome out = run_format("zendesk-export", "comments.json", kCommentsPage);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(summary(out), (std::vector<std::string>{"2 <none>/1274 body Thanks! Use **this** one",
                                                    "3 <none>/1274 html_body <p>Thanks! Use <strong>this</strong> one</p>",
                                                    "3 <none>/1274 plain_body Thanks! Use this one",
                                                    "4 99/1275 body gamma"}));
}

TEST(ZendeskExport, ABodyRepeatedInTheSameCommentIsOneRecord) {
  const Outcome out = run_format("zendesk-export", "t.json", R"({"ticket": {"id": 3, "comments": [
    {"id": 31, "body": "same text", "plain_body": "same text", "html_body": "<p>same text</p>"},
    {"id": 32, "body": "same text"}]}})");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(summary(out), (std::vector<std::string>{"2 3/31 html_body <p>same text</p>", "3 3/32 body same text"}));
}

TEST(ZendeskExport, OneTicketWithANewComment) {
  const Outcome out = run_format("zendesk-export", "t.json",
                                 R"({"ticket": {"subject": "s", "comment": {"body": "c"}, "id": 7}})");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(summary(out), (std::vector<std::string>{"1 7/<none> subject s", "1 7/<none> body c"}));
}

TEST(ZendeskExport, NdjsonTicketsWithEmbeddedComments) {
  const Outcome out = run_format("zendesk-export", "export.ndjson", kNdjson);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(summary(out), (std::vector<std::string>{
                              "1 1/<none> subject VPN", "1 1/<none> description d1", "1 1/11 body b11",
                              "1 1/11 html_body <p>b 11</p>", "2 2/<none> subject Late id", "2 2/21 plain_body p21",
                              "2 2/<none> description d2"}));
}

TEST(ZendeskExport, SameRecordsWhereverTheInputIsSplit) {
  expect_same_at_every_split("zendesk-export", "tickets.json", kTicketsPage);
  expect_same_at_every_split("zendesk-export", "comments.json", kCommentsPage);
  expect_same_at_every_split("zendesk-export", "export.ndjson", kNdjson);
}

TEST(ZendeskExport, ABrokenNdjsonLineIsReportedAndTheFollowingLinesParsed) {
  const std::string input = R"({"id": 1, "subject": "one"})"
                            "\n"
                            R"({"id": 2, "subject": "two", "description": "cut sh)"
                            "\n"
                            R"({"id": 3, "subject": "three"} trailing)"
                            "\n"
                            R"({"id": 4, "subject": "four"})"
                            "\n";
  // By name, and by content: the first ticket fits on its line.
  for (const char* path : {"export.ndjson", "export.json"}) {
    const Outcome out = run_format("zendesk-export", path, input);
    EXPECT_TRUE(out.ok) << path;  // a warning, not an error: the records did not stop
    EXPECT_EQ(out.warnings,
              std::vector<std::string>{"line 2, column 51: invalid JSON (the line ends inside a string); "
                                       "line 3, column 31: invalid JSON (not a valid number or literal) "
                                       "(NDJSON: the other lines were parsed)"});
    EXPECT_EQ(summary(out), (std::vector<std::string>{"1 1/<none> subject one", "2 2/<none> subject two",
                                                      "3 3/<none> subject three", "4 4/<none> subject four"}))
        << path;
    expect_same_at_every_split("zendesk-export", path, input);
  }
}

TEST(ZendeskExport, BrokenPrettyJsonStopsTheRecordsWithTheLine) {
  std::string bad = kTicketsPage;
  bad.replace(bad.find("\"raw_subject\""), 1, "");
  const Outcome out = run_format("zendesk-export", "tickets.json", bad);
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.at_finish);
  EXPECT_EQ(out.error, "line 7, column 7: invalid JSON (expected a string key)");
  EXPECT_EQ(summary(out), std::vector<std::string>{"6 35436/<none> subject Help, my printer is on fire!"});
  expect_same_at_every_split("zendesk-export", "tickets.json", bad);
}

TEST(ZendeskExport, ATicketWithTooMuchTextWaitingForItsIdIsAnError) {
  auto format = find_format("zendesk-export")->make_records("t.ndjson");
  std::size_t records = 0;
  const RecordSink sink = [&](const Record&) { ++records; };
  ASSERT_TRUE(format->feed("{\"subject\": \"s\", \"comments\": [", sink).has_value());
  const std::string mib(std::size_t{1} << 20, 'x');
  Status st;
  for (int c = 0; c < 5 && st; ++c) {
    st = format->feed(std::string(c == 0 ? "" : ",") + "{\"id\": 5, \"body\": \"", sink);
    for (int i = 0; i < 15 && st; ++i) st = format->feed(mib, sink);
    if (st) st = format->feed("\"}", sink);
  }
  if (st) st = format->feed("], \"id\": 1}\n{\"id\": 2, \"subject\": \"after\"}\n", sink);
  if (st) st = format->finish(sink);
  // NDJSON: the oversized ticket is a broken line, a warning; the next one is still read.
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(format->take_warnings(),
            std::vector<std::string>{
                "line 1: a Zendesk ticket with more than 64 MiB of text (NDJSON: the other lines were parsed)"});
  EXPECT_TRUE(format->take_warnings().empty());  // said once
  EXPECT_EQ(records, 1U);
}

}  // namespace
}  // namespace tokensweep::source
