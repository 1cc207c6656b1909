// The json writer against the nlohmann::ordered_json output it replaced (design §3.2 is a
// contract byte for byte): the reference below is the sinks' former per-finding code.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/json_writer.h"
#include "report/sink.h"
#include "sink_fixtures.h"

namespace tokensweep::report {
namespace {

using Json = nlohmann::ordered_json;

std::string reference_dump(const Json& j, int indent) {
  return j.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// The json sink's finding_json() before the writer.
Json reference_finding(const Finding& f) {
  Json j;
  j["rule_id"] = f.rule_id;
  j["rule_name"] = f.rule_name;
  j["kind"] = f.kind;
  j["provider"] = f.provider;
  j["confidence"] = f.confidence;
  j["path"] = f.path;
  j["line"] = f.line;
  j["column"] = f.column;
  j["decoders"] = f.decoders;
  j["fingerprint"] = f.fingerprint;
  j["redacted"] = f.redacted;
  j["validation"] = validation_name(f.validation);
  j["status"] = broker_status_name(f.status);
  if (!f.source.empty()) {
    Json source = Json::object();
    for (const auto& [key, value] : f.source) source[key] = value;
    j["source"] = std::move(source);
  }
  return j;
}

std::string written(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string reference(std::string_view s) { return reference_dump(Json(std::string(s)), -1); }

// Strings that are bytes from the input: control characters, quotes, backslashes, DEL
// and C1, valid and invalid UTF-8 (overlong, surrogates, above U+10FFFF, truncated at
// the end and in the middle, stray continuation bytes).
const std::vector<std::string> kTricky = {
    "",
    "plain/path.txt",
    "quote\"d",
    "back\\slash\\",
    std::string("nul\0byte", 8),
    "\x01\x02\x07\x08\t\n\x0b\x0c\r\x1b[31m\x1f",
    "del\x7f and c1 \xc2\x80\xc2\x9b",
    "caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x94\x91 \xe2\x80\xae",
    "latin1 caf\xe9 name",
    "\xff\xfe",
    "\xc0\xaf overlong",
    "\xe0\x80\xaf overlong",
    "\xed\xa0\x80 surrogate",
    "\xf4\x90\x80\x80 above",
    "cut at the end \xe2\x80",
    "cut \xe2\x80 in the middle",
    "\xf0\x9f\x94 cut four",
    "\x80 stray \xbf",
    "\xe2\x80\xe2\x80\xa6",
    "image.tar!blobs/sha256/ab\xfe!root/\"x\"\\y\n",
};

TEST(JsonWriter, StringsAreWhatNlohmannWrites) {
  for (const std::string& s : kTricky) EXPECT_EQ(written(s), reference(s)) << ::testing::PrintToString(s);
}

TEST(JsonWriter, RandomBytesAreWhatNlohmannWrites) {
  // Fixed seed: the same strings on every run. Bytes weighted to the interesting ranges.
  std::mt19937 gen(6);
  const std::string alphabet = std::string("ab\"\\\n\x01\x1f\x7f", 8) + "\x80\xbf\xc2\xc3\xdf\xe0\xe2\xed\xef\xf0\xf4\xf5\xff\xa0\x9f\x90\x8f";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 12);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (std::size_t n = length(gen); n > 0; --n) s += alphabet[pick(gen)];
    ASSERT_EQ(written(s), reference(s)) << ::testing::PrintToString(s);
  }
}

TEST(JsonWriter, OneByteToLookAtAnywhereInPlainText) {
  // Plain text is checked eight bytes at a time: each byte worth a look (and its plain
  // neighbours in value) at every position of a longer plain string, and two at once.
  std::vector<std::string> bytes;
  for (int c = 0; c < 0x20; ++c) bytes.emplace_back(1, static_cast<char>(c));
  for (const char* b : {"\"", "\\", " ", "!", "#", "[", "]", "~", "\x7f", "\x80", "\xff", "\xc3\xa9", "\xe2\x80\xa6",
                        "\xe2\x80", "\xf0\x9f\x94\x91"}) {
    bytes.emplace_back(b);
  }
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (const std::string& b : bytes) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      const std::string s = plain.substr(0, at) + b + plain.substr(at);
      ASSERT_EQ(written(s), reference(s)) << ::testing::PrintToString(s);
      const std::string two = s.substr(0, 20) + b + s.substr(20);
      ASSERT_EQ(written(two), reference(two)) << ::testing::PrintToString(two);
    }
  }
}

Finding tricky_finding(const std::string& text) {
  Finding f = testing::bearer_finding(text, 7, 9);
  f.rule_id = "rule." + text;
  f.decoders = {"gzip", text, "json-unescape"};
  f.source = {{"entry", text}, {text, "second"}, {"entry", "last value wins, first place kept"}, {"k", ""}};
  f.jwt_issuer = "https://issuer.example/" + text;
  return f;
}

TEST(JsonWriter, FindingsAreWhatNlohmannWrites) {
  std::vector<Finding> findings;
  for (const std::string& s : kTricky) findings.push_back(tricky_finding(s));
  findings.push_back(testing::pat_finding("config/settings.yml", 3, 14));  // no decoders, no source
  for (const Finding& f : findings) {
    std::string compact, pretty;
    append_finding_json(compact, f, -1);
    append_finding_json(pretty, f, 0);
    EXPECT_EQ(compact, reference_dump(reference_finding(f), -1)) << f.path;
    EXPECT_EQ(pretty, reference_dump(reference_finding(f), 2)) << f.path;
  }
}

TEST(JsonWriter, SinksWriteTheDocumentsNlohmannWrote) {
  Report r = testing::sample_report();
  for (const std::string& s : kTricky) r.findings.push_back(tricky_finding(s));
  r.diagnostics.push_back({"bad\xff\"path", "io", "unreadable\n", true});

  std::ostringstream jsonl;
  write_jsonl(r, jsonl);
  std::string want_jsonl;
  for (const Finding& f : r.findings) want_jsonl += reference_dump(reference_finding(f), -1) + "\n";
  EXPECT_EQ(jsonl.str(), want_jsonl);

  std::ostringstream json;
  write_json(r, json);
  Json doc;
  Json findings = Json::array();
  for (const Finding& f : r.findings) findings.push_back(reference_finding(f));
  doc["findings"] = std::move(findings);
  // summary and diagnostics are still nlohmann's own: take them from the output.
  const Json parsed = Json::parse(json.str());
  doc["summary"] = parsed["summary"];
  doc["diagnostics"] = parsed["diagnostics"];
  EXPECT_EQ(json.str(), reference_dump(doc, 2) + "\n");

  Report empty;
  std::ostringstream none;
  write_json(empty, none);
  EXPECT_EQ(none.str().substr(0, 20), "{\n  \"findings\": [],\n");
}

}  // namespace
}  // namespace tokensweep::report
