// Confirmation through relaxed patterns (relax.h) finds exactly what the exact pattern does.
#include "engine/relax.h"

#include <gtest/gtest.h>

#include <cstdint>

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
  EXPECT_EQ(relax_counted_repeats("a{1,99999999999}"), "a{1,99999999999}");  // not a number RE2 takes
}

std::shared_ptr<const Engine> engine_for(const std::string& pattern) {
  auto parsed = rules::parse_rules_yaml("rules:\n  - id: test.rule\n    name: Test\n    kind: access_token\n"
                                        "    provider: test\n    pattern: '" + pattern + "'\n",
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

}  // namespace
}  // namespace tokensweep::engine
