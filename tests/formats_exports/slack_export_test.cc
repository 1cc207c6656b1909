#include <gtest/gtest.h>

#include "formats_exports/record_support.h"
#include "source/exports.h"

namespace tokensweep::source {
namespace {

constexpr std::string_view kPath = "export.zip!general/2026-01-02.json";

// A day file as Slack writes it (4-space indent, '/' escaped), with a rich-text message,
// a bot message with a legacy attachment, a file share and a thread reply.
const std::string kDay = R"([
    {
        "client_msg_id": "0b9f5c7e-1111-4222-8333-944455556666",
        "type": "message",
        "text": "staging url: <https:\/\/stage.example.com\/?k=alpha&amp;b=1|stage> caf\u00e9",
        "user": "U012AB3CD",
        "ts": "1767312000.000100",
        "team": "T0001",
        "user_profile": {
            "avatar_hash": "g1",
            "real_name": "Alice Example",
            "display_name": "alice",
            "name": "alice.example"
        },
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "b1",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "staging url: "},
                            {"type": "link", "url": "https:\/\/stage.example.com\/?k=alpha&b=1", "text": "stage"}
                        ]
                    }
                ]
            }
        ],
        "reactions": [{"name": "eyes", "users": ["U2"], "count": 1}]
    },
    {
        "type": "message",
        "subtype": "bot_message",
        "text": "",
        "bot_id": "B0BOT",
        "username": "deploy-bot",
        "ts": "1767312060.000200",
        "attachments": [
            {
                "fallback": "deploy finished: beta",
                "text": "deploy *finished*",
                "fields": [{"title": "env", "value": "prod-beta", "short": true}]
            }
        ]
    },
    {
        "type": "message",
        "text": "",
        "user": "U999",
        "ts": "1767312120.000300",
        "thread_ts": "1767312000.000100",
        "files": [
            {"id": "F1", "name": "env.sh", "title": "env.sh", "preview": "export GAMMA=1\nexport DELTA=2", "url_private": "https:\/\/files.slack.com\/x"}
        ]
    }
]
)";

TEST(SlackExport, DetectsADayFileByNameAndContent) {
  EXPECT_TRUE(detect_slack_export(kPath, "[\n    {\n"));
  EXPECT_TRUE(detect_slack_export("/tmp/export/random/2021-12-31.json", "\xEF\xBB\xBF  [ ]"));
  EXPECT_TRUE(detect_slack_export("a.tar.gz!export.zip!D0123/2026-01-02.json", "[]"));
  EXPECT_EQ(detect_format(kPath, "[{\"type\": \"message\"}]")->name, "slack-export");
}

TEST(SlackExport, LeavesOtherFilesAlone) {
  EXPECT_FALSE(detect_slack_export("export.zip!channels.json", "[{\"id\": \"C1\"}]"));
  EXPECT_FALSE(detect_slack_export("export.zip!users.json", "[{\"id\": \"U1\"}]"));
  EXPECT_FALSE(detect_slack_export("export.zip!general/2026-01-02.txt", "[]"));
  EXPECT_FALSE(detect_slack_export("export.zip!general/2026-1-02.json", "[]"));
  EXPECT_FALSE(detect_slack_export("export.zip!general/2026-01-02.json.bak", "[]"));
  EXPECT_FALSE(detect_slack_export(kPath, "{\"messages\": []}"));
  EXPECT_FALSE(detect_slack_export(kPath, ""));
}

TEST(SlackExport, RecordsTheTextPeopleWroteWithChannelTsAndUser) {
  const Outcome out = run_format("slack-export", kPath, kDay);
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.records.size(), 8U) << out;

  const SavedRecord& text = out.records[0];
  EXPECT_EQ(text.text, "staging url: <https://stage.example.com/?k=alpha&amp;b=1|stage> caf\xC3\xA9");
  EXPECT_EQ(text.line, line_of(kDay, "\"text\": \"staging url: <https"));
  EXPECT_EQ(text.source, (SourceContext{{"channel", "general"},
                                        {"ts", "1767312000.000100"},
                                        {"user", "U012AB3CD"},
                                        {"user_name", "alice"},
                                        {"field", "text"}}));
  EXPECT_EQ(text.decoders, std::vector<std::string>{"json-unescape"});

  // The rich-text blocks repeat the text: only the link's url, unescaped differently, is new.
  EXPECT_EQ(out.records[1].text, "https://stage.example.com/?k=alpha&b=1");
  EXPECT_EQ(out.records[1].context("field"), "blocks[0].elements[0].elements[1].url");
  EXPECT_EQ(out.records[1].line, line_of(kDay, "{\"type\": \"link\""));
  EXPECT_EQ(out.records[1].context("ts"), "1767312000.000100");
}

TEST(SlackExport, RichTextThatRepeatsTheTextIsNotASecondRecord) {
  const Outcome out = run_format("slack-export", kPath, R"([{"ts": "1.0", "text": "key: abc def",
    "blocks": [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
      {"type": "text", "text": "key: "}, {"type": "text", "text": "abc def", "style": {"code": true}}]}]}]},
    {"ts": "2.0", "text": "same", "attachments": [{"fallback": "same"}]}])");
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.records.size(), 2U) << out;
  EXPECT_EQ(out.records[0].context("field"), "text");
  EXPECT_EQ(out.records[1].context("field"), "text");
  EXPECT_EQ(out.records[1].context("ts"), "2.0");
}

TEST(SlackExport, BotMessagesAttachmentsAndFiles) {
  const Outcome out = run_format("slack-export", kPath, kDay);
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.records.size(), 8U) << out;
  // The bot's message: empty text is no record; the attachment's fallback, text, field value.
  EXPECT_EQ(out.records[2].text, "deploy finished: beta");
  EXPECT_EQ(out.records[2].source, (SourceContext{{"channel", "general"},
                                                  {"ts", "1767312060.000200"},
                                                  {"user", "B0BOT"},
                                                  {"user_name", "deploy-bot"},
                                                  {"field", "attachments[0].fallback"}}));
  EXPECT_EQ(out.records[3].text, "deploy *finished*");
  EXPECT_EQ(out.records[4].text, "env");
  EXPECT_EQ(out.records[4].context("field"), "attachments[0].fields[0].title");
  EXPECT_EQ(out.records[5].text, "prod-beta");
  EXPECT_EQ(out.records[5].line, line_of(kDay, "\"value\": \"prod-beta\""));
  // A reply in a thread, sharing a file: its title and preview (a snippet), not its URLs.
  EXPECT_EQ(out.records[6].text, "env.sh");
  EXPECT_EQ(out.records[7].text, "export GAMMA=1\nexport DELTA=2");
  EXPECT_EQ(out.records[7].source, (SourceContext{{"channel", "general"},
                                                  {"ts", "1767312120.000300"},
                                                  {"user", "U999"},
                                                  {"thread_ts", "1767312000.000100"},
                                                  {"field", "files[0].preview"}}));
  for (const auto& r : out.records) {
    EXPECT_NE(r.text, "Alice Example") << "user_profile is not text anyone wrote";
    EXPECT_NE(r.text, "eyes");
  }
}

TEST(SlackExport, SameRecordsWhereverTheInputIsSplit) {
  expect_same_at_every_split("slack-export", kPath, kDay);
}

TEST(SlackExport, ADayFileOutsideAFolderHasNoChannel) {
  const Outcome out = run_format("slack-export", "2026-01-02.json", R"([{"text": "hi", "ts": "1.2", "user": "U1"}])");
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].source, (SourceContext{{"ts", "1.2"}, {"user", "U1"}, {"field", "text"}}));
}

TEST(SlackExport, InvalidJsonSaysWhereAndKeepsTheMessagesBeforeIt) {
  const std::string bad = "[\n  {\"text\": \"first\", \"ts\": \"1.0\"},\n  {\"text\": \"second\" \"ts\": \"2.0\"}\n]\n";
  const Outcome out = run_format("slack-export", kPath, bad);
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.at_finish);
  EXPECT_EQ(out.error, "line 3, column 21: invalid JSON (expected ',' or '}')");
  ASSERT_EQ(out.records.size(), 1U);
  EXPECT_EQ(out.records[0].text, "first");
  expect_same_at_every_split("slack-export", kPath, bad);
}

TEST(SlackExport, ATruncatedDayFileIsAnErrorAtTheEnd) {
  const Outcome out = run_format("slack-export", kPath, kDay.substr(0, kDay.find("\"bot_id\"")));
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(out.at_finish);
  EXPECT_EQ(out.error, "line " + std::to_string(line_of(kDay, "\"subtype\": \"bot_message\"") - 2) +
                           ": invalid JSON (the input ends inside the object that starts here)");
  EXPECT_EQ(out.records.size(), 2U) << "the first message was complete";
}

TEST(SlackExport, AnythingButAnArrayOfMessagesIsAnError) {
  const Outcome object = run_format("slack-export", kPath, "{\"messages\": []}");
  EXPECT_FALSE(object.ok);
  EXPECT_EQ(object.error, "line 1: not a Slack day file (the JSON document is not an array of messages)");
  const Outcome empty = run_format("slack-export", kPath, "");
  EXPECT_FALSE(empty.ok);
  EXPECT_EQ(empty.error, "line 1: invalid JSON (empty; a Slack day file is a JSON array)");
  const Outcome strings = run_format("slack-export", kPath, "[\"a\", 1, {\"text\": \"kept\"}]");
  EXPECT_TRUE(strings.ok) << strings.error;
  ASSERT_EQ(strings.records.size(), 1U);
  EXPECT_EQ(strings.records[0].text, "kept");
}

TEST(SlackExport, AMessageWithTooMuchTextIsAnErrorNotAnOutOfMemory) {
  auto format = find_format("slack-export")->make_records(kPath);
  std::size_t records = 0;
  const RecordSink sink = [&](const Record&) { ++records; };
  ASSERT_TRUE(format->feed("[\n{\"ts\": \"1.0\", \"attachments\": [", sink).has_value());
  const std::string mib(std::size_t{1} << 20, 'x');
  Status st;
  // Five 15 MiB strings, each under the string cap, together over the message's.
  for (int s = 0; s < 5 && st; ++s) {
    st = format->feed(std::string(s == 0 ? "" : ",") + "{\"text\": \"", sink);
    for (int i = 0; i < 15 && st; ++i) st = format->feed(mib, sink);
    if (st) st = format->feed("\"}", sink);
  }
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().message, "line 2: a Slack message with more than 64 MiB of text");
  EXPECT_EQ(records, 0U);
}

}  // namespace
}  // namespace tokensweep::source
