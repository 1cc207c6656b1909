#include "decode/text_decoders.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <random>
#include <vector>

#include "common/base64.h"

namespace tokensweep::decode {
namespace {

std::string decoded(TextDecoder d, std::string_view in) {
  std::string out;
  EXPECT_TRUE(decode_text(d, in, out)) << decoder_name(d) << " did not apply to: " << in.substr(0, 40);
  return out;
}

bool applies(TextDecoder d, std::string_view in) {
  std::string out;
  return decode_text(d, in, out);
}

TEST(JsonUnescape, UndoesEveryStringEscape) {
  EXPECT_EQ(decoded(TextDecoder::kJsonUnescape, R"({\"access_token\":\"a\/b\\c\"}\n\t)"),
            "{\"access_token\":\"a/b\\c\"}\n\t");
  EXPECT_EQ(decoded(TextDecoder::kJsonUnescape, R"(\u0041\u00e9\u20ac)"), "A\xC3\xA9\xE2\x82\xAC");
}

TEST(JsonUnescape, JoinsSurrogatePairs) {
  EXPECT_EQ(decoded(TextDecoder::kJsonUnescape, R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");
}

TEST(JsonUnescape, LeavesBrokenEscapesAndPlainTextAlone) {
  EXPECT_FALSE(applies(TextDecoder::kJsonUnescape, "no escapes here"));
  EXPECT_EQ(decoded(TextDecoder::kJsonUnescape, R"(\q \u12 \" \n)"), "\\q \\u12 \" \n");
  // Source code's "\n" and "\t" alone hide no token: not worth a decoded copy.
  EXPECT_FALSE(applies(TextDecoder::kJsonUnescape, R"(printf("%d\n\t", x);)"));
  EXPECT_FALSE(applies(TextDecoder::kJsonUnescape, "trailing backslash \\"));
}

TEST(Percent, DecodesHexPairsButNotPlus) {
  EXPECT_EQ(decoded(TextDecoder::kPercent, "access_token%3Dab%2Fc+d%20e"), "access_token=ab/c+d e");
  EXPECT_EQ(decoded(TextDecoder::kPercent, "%25%32%35"), "%25");  // one level at a time
  EXPECT_FALSE(applies(TextDecoder::kPercent, "100% sure, %zz"));
}

TEST(HtmlEntities, DecodesNamedAndNumericEntities) {
  EXPECT_EQ(decoded(TextDecoder::kHtmlEntities, "&quot;token&quot;: &#39;x&#x2F;y&#47;&amp;"),
            "\"token\": 'x/y/&");
  EXPECT_FALSE(applies(TextDecoder::kHtmlEntities, "fish & chips &unknown; &#;"));
}

TEST(Ansi, RemovesColourCodesThatSplitAToken) {
  EXPECT_EQ(decoded(TextDecoder::kAnsi, "gho_abc\x1b[31mdef\x1b[0m ghi\x1b]0;title\x07 end\x1b" "7"),
            "gho_abcdef ghi end");
  EXPECT_FALSE(applies(TextDecoder::kAnsi, "plain"));
}

TEST(Base64, ReplacesRunsThatDecodeToText) {
  const std::string inner = "{\"auth\":\"" + base64_encode("user:secret-token-value-01") + "\"}";
  const std::string text = "data: " + base64_encode(inner) + " end";
  EXPECT_EQ(decoded(TextDecoder::kBase64, text), "data: " + inner + " end");
  // The second level, as a scanner does it on the decoded text.
  EXPECT_EQ(decoded(TextDecoder::kBase64, inner), "{\"auth\":\"user:secret-token-value-01\"}");
  EXPECT_EQ(decoded(TextDecoder::kBase64, base64_encode("url safe?>> and more of it!", true, false) + " x"),
            "url safe?>> and more of it! x");
}

TEST(Base64, LeavesRandomTokensAndShortRunsAlone) {
  EXPECT_FALSE(applies(TextDecoder::kBase64, "gho_16C7e42F292c6912E7710c838347Ae178B4a and ThisIsAnIdentifier"));
  EXPECT_FALSE(applies(TextDecoder::kBase64, base64_encode("short")));
}

TEST(Names, AreTheOnesFindingsCarry) {
  EXPECT_STREQ(decoder_name(TextDecoder::kJsonUnescape), "json-unescape");
  EXPECT_STREQ(decoder_name(TextDecoder::kPercent), "percent");
  EXPECT_STREQ(decoder_name(TextDecoder::kHtmlEntities), "html-entities");
  EXPECT_STREQ(decoder_name(TextDecoder::kAnsi), "ansi");
  EXPECT_STREQ(decoder_name(TextDecoder::kBase64), "base64");
}

}  // namespace
}  // namespace tokensweep::decode

namespace tokensweep::decode {
namespace {

// The vectorised run finder must agree with the plain definition wherever runs fall.
TEST(Base64, FindsRunsAtEveryAlignment) {
  const std::string payload = base64_encode("{\"token\":\"some hidden value\"}");
  for (std::size_t pad = 0; pad < 40; ++pad) {
    for (const char* filler : {" ", "ab cd ", "xyzxyzxyz-", "\xff\x80"}) {
      std::string text;
      while (text.size() < pad) text += filler;
      text.resize(pad);
      text += " " + payload + " tail";
      std::string out;
      ASSERT_TRUE(decode_text(TextDecoder::kBase64, text, out)) << "pad " << pad;
      EXPECT_NE(out.find("some hidden value"), std::string::npos) << "pad " << pad;
    }
  }
  // Runs shorter than kMinBase64Run are left alone, wherever they fall.
  const std::string short_run = base64_encode("twenty-three bytes long");  // 32 characters
  for (std::size_t pad = 0; pad < 20; ++pad) {
    std::string out;
    EXPECT_FALSE(decode_text(TextDecoder::kBase64, std::string(pad, ' ') + short_run.substr(0, 31) + " x", out));
    EXPECT_TRUE(decode_text(TextDecoder::kBase64, std::string(pad, ' ') + base64_encode("twenty-four bytes long!!") + " x", out))
        << pad;
  }
}

}  // namespace
}  // namespace tokensweep::decode

namespace tokensweep::decode {
namespace {

TEST(AnsiLines, DecodesOnlyTheLinesWithAnEscapeAndSaysWhereTheyStart) {
  std::string out;
  std::vector<uint64_t> starts;
  const std::string in = "plain\n\x1b[1mbold\x1b[0m\nplain\nplain\nx\x1b[32my\nlast\x1b[0m";
  EXPECT_EQ(decode_ansi_lines(in, out, starts), "bold\nxy\nlast\n");
  EXPECT_EQ(starts, (std::vector<uint64_t>{6, 31, 39}));
  offsets_to_lines(in, starts);
  EXPECT_EQ(starts, (std::vector<uint64_t>{1, 4, 5}));
  EXPECT_TRUE(decode_ansi_lines("no escapes\nat all\n", out, starts).empty());
  EXPECT_TRUE(starts.empty());
  EXPECT_EQ(decode_ansi_lines("\x1b[0mfirst\n", out, starts), "first\n");  // an escape at the very start
  EXPECT_EQ(starts, std::vector<uint64_t>{0});
  // Two escapes on one line, and a line whose ESC starts no sequence (kept as it is).
  EXPECT_EQ(decode_ansi_lines("a\x1b[1mb\x1b[0mc\nd\x1b\n\x1b[2me", out, starts), "abc\nd\x1b\ne\n");
  EXPECT_EQ(starts, (std::vector<uint64_t>{0, 12, 15}));
}

TEST(ChangedLines, KeepOnlyWhatDecodingChangedAndEveryLineBreak) {
  std::string out;
  // Line 2 has an escape that hides nothing ("\n" alone), line 3 one that does, line 5 a
  // "\n" that the decoding turns into a line break of its own.
  const std::string in = "plain\nsay \\n\nk=\\\"v\\/w\\\"\nplain\na\\u0041\\nb\nlast";
  ASSERT_TRUE(decode_changed_lines(TextDecoder::kJsonUnescape, in, out));
  EXPECT_EQ(out, "\n\nk=\"v/w\"\n\naA\nb\n");
  // Every line keeps its break, and a changed line adds the ones its escapes decode to: a
  // finding's line number counts the lines of `in` and of what decoding made of them.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 5 + 1);
  EXPECT_FALSE(decode_changed_lines(TextDecoder::kJsonUnescape, "no escapes\nhere\n", out));
  ASSERT_TRUE(decode_changed_lines(TextDecoder::kPercent, "50% done\nq=a%2Fb\n", out));
  EXPECT_EQ(out, "\nq=a/b\n");  // a changed line is decoded whole
  ASSERT_TRUE(decode_changed_lines(TextDecoder::kHtmlEntities, "x\ny &amp; z", out));
  EXPECT_EQ(out, "\ny & z");
  EXPECT_FALSE(decode_changed_lines(TextDecoder::kBase64, "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=", out));
}

TEST(AnsiLines, OffsetsToLinesTakesThemInAnyOrder) {
  const std::string in = "a\nbb\n\nccc\n";
  std::vector<uint64_t> offsets = {9, 0, 3, 6, 2, 100};
  offsets_to_lines(in, offsets);
  EXPECT_EQ(offsets, (std::vector<uint64_t>{3, 0, 1, 3, 1, 4}));
}

// The pieces of `in` between '\n's: one more than it has '\n's.
std::vector<std::string> split_lines(const std::string& in) {
  std::vector<std::string> pieces(1);
  for (const char c : in) {
    if (c == '\n') {
      pieces.emplace_back();
    } else {
      pieces.back() += c;
    }
  }
  return pieces;
}

// Random texts thick with markers, line breaks and half sequences, against decoding each
// line on its own: the views find a line's ends around a marker (and a line may end the
// text without a '\n'), where an off-by-one joins or drops lines.
TEST(LineViews, MatchDecodingEachLineOnItsOwn) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab=\n\n\x1b\x1b[[m1;\\\\\"u00%2F&amp;";
  for (int round = 0; round < 3000; ++round) {
    std::string in(std::uniform_int_distribution<std::size_t>(0, 300)(rng), ' ');
    for (char& c : in) c = alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    const std::vector<std::string> pieces = split_lines(in);

    std::string want;
    std::vector<uint64_t> want_lines;
    bool want_changed = false;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      if (pieces[k].find('\x1b') == std::string::npos) continue;
      std::string line;
      const bool changed = decode_text(TextDecoder::kAnsi, pieces[k], line);
      want += changed ? line : pieces[k];
      want += '\n';
      want_lines.push_back(k);
      want_changed |= changed;
    }
    std::string out;
    std::vector<uint64_t> starts;
    ASSERT_EQ(decode_ansi_lines(in, out, starts), want_changed ? want : "") << "round " << round;
    if (want_changed) {
      offsets_to_lines(in, starts);
      ASSERT_EQ(starts, want_lines) << "round " << round;
    }

    for (const TextDecoder d : {TextDecoder::kJsonUnescape, TextDecoder::kPercent, TextDecoder::kHtmlEntities}) {
      std::string expected;
      bool expected_changed = false;
      for (std::size_t k = 0; k < pieces.size(); ++k) {
        std::string line;
        if (pieces[k].find(line_marker(d)) != std::string::npos && decode_text(d, pieces[k], line)) {
          expected += line;
          expected_changed = true;
        }
        if (k + 1 < pieces.size()) expected += '\n';
      }
      ASSERT_EQ(decode_changed_lines(d, in, out), expected_changed) << decoder_name(d) << " round " << round;
      if (expected_changed) {
        ASSERT_EQ(out, expected) << decoder_name(d) << " round " << round;
      }
    }
  }
}

// holds_trigger is written out by hand; these are the Hyperscan patterns it replaced, and
// it must find exactly where they do: texts of the bytes that make and break them, and
// near-misses (a digit short, a letter off, a ';' missing).
TEST(ByteLedTriggers, HoldWhereTheRegexesTheyReplacedMatch) {
  struct Case {
    TextDecoder decoder;
    std::string regex;
    std::vector<std::string> pieces;  // what texts are made of
  };
  const std::vector<Case> cases = {
      {TextDecoder::kAnsi, R"(\x1b[\[\]])", {"\x1b", "[", "]", "m", "x", "\x1b\x1b"}},
      {TextDecoder::kJsonUnescape, R"(\\["/]|\\u[0-9A-Fa-f]{4})", {"\\", "\"", "/", "u", "0", "a", "F", "g", "12"}},
      {TextDecoder::kPercent,
       R"(%(?:2[0-9A-Fa-f]|3[A-Fa-f]|40|5[BbCcDd]|7[BbCcDd]))",
       {"%", "%2", "%3", "%4", "%5", "%7", "2", "0", "1", "A", "f", "B", "d", "G", "x"}},
      {TextDecoder::kHtmlEntities,
       R"(&(?:quot|amp|lt|gt|apos|sol|equals|colon|plus);|&#(?:[0-9]{1,7}|[xX][0-9A-Fa-f]{1,6});)",
       {"&", "&#", "&#x", "&#X", "&#1", "&amp", "&lt", ";", ";", "quot", "gt", "apo", "apos", "sol", "equal", "equals",
        "colon", "plus", "1", "1234567", "12345678", "abcdef", "abcdefa", "g"}},
  };
  std::mt19937 rng(5);
  for (const auto& [decoder, pattern, pieces] : cases) {
    const RE2 re(pattern);
    ASSERT_TRUE(re.ok()) << pattern;
    int held = 0;
    for (int round = 0; round < 20'000; ++round) {
      std::string text;
      const int n = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
      const bool want = RE2::PartialMatch(text, re);
      ASSERT_EQ(holds_trigger(decoder, text), want) << decoder_name(decoder) << " on \"" << text << "\"";
      held += want ? 1 : 0;
    }
    EXPECT_GT(held, 500) << decoder_name(decoder) << ": the texts must hold the trigger often enough to test it";
    EXPECT_LT(held, 19'000) << decoder_name(decoder) << ": and often not";
  }
  EXPECT_FALSE(holds_trigger(TextDecoder::kBase64, "eyJhbGciOiJIUzI1NiJ9eyJhbGciOiJIUzI1NiJ9"));
}

}  // namespace
}  // namespace tokensweep::decode
