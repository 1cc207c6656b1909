// The built-in rule pack is data whose spec is its own examples: every rule must compile
// in both engines, find each of its examples and none of its negative examples.
#include <gtest/gtest.h>

#include <set>

#include "pipeline/rules_check.h"
#include "rules/loader.h"

namespace tokensweep::rules {
namespace {

TEST(BuiltinRules, AreEmbeddedAndLoad) {
  ASSERT_FALSE(builtin_rule_files().empty());
  auto set = load_rule_set(true, {});
  ASSERT_TRUE(set.has_value()) << set.error().to_string();
  EXPECT_GT(set.value().size(), 0U);
}

TEST(BuiltinRules, PassRulesCheck) {
  auto set = load_rule_set(true, {});
  ASSERT_TRUE(set.has_value()) << set.error().to_string();
  const auto result = pipeline::check_rules(std::move(set).value());
  for (const auto& p : result.problems) ADD_FAILURE() << p;
  EXPECT_GE(result.examples, result.rules);
  EXPECT_GE(result.negative_examples, result.rules);
}

TEST(BuiltinRules, EmbeddedCopyMatchesTheSourceTree) {
  // The binary must carry the rules/ of its own build, not a stale copy.
  auto from_tree = load_rules_path(std::string(TOKENSWEEP_SOURCE_DIR) + "/rules");
  auto embedded = load_rule_set(true, {});
  ASSERT_TRUE(from_tree.has_value() && embedded.has_value());
  std::set<std::string> a, b;
  for (const auto& r : from_tree.value()) a.insert(r.id + "\n" + r.pattern);
  for (const auto& r : embedded.value().rules()) b.insert(r.id + "\n" + r.pattern);
  EXPECT_EQ(a, b);
}

TEST(BuiltinRules, CheckFailsWhenAnExampleIsMissedOrANegativeIsFound) {
  // rules check must be able to fail: a rule whose example it misses and whose negative it hits.
  auto rules = parse_rules_yaml(R"(rules:
  - id: t.rule
    name: t
    kind: pat
    provider: t
    pattern: '\b(tok_[a-z0-9]{12})\b'
    examples: ['tok_abc']
    negative_examples: ['tok_a1b2c3d4e5f6']
  - id: t.bare
    name: t
    kind: pat
    provider: t
    pattern: '\b(bare_[a-z0-9]{12})\b'
)", "t.yaml");
  ASSERT_TRUE(rules.has_value());
  RuleSet set;
  ASSERT_TRUE(set.add(std::move(rules).value()).has_value());
  const auto result = pipeline::check_rules(set);
  ASSERT_EQ(result.problems.size(), 4U);
  EXPECT_NE(result.problems[0].find("t.bare: has no examples"), std::string::npos);
  EXPECT_NE(result.problems[1].find("t.bare: has no negative_examples"), std::string::npos);
  EXPECT_NE(result.problems[2].find("t.yaml:2 t.rule: example 1 is not found"), std::string::npos);
  EXPECT_NE(result.problems[3].find("t.rule: negative example 1 is reported"), std::string::npos);
}

}  // namespace
}  // namespace tokensweep::rules
