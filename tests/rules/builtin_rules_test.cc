// The built-in rule pack is data whose spec is its own examples: every rule must compile
// in both engines, find each of its examples and none of its negative examples.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/rules_check.h"
#include "rules/loader.h"

namespace tokensweep::rules {
namespace {

TEST(BuiltinRules, AreCompiledInAndLoad) {
  ASSERT_FALSE(builtin_rules().empty());
  auto set = load_rule_set(true, {});
  ASSERT_TRUE(set.has_value()) << set.error().to_string();
  EXPECT_EQ(set.value().size(), builtin_rules().size());
  EXPECT_TRUE(load_rule_set(false, {}).value().rules().empty());
}

TEST(BuiltinRules, PassRulesCheck) {
  auto set = load_rule_set(true, {});
  ASSERT_TRUE(set.has_value()) << set.error().to_string();
  const auto result = pipeline::check_rules(std::move(set).value());
  for (const auto& p : result.problems) ADD_FAILURE() << p;
  EXPECT_GE(result.examples, result.rules);
  EXPECT_GE(result.negative_examples, result.rules);
}

TEST(BuiltinRules, CompiledCopyMatchesTheSourceTreeFieldByField) {
  // The binary must carry the rules/ of its own build, not a stale copy, and the build's
  // compilation (src/rules/compile_rules.cc) must lose or alter nothing: every field of
  // every rule equals what the YAML loader reads from rules/*.yaml now, in the same order.
  const std::string dir = std::string(TOKENSWEEP_SOURCE_DIR) + "/rules/";
  auto from_tree = load_rules_path(dir);
  ASSERT_TRUE(from_tree.has_value()) << from_tree.error().to_string();
  const std::vector<Rule> compiled = builtin_rules();
  ASSERT_EQ(compiled.size(), from_tree.value().size());
  for (std::size_t i = 0; i < compiled.size(); ++i) {
    const Rule& want = from_tree.value()[i];
    const Rule& got = compiled[i];
    SCOPED_TRACE(want.origin);
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.provider, want.provider);
    EXPECT_EQ(got.pattern, want.pattern);
    EXPECT_EQ(got.validate, want.validate);
    EXPECT_EQ(got.confidence, want.confidence);
    EXPECT_EQ(got.broker_hints, want.broker_hints);
    EXPECT_EQ(got.references, want.references);
    EXPECT_EQ(got.examples, want.examples);
    EXPECT_EQ(got.negative_examples, want.negative_examples);
    EXPECT_EQ(got.public_prefix, want.public_prefix);
    // "<source>/rules/github.yaml:12" is "builtin:rules/github.yaml:12" in the binary.
    ASSERT_EQ(want.origin.rfind(dir, 0), 0U);
    EXPECT_EQ(got.origin, "builtin:rules/" + want.origin.substr(dir.size()));
  }
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
