// Confirmation through relaxed patterns (relax.h) finds exactly what the exact pattern does.
#include "engine/relax.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "engine/engine.h"
#include "rules/loader.h"
#include "support/tokens.h"

namespace tokensweep::engine {
namespace {

TEST(RelaxCountedRepeats, DropsLargeUpperBoundsOnly) {
  EXPECT_EQ(relax_counted_repeats("a([A-Z0-9]{20,1000})b"), "a([A-Z0-9]{20,})b");
  EXPECT_EQ(relax_counted_repeats("x{0,64}y{1,63}z{3}w{2,}"), "x{0,}y{1,63}z{3}w{2,}");
  EXPECT_EQ(relax_counted_repeats("(?:ab){10,200}"), "(?:ab){10,}");
}

TEST(RelaxCountedRepeats, ReportsTheSmallestBoundRelaxed) {
  std::size_t smallest = 0;
  relax_counted_repeats("a{1,300}b{2,64}c{1,63}", &smallest);
  EXPECT_EQ(smallest, 64U);
  relax_counted_repeats("nothing{1,5}", &smallest);
  EXPECT_EQ(smallest, SIZE_MAX);
}

TEST(RelaxCountedRepeats, LeavesEscapedBracesAndClassesAlone) {
  EXPECT_EQ(relax_counted_repeats(R"(\{1,100\}[{1,100}]a{1,100})"), R"(\{1,100\}[{1,100}]a{1,})");
  EXPECT_EQ(relax_counted_repeats(R"([]{1,100}][^]x]{1,100})"), R"([]{1,100}][^]x]{1,})");
  EXPECT_EQ(relax_counted_repeats(R"([\]{]{1,100})"), R"([\]{]{1,})");
  EXPECT_EQ(relax_counted_repeats("no repeats"), "no repeats");
  // \Q...\E quotes: what is inside is literal text.
  EXPECT_EQ(relax_counted_repeats(R"(\Qa{1,100}\Eb{1,100})"), R"(\Qa{1,100}\Eb{1,})");
  EXPECT_EQ(relax_counted_repeats(R"(\Qa{1,100})"), R"(\Qa{1,100})");
  EXPECT_EQ(relax_counted_repeats("a{1,99999999999}"), "a{1,99999999999}");  // not a number RE2 takes
}

TEST(WidenRepeatedClasses, WidensClassesHyperscanWouldFoldIntoALiteral) {
  // Before literal text, and in a repeat of at most kWidenRepeatsUpTo.
  EXPECT_EQ(widen_repeated_classes(R"(\b([a-f0-9]{36}NRAL)\b)"), R"(\b([0-9A-Za-z_-]{36}NRAL)\b)");
  EXPECT_EQ(widen_repeated_classes(R"(-us[0-9]{1,2}\b)"), R"(-us[0-9A-Za-z_-]{1,2}\b)");
  EXPECT_EQ(widen_repeated_classes("[a-f]{3}x[A-Z]{3,}"), "[0-9A-Za-z_-]{3}x[A-Z]{3,}");
  EXPECT_EQ(widen_repeated_classes(R"([A-Za-z0-9_\-]{2}[-a]{1}[a-]{4}z)"), "[0-9A-Za-z_-]{2}[0-9A-Za-z_-]{1}[0-9A-Za-z_-]{4}z");
}

TEST(WidenRepeatedClasses, LeavesEveryOtherClassAlone) {
  for (const std::string p : {
           R"(\bsk-([a-f0-9]{32})\b)",   // a token's body: Hyperscan checks it after its literal
           "[a-f0-9]{8}-[a-f]{4}_",       // followed by punctuation, not literal text
           "xox[bpa]-",                   // no repeat
           "[a-f0-9]+x [a-f]*x",          // only counted repeats
           "[A-Za-z0-9/+]{2}",            // a member outside the set
           "[^a-f]{2}",                   // negated
           R"([\w]{2}[\x41]{2})",           // escapes other than \-
           "[A-z]{2}[z-a]{2}[0-z]{2}",    // ranges across kinds or descending
           "[--a]{2}[_-a]{2}",            // ranges from punctuation (--a holds ':' to '`')
           R"([\--a]{2})",                  // the same from an escaped '-'
           R"(\[a-f]{2}\])",                // not a class
           "[]a]{2}[a-f]{,2}",            // a leading ']'; not a counted repeat
       }) {
    EXPECT_EQ(widen_repeated_classes(p), p) << p;
  }
  EXPECT_EQ(widen_repeated_classes("[[]{2}[a]{2}"), "[[]{2}[0-9A-Za-z_-]{2}");  // '[' inside a class
  // \Q...\E quotes: what is inside is literal text.
  EXPECT_EQ(widen_repeated_classes(R"(\Q[a-f]{2}x\E[a-f]{2}x)"), R"(\Q[a-f]{2}x\E[0-9A-Za-z_-]{2}x)");
  EXPECT_EQ(widen_repeated_classes(R"(\Q[a-f]{2}x)"), R"(\Q[a-f]{2}x)");
}

TEST(WidenRepeatedClasses, MatchesASupersetEndingWhereThePatternDoes) {
  // The widened pattern finds every match of the exact one, with the same end (Hyperscan
  // reports ends; RE2 confirms from them).
  const std::string pattern = R"(\b([a-f0-9]{8}NR[0-9]{1,2})\b)";
  const re2::RE2 exact(pattern), wide(widen_repeated_classes(pattern));
  ASSERT_NE(wide.pattern(), exact.pattern());
  ASSERT_TRUE(exact.ok() && wide.ok());
  for (const std::string text : {"k=0123abcdNR7 ", "0123abcdNR12", "x 89abcdefNR0\n"}) {
    re2::StringPiece e, w;
    ASSERT_TRUE(RE2::PartialMatch(text, exact, &e)) << text;
    ASSERT_TRUE(RE2::PartialMatch(text, wide, &w)) << text;
    EXPECT_EQ(e.data() + e.size(), w.data() + w.size()) << text;
  }
  EXPECT_TRUE(RE2::PartialMatch("0123ABCZNRx_", wide));  // wider: RE2 rejects it
  EXPECT_FALSE(RE2::PartialMatch("0123ABCZNRx_", exact));
}

TEST(WidenRepeatedClasses, EveryEndOfTheExactPatternIsAnEndOfTheWidenedOne) {
  // Random patterns from pieces that do and do not widen, against random text over the
  // bytes they mention: wherever the exact pattern can end a match, the widened one can.
  const std::vector<std::string> pieces = {
      "[a-f0-9]{2}", "[0-9]{1,2}", "[A-Z]{1,3}", "[a-c]{2,}", "[-a]{1}", "[--a]{1}",  "[_-a]{1}",
      R"([\--a]{1})", "[^a]{1}",   "[a-f]",      "[ab]+",     "x",        "N",       "-",
      "_",           ":",          R"(\b)",      "(?:x|N)",   "[a-f0-9]{3}N"};
  const std::string alphabet = "abcfxzNZ09_-:`/ ";
  uint32_t state = 12345;
  const auto next = [&](uint32_t n) { return (state = state * 1103515245U + 12345U) / 65536U % n; };
  int widened = 0;
  for (int round = 0; round < 400; ++round) {
    std::string pattern;
    for (uint32_t k = 0, n = 1 + next(4); k < n; ++k) pattern += pieces[next(static_cast<uint32_t>(pieces.size()))];
    const std::string wide_pattern = widen_repeated_classes(pattern);
    widened += wide_pattern != pattern ? 1 : 0;
    const RE2 exact("(?:" + pattern + R"()\z)"), wide("(?:" + wide_pattern + R"()\z)");
    ASSERT_TRUE(exact.ok() && wide.ok()) << pattern;
    for (int t = 0; t < 8; ++t) {
      std::string text;
      for (uint32_t k = 0, n = 4 + next(12); k < n; ++k) text += alphabet[next(static_cast<uint32_t>(alphabet.size()))];
      for (std::size_t end = 1; end <= text.size(); ++end) {
        const std::string_view prefix(text.data(), end);
        if (RE2::PartialMatch(prefix, exact)) {
          ASSERT_TRUE(RE2::PartialMatch(prefix, wide)) << pattern << " -> " << wide_pattern << " on '" << prefix << "'";
        }
      }
    }
  }
  EXPECT_GT(widened, 100);  // the pieces above do exercise the widening
}

std::shared_ptr<const Engine> engine_for(const std::string& pattern) {
  std::string quoted;  // a YAML single-quoted scalar: ' is written ''
  for (const char c : pattern) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  auto parsed = rules::parse_rules_yaml("rules:\n  - id: test.rule\n    name: Test\n    kind: access_token\n"
                                        "    provider: test\n    pattern: '" + quoted + "'\n",
                                        "test.yaml");
  rules::RuleSet set;
  EXPECT_TRUE(set.add(std::move(parsed).value()).has_value());
  return Engine::compile(std::move(set)).value();
}

std::vector<std::string> secrets(const std::shared_ptr<const Engine>& engine, std::string_view text) {
  Scanner scanner(engine);
  std::vector<Match> matches;
  EXPECT_TRUE(scanner.scan(text, matches).has_value());
  std::vector<std::string> out;
  for (const auto& m : matches) out.emplace_back(text.substr(m.start, m.end - m.start));
  return out;
}

TEST(RelaxedConfirmation, AnOverlongRunIsNotAMatchWhenTheExactPatternSaysSo) {
  const auto engine = engine_for(R"(key=([A-Za-z0-9]{20,100})(?:[^A-Za-z0-9]|$))");
  const std::string ok = testing::random_base62(100, 1);
  const std::string too_long = testing::random_base62(101, 2);
  EXPECT_EQ(secrets(engine, "key=" + ok + " "), std::vector<std::string>{ok});
  EXPECT_TRUE(secrets(engine, "key=" + too_long + " ").empty());
}

TEST(RelaxedConfirmation, TheExactPatternDecidesWhereARunIsCut) {
  // Unterminated: the exact pattern takes the first 100 characters of a longer run; the
  // relaxed one would take all of them.
  const auto engine = engine_for(R"(tok_([A-Za-z0-9]{10,100}))");
  const std::string run = testing::random_base62(150, 3);
  const auto found = secrets(engine, "tok_" + run + "\n");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].size(), 100U);
}

TEST(RelaxedConfirmation, FindsEveryTokenOfADenseBuffer) {
  const auto engine = engine_for(R"(\b(tk_[A-Za-z0-9]{20,1000})\b)");
  std::string text;
  std::vector<std::string> planted;
  for (uint32_t i = 0; i < 500; ++i) {
    planted.push_back("tk_" + testing::random_base62(20 + i % 300, i));
    text += "v=" + planted.back() + (i % 2 == 0 ? "\n" : " ; ");
  }
  EXPECT_EQ(secrets(engine, text), planted);
}

// RE2 alone, the definition of a match: its leftmost-first matches, one after another.
std::vector<std::string> re2_secrets(const std::string& pattern, const std::string& text) {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);
  const re2::RE2 re("(?m)" + pattern, options);
  std::vector<std::string> out;
  re2::StringPiece groups[2];
  for (std::size_t at = 0; at <= text.size() && re.Match(text, at, text.size(), re2::RE2::UNANCHORED, groups, 2);) {
    if (groups[1].data() != nullptr && !groups[1].empty()) out.emplace_back(groups[1].data(), groups[1].size());
    const auto end = static_cast<std::size_t>(groups[0].data() - text.data()) + groups[0].size();
    at = std::max(end, static_cast<std::size_t>(groups[0].data() - text.data()) + 1);
  }
  return out;
}

TEST(RelaxedConfirmation, WideRulesFindWhatRe2AloneFindsInRandomText) {
  // The engine confirms a wide rule by searching backwards from each Hyperscan hit for
  // the match start; on text made of the rules' own pieces (keywords, runs of the token
  // class, delimiters, line breaks) it must find exactly what RE2 finds scanning alone.
  const std::vector<std::string> patterns = {
      R"((?i:authorization)["']?\s{0,4}[:=]\s{0,4}["']?(?i:bearer)\s{1,4}([A-Za-z0-9._~+/-]{20,1000}={0,2})(?:[^A-Za-z0-9._~+/=-]|$))",
      R"(\b(ya29\.[A-Za-z0-9_-][A-Za-z0-9_.-]{28,1000}[A-Za-z0-9_-])(?:[^A-Za-z0-9_.-]|\.(?:[^A-Za-z0-9_-]|$)|$))",
      R"(["']refresh_?[Tt]oken["']\s{0,4}:\s{0,4}["']([A-Za-z0-9._~+/=:-]{20,1000})["'])",
  };
  const std::vector<std::string> pieces = {"Authorization: Bearer ", "authorization=bearer  ", "ya29.", "\"refresh_token\":\"",
                                           "\"", "'", " ", "\n", ".", "=", "-", "_", "/", "x"};
  for (const std::string& pattern : patterns) {
    const auto engine = engine_for(pattern);
    ASSERT_GT(engine->max_width(0), 256U) << pattern;
    std::size_t found = 0;
    for (uint32_t seed = 0; seed < 40; ++seed) {
      std::string text;
      uint32_t state = seed * 2654435761U + 1;
      const auto next = [&] { return state = state * 1664525U + 1013904223U; };
      while (text.size() < 4000) {
        const uint32_t r = next() % 10;
        if (r < 4) text += pieces[next() % pieces.size()];
        else text += testing::random_base62(1 + next() % 60, next());
      }
      const auto expected = re2_secrets(pattern, text);
      EXPECT_EQ(secrets(engine, text), expected) << pattern << ", seed " << seed;
      found += expected.size();
    }
    EXPECT_GT(found, 40U) << "the random text must hold matches to compare: " << pattern;
  }
}

}  // namespace
}  // namespace tokensweep::engine
