// .tokensweep.yaml: every setting, and every bad value named by file, line and key.
#include <gtest/gtest.h>

#include "config/config.h"

namespace tokensweep::config {
namespace {

rules::Rule rule(std::string id, std::string provider, rules::Confidence c) {
  rules::Rule r;
  r.id = std::move(id);
  r.provider = std::move(provider);
  r.confidence = c;
  r.pattern = "(x)";
  return r;
}

rules::RuleSet sample_rules() {
  rules::RuleSet set;
  EXPECT_TRUE(set.add({rule("github.pat", "github", rules::Confidence::kHigh),
                       rule("github.oauth", "github", rules::Confidence::kHigh),
                       rule("slack.bot", "slack", rules::Confidence::kMedium),
                       rule("generic.bearer", "generic", rules::Confidence::kLow)}));
  return set;
}

std::vector<std::string> ids(const rules::RuleSet& set) {
  std::vector<std::string> out;
  for (const auto& r : set.rules()) out.push_back(r.id);
  return out;
}

TEST(Config, ReadsEverySetting) {
  const auto c = parse_config(R"(
rules: [extra/rules.yaml]
enable: {providers: [github, slack]}
disable:
  rules: [github.oauth]
allow_paths: ["vendor/**", "*.min.js"]
min_confidence: medium
baseline: .tokensweep-baseline
)", "repo/.tokensweep.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c.value().rule_paths, std::vector<std::string>{"repo/extra/rules.yaml"});
  EXPECT_EQ(c.value().baseline, "repo/.tokensweep-baseline");
  EXPECT_EQ(c.value().allow_paths, (std::vector<std::string>{"vendor/**", "*.min.js"}));
  ASSERT_TRUE(c.value().min_confidence.has_value());
  EXPECT_EQ(*c.value().min_confidence, rules::Confidence::kMedium);
  auto selected = select_rules(sample_rules(), c.value());
  ASSERT_TRUE(selected) << selected.error().to_string();
  EXPECT_EQ(ids(selected.value()), (std::vector<std::string>{"github.pat", "slack.bot"}));
}

TEST(Config, EmptyFileKeepsEveryRule) {
  const auto c = parse_config("", "c.yaml");
  ASSERT_TRUE(c);
  auto selected = select_rules(sample_rules(), c.value());
  ASSERT_TRUE(selected);
  EXPECT_EQ(selected.value().size(), 4U);
}

TEST(Config, MinConfidenceDropsWeakerRules) {
  const auto c = parse_config("min_confidence: high\n", "c.yaml");
  ASSERT_TRUE(c);
  auto selected = select_rules(sample_rules(), c.value());
  ASSERT_TRUE(selected);
  EXPECT_EQ(ids(selected.value()), (std::vector<std::string>{"github.pat", "github.oauth"}));
}

struct BadConfig {
  const char* text;
  const char* expected;  // a substring of the error, which always starts with the location
};

class ConfigErrors : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigErrors, NameFileLineAndKey) {
  const auto c = parse_config(GetParam().text, "repo/.tokensweep.yaml");
  ASSERT_FALSE(c) << GetParam().text;
  const std::string message = c.error().to_string();
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
  EXPECT_EQ(message.rfind("repo/.tokensweep.yaml:", 0), 0U) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigErrors,
    ::testing::Values(
        BadConfig{"min_confidence: high\nallowpaths: [x]\n", ":2: allowpaths: unknown key"},
        BadConfig{"min_confidence: certain\n", ":1: min_confidence: 'certain' is not low, medium or high"},
        BadConfig{"rules: extra.yaml\n", ":1: rules: expected a list"},
        BadConfig{"enable:\n  rule: [a]\n", ":2: enable.rule: unknown key"},
        BadConfig{"disable: [a]\n", ":1: disable: expected a map"},
        BadConfig{"allow_paths: ['[abc']\n", ":1: allow_paths: '[abc': unterminated '['"},
        BadConfig{"baseline: []\n", ":1: baseline: expected a file path"},
        BadConfig{"a: [1,\n", ":2: malformed YAML"},
        BadConfig{"baseline: x\nbaseline: y\n", ":2: baseline: given twice"}));

TEST(Config, UnknownRuleOrProviderIsAnErrorAtItsLine) {
  const auto c = parse_config("disable:\n  rules:\n    - github.pat\n    - github.oath\n", "c.yaml");
  ASSERT_TRUE(c);
  auto selected = select_rules(sample_rules(), c.value());
  ASSERT_FALSE(selected);
  EXPECT_EQ(selected.error().to_string(), "c.yaml:4: disable.rules: no rule 'github.oath' among the loaded rules");

  const auto p = parse_config("enable: {providers: [gitlab]}\n", "c.yaml");
  ASSERT_TRUE(p);
  auto sel = select_rules(sample_rules(), p.value());
  ASSERT_FALSE(sel);
  EXPECT_NE(sel.error().to_string().find("c.yaml:1: enable.providers: no provider 'gitlab'"), std::string::npos);
}

TEST(Config, DisablingEverythingIsAnError) {
  const auto c = parse_config("disable: {providers: [github, slack, generic]}\n", "c.yaml");
  ASSERT_TRUE(c);
  EXPECT_FALSE(select_rules(sample_rules(), c.value()));
}

TEST(Config, MissingFileIsAnError) {
  const auto c = load_config("/nonexistent/.tokensweep.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace tokensweep::config
