#include "source/json_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tokensweep::source {
namespace {

// Writes each event as a line of text: "begin {", "string 3 a/b at key", "end ]", ...
class Recorder : public JsonStream::Handler {
 public:
  explicit Recorder(bool multiple) : json(*this, multiple) {}

  // Feeds `input` in pieces ending at `cuts`, then finishes; returns "ok" or the error.
  std::string run(std::string_view input, std::vector<std::size_t> cuts = {}) {
    cuts.push_back(input.size());
    std::size_t pos = 0;
    for (const std::size_t cut : cuts) {
      if (Status st = json.feed(input.substr(pos, cut - pos)); !st) return st.error().message;
      pos = cut;
    }
    Status st = json.finish();
    return st ? "ok" : st.error().message;
  }

  Status on_begin(bool object) override {
    events.push_back(std::string("begin ") + (object ? "{" : "[") + " at " + where(1));
    return {};
  }
  Status on_end(bool object) override {
    events.push_back(std::string("end ") + (object ? "}" : "]"));
    return {};
  }
  Status on_string(std::string_view value, uint64_t line) override {
    events.push_back("string " + std::to_string(line) + " " + std::string(value) + " at " + where(0));
    return {};
  }
  Status on_scalar(std::string_view text) override {
    events.push_back("scalar " + std::string(text) + " at " + where(0));
    return {};
  }
  void on_abandon() override { events.push_back("abandon"); }

  // The place of the value: the key or index in frames()[size - 1 - up].
  std::string where(std::size_t up) const {
    const auto& fr = json.frames();
    if (fr.size() <= up) return "top";
    const auto& f = fr[fr.size() - 1 - up];
    return f.object ? "key " + f.key : "index " + std::to_string(f.index);
  }

  JsonStream json;
  std::vector<std::string> events;
};

std::vector<std::string> strings_of(const std::vector<std::string>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (e.rfind("string ", 0) == 0) out.push_back(e);
  }
  return out;
}

TEST(JsonStream, UnescapesStringsAsRfc8259Says) {
  Recorder r(false);
  ASSERT_EQ(r.run(R"(["a\/b", "caf\u00e9", "\ud83d\ude00", "\"\\\b\f\n\r\t", "x\ud800y", "\udc00", "\ud800\n"])"),
            "ok");
  EXPECT_EQ(strings_of(r.events),
            (std::vector<std::string>{"string 1 a/b at index 0", "string 1 caf\xC3\xA9 at index 1",
                                      "string 1 \xF0\x9F\x98\x80 at index 2", "string 1 \"\\\b\f\n\r\t at index 3",
                                      "string 1 x\xEF\xBF\xBDy at index 4", "string 1 \xEF\xBF\xBD at index 5",
                                      "string 1 \xEF\xBF\xBD\n at index 6"}));
}

TEST(JsonStream, GivesEachStringTheLineItStartsOnAndItsPlace) {
  Recorder r(false);
  ASSERT_EQ(r.run("{\n  \"a\": \"one\",\n  \"b\": [\n    \"two\", 3, true, null\n  ],\n  \"c\": {\"d\": \"three\"}\n}\n"),
            "ok");
  EXPECT_EQ(r.events, (std::vector<std::string>{
                          "begin { at top", "string 2 one at key a", "begin [ at key b", "string 4 two at index 0",
                          "scalar 3 at index 1", "scalar true at index 2", "scalar null at index 3", "end ]",
                          "begin { at key c", "string 6 three at key d", "end }", "end }"}));
}

TEST(JsonStream, SameEventsWhereverTheInputIsSplit) {
  const std::string input =
      "\xEF\xBB\xBF[{\"k\\u00e9y\": \"v\\ud83d\\ude00\\/\", \"n\": -12.5e+3},\n [false, \"\\\"\"], 0]";
  Recorder whole(false);
  ASSERT_EQ(whole.run(input), "ok");
  for (std::size_t i = 0; i <= input.size(); ++i) {
    Recorder split(false);
    ASSERT_EQ(split.run(input, {i}), "ok") << "split at " << i;
    ASSERT_EQ(split.events, whole.events) << "split at " << i;
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
  Recorder bytes(false);
  ASSERT_EQ(bytes.run(input, every), "ok");
  EXPECT_EQ(bytes.events, whole.events);
}

TEST(JsonStream, ErrorsSayLineAndColumnAndNeverQuoteTheInput) {
  struct Case {
    std::string input;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"[\n  1,\n  2 3\n]", "line 3, column 5: invalid JSON (expected ',' or ']')"},
      {"{\"a\" 1}", "line 1, column 6: invalid JSON (expected ':' after a key)"},
      {"{\"a\": 1,}", "line 1, column 9: invalid JSON (expected a string key)"},
      {"{1: 2}", "line 1, column 2: invalid JSON (expected a string key or '}')"},
      {"[tru]", "line 1, column 2: invalid JSON (not a valid number or literal)"},
      {"[01]", "line 1, column 2: invalid JSON (not a valid number or literal)"},
      {"[\"secretvalue\\q\"]", "line 1, column 15: invalid JSON (invalid escape 'q' in a string)"},
      {"[\"ab\\u12G4\"]", "line 1, column 9: invalid JSON (invalid \\u escape in a string)"},
      {"[\"a\nb\"]", "line 1, column 4: invalid JSON (the line ends inside a string)"},
      {"[\"a\x01\"]", "line 1, column 4: invalid JSON (a control character in a string)"},
      {"[1] [2]", "line 1, column 5: invalid JSON (data after the end of the document)"},
      {"[1, }", "line 1, column 5: invalid JSON (expected a value, found '}')"},
      {"{\"a\": [1}", "line 1, column 9: invalid JSON (expected ',' or ']')"},
  };
  for (const auto& c : cases) {
    Recorder r(false);
    EXPECT_EQ(r.run(c.input), c.error) << c.input;
  }
}

TEST(JsonStream, ATruncatedDocumentNamesTheLineWhereTheOpenValueStarts) {
  Recorder in_object(false);
  EXPECT_EQ(in_object.run("[\n  {\"a\": 1},\n  {\"b\":\n"),
            "line 3: invalid JSON (the input ends inside the object that starts here)");
  Recorder in_string(false);
  EXPECT_EQ(in_string.run("[\n  {\"a\": \"unfinished"),
            "line 2: invalid JSON (the input ends inside the string that starts here)");
}

TEST(JsonStream, NestingPastTheCapIsAnErrorNotARecursion) {
  Recorder r(false);
  const std::string deep(10000, '[');
  EXPECT_EQ(r.run(deep), "line 1, column 513: invalid JSON (nested deeper than 512 levels)");
}

TEST(JsonStream, AStringPastTheCapIsAnError) {
  Recorder r(false);
  ASSERT_TRUE(r.json.feed("[\n\"").has_value());
  const std::string mib(std::size_t{1} << 20, 'a');
  Status st;
  for (int i = 0; i < 65 && st; ++i) st = r.json.feed(mib);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().message, "line 2: a JSON string longer than 64 MiB");
  EXPECT_EQ(st.error().code, ErrorCode::kMalformed);
}

TEST(JsonStream, LineRecoveryDropsOnlyTheBrokenLines) {
  Recorder r(true);
  r.json.set_line_recovery(true);
  ASSERT_EQ(r.run("{\"a\": \"one\"}\n{\"b\": \"tw\n{\"c\": [1,\n{\"d\": x}\n{\"e\": \"five\"}\n"), "ok");
  EXPECT_EQ(strings_of(r.events),
            (std::vector<std::string>{"string 1 one at key a", "string 5 five at key e"}));
  EXPECT_EQ(r.json.broken_lines(), 3U);
  EXPECT_EQ(r.json.first_errors(),
            (std::vector<std::string>{"line 2, column 10: invalid JSON (the line ends inside a string)",
                                      "line 3, column 10: invalid JSON (the line ends inside an array)",
                                      "line 4, column 7: invalid JSON (expected a value, found 'x')"}));
}

TEST(JsonStream, LineRecoveryCountsATruncatedLastLine) {
  Recorder r(true);
  r.json.set_line_recovery(true);
  ASSERT_EQ(r.run("{\"a\": \"one\"}\n{\"b\": \"two"), "ok");
  EXPECT_EQ(r.json.broken_lines(), 1U);
  ASSERT_EQ(r.json.first_errors().size(), 1U);
  EXPECT_EQ(r.json.first_errors()[0], "line 2: invalid JSON (the input ends inside the string that starts here)");
}

}  // namespace
}  // namespace tokensweep::source
