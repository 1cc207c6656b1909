// Ticket and chat exports as RecordFormats (format.h): the text people typed into Slack,
// Jira and Zendesk, unescaped, with where it came from. Each record's text is what a
// person wrote (a message, a field, a comment body); its line is the line of the input
// where that text starts (for a JSON string, the line of its opening quote: a line inside
// the text counts from there, in the decoded text).
//
// slack-export — one day file of a Slack workspace export, `<channel>/<YYYY-MM-DD>.json`
//   (usually a member of the export zip: `export.zip!general/2026-01-02.json`; channels.json,
//   users.json and the other members are plain JSON). A JSON array of message objects.
//   Records, per message: `text`; and anywhere below it — rich-text `blocks` (text and
//   link elements), `attachments` (text, fallback, pretext, title, fields' value), `files`
//   (preview, plain_text, title), a thread broadcast's `root` — each string under one of
//   the keys text, fallback, pretext, title, value, url, preview, plain_text, footer,
//   title_link, from_url, original_url; nothing under user_profile, bot_profile,
//   reactions or edited; none whose text another record of the message contains (the
//   rich-text blocks repeat the text: see repeated_in_others). Decoders {"json-unescape"}.
//   Context, in order: {"channel", the day file's folder} (omitted when it has none),
//   {"ts", the message's ts}, {"user", the user id, or a bot message's bot_id},
//   {"user_name", user_profile's display_name, else its real_name, else a bot message's
//   username} (when present: the id is stable, the name is what a reader recognises),
//   {"thread_ts", ...} for a reply in a thread, {"field", the path within the message,
//   e.g. "blocks[0].elements[0].elements[1].text"}.
//   Detected by a file name `YYYY-MM-DD.json` whose content starts with '['.
//
// jira-csv — Jira's CSV export (RFC 4180: ',' separated, '"' quoted, '""' for a quote,
//   quoted fields spanning lines, CRLF or LF). The first row names the columns; a name
//   used several times (Comment, Attachment, Labels, Custom field (...)) gets its 1-based
//   index among them: "Comment[1]", "Comment[2]". One record per non-empty field of every
//   later row; its line is the line where the field starts. Decoders {"csv"}.
//   Context: {"issue", the row's "Issue key"} (when the row has one), {"field", column}.
//   Detected by a `.csv` name whose first line has an "Issue key" column.
//
// zendesk-export — Zendesk Support tickets as JSON: an API page (`{"tickets": [...]}`,
//   `{"results": [...]}`), a comments page (`{"comments": [...]}`), one ticket
//   (`{"ticket": {...}}` or the bare ticket object), or NDJSON with one ticket per line and
//   its comments embedded (`"comments": [...]`). Records: a ticket's subject and
//   description, a comment's body, html_body and plain_body (but not one the comment's
//   others contain, as a plain_body equal to the body). Decoders {"json-unescape"}.
//   Context: {"ticket", id} (a comment's ticket_id when it has one, else the enclosing
//   ticket's id; omitted when neither is known), {"comment", id} for a comment,
//   {"field", key}. In NDJSON (a `.ndjson`/`.jsonl` name, or once a value was seen that
//   fits on its line) a broken line is skipped and the following lines are parsed; the
//   broken lines are reported, by number, as finish()'s error.
//   Detected by a `.json`/`.ndjson`/`.jsonl` name (also with .gz/.zst/.xz/.bz2 after it)
//   whose content is an object with Zendesk's keys (tickets/ticket, html_body/plain_body,
//   requester_id with subject, or a zendesk.com/api/v2/tickets URL).
//
// Bounded memory: a record's text, and the records of one message, row or ticket held
// until its context is known, are capped at kMaxRecordBytes; past it the input is reported
// malformed (an error, not an OOM), the raw bytes still scanned.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "source/format.h"

namespace tokensweep::source {

inline constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

bool detect_slack_export(std::string_view path, std::string_view head);
std::unique_ptr<RecordFormat> make_slack_export(std::string_view path);

bool detect_jira_csv(std::string_view path, std::string_view head);
std::unique_ptr<RecordFormat> make_jira_csv(std::string_view path);

bool detect_zendesk_export(std::string_view path, std::string_view head);
std::unique_ptr<RecordFormat> make_zendesk_export(std::string_view path);

// Shared by the three: the innermost name of `path` ("a.zip!general/x.json" → "general/x.json").
std::string_view innermost_name(std::string_view path);
// Its last component ("general/x.json" → "x.json").
std::string_view base_name(std::string_view name);
// `head` without a UTF-8 byte order mark and leading JSON whitespace.
std::string_view skip_bom_and_space(std::string_view head);
// ASCII case-insensitive `haystack` contains `needle`.
bool contains_nocase(std::string_view haystack, std::string_view needle);
// For the records of one message or comment: true for each text that another one
// contains (a longer one, or an equal earlier one) — a rich-text element repeating part of
// the message's text, a plain_body equal to the body — so one secret is one finding there,
// not one per copy on another line. All false when the texts are too many or too large
// for the quadratic check (count × bytes over 64 Mi).
std::vector<bool> repeated_in_others(const std::vector<std::string_view>& texts);

}  // namespace tokensweep::source
