#include "rules/loader.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace tokensweep::rules {
namespace {

const char* kGood = R"(rules:
  - id: github.oauth-access-token
    name: GitHub OAuth access token
    kind: access_token
    provider: github
    pattern: '\b(gho_[A-Za-z0-9]{36})\b'
    validate: github-crc32
    confidence: high
    broker: {token_type_hint: access_token}
    references: [https://example.test/docs]
    examples: ['a', 'b']
    negative_examples: ['c']
)";

TEST(Loader, ParsesEveryField) {
  auto rules = parse_rules_yaml(kGood, "rules/github.yaml");
  ASSERT_TRUE(rules.has_value()) << rules.error().to_string();
  ASSERT_EQ(rules.value().size(), 1U);
  const Rule& r = rules.value()[0];
  EXPECT_EQ(r.id, "github.oauth-access-token");
  EXPECT_EQ(r.name, "GitHub OAuth access token");
  EXPECT_EQ(r.kind, Kind::kAccessToken);
  EXPECT_EQ(r.provider, "github");
  EXPECT_EQ(r.pattern, "\\b(gho_[A-Za-z0-9]{36})\\b");
  EXPECT_EQ(r.validate, Validator::kGithubCrc32);
  EXPECT_EQ(r.confidence, Confidence::kHigh);
  ASSERT_EQ(r.broker_hints.size(), 1U);
  EXPECT_EQ(r.broker_hints[0].first, "token_type_hint");
  EXPECT_EQ(r.broker_hints[0].second, "access_token");
  EXPECT_EQ(r.references.size(), 1U);
  EXPECT_EQ(r.examples.size(), 2U);
  EXPECT_EQ(r.negative_examples.size(), 1U);
  EXPECT_EQ(r.public_prefix, "gho_");
  EXPECT_EQ(r.origin, "rules/github.yaml:2");
}

TEST(Loader, DefaultsConfidenceToMediumAndValidatorToNone) {
  auto rules = parse_rules_yaml("rules:\n- {id: a.b, name: n, kind: pat, provider: a, pattern: '(x)'}\n", "f.yaml");
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules.value()[0].confidence, Confidence::kMedium);
  EXPECT_EQ(rules.value()[0].validate, Validator::kNone);
}

TEST(Loader, EmptyDocumentHoldsNoRules) {
  auto rules = parse_rules_yaml("", "empty.yaml");
  ASSERT_TRUE(rules.has_value());
  EXPECT_TRUE(rules.value().empty());
}

struct BadYaml {
  const char* why;
  const char* yaml;
  const char* location;  // must appear in the error
  const char* message;   // must appear in the error
};

class LoaderRejects : public ::testing::TestWithParam<BadYaml> {};

TEST_P(LoaderRejects, WithFileLineAndRuleId) {
  auto rules = parse_rules_yaml(GetParam().yaml, "bad.yaml");
  ASSERT_FALSE(rules.has_value()) << GetParam().why;
  const std::string error = rules.error().to_string();
  EXPECT_EQ(rules.error().code, ErrorCode::kBadRule);
  EXPECT_NE(error.find(GetParam().location), std::string::npos) << error;
  EXPECT_NE(error.find(GetParam().message), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LoaderRejects,
    ::testing::Values(
        BadYaml{"malformed", "rules:\n  - id: a.b\n    name: [unclosed\n", "bad.yaml:", "malformed YAML"},
        BadYaml{"no rules key", "other: 1\n", "bad.yaml:1", "'rules' list"},
        BadYaml{"rules not a list", "rules: 3\n", "bad.yaml:1", "must be a list"},
        BadYaml{"missing pattern", "rules:\n  - id: a.b\n    name: n\n    kind: pat\n    provider: a\n",
                "bad.yaml:2 a.b", "missing field 'pattern'"},
        BadYaml{"missing id", "rules:\n  - name: n\n", "bad.yaml:2", "missing field 'id'"},
        BadYaml{"unknown kind", "rules:\n  - {id: a.b, name: n, kind: token, provider: a, pattern: '(x)'}\n",
                "bad.yaml:2 a.b", "unknown kind 'token'"},
        BadYaml{"bad confidence",
                "rules:\n  - {id: a.b, name: n, kind: pat, provider: a, pattern: '(x)', confidence: sure}\n",
                "bad.yaml:2 a.b", "confidence must be"},
        BadYaml{"unknown validator",
                "rules:\n  - {id: a.b, name: n, kind: pat, provider: a, pattern: '(x)', validate: luhn}\n",
                "bad.yaml:2 a.b", "unknown validator 'luhn'"},
        BadYaml{"uppercase id", "rules:\n  - {id: A.B, name: n, kind: pat, provider: a, pattern: '(x)'}\n",
                "bad.yaml:2 A.B", "lowercase"},
        BadYaml{"id not provider first",
                "rules:\n  - {id: b.c, name: n, kind: pat, provider: a, pattern: '(x)'}\n", "bad.yaml:2 b.c",
                "must start with the provider"},
        BadYaml{"typo in a key", "rules:\n  - {id: a.b, name: n, kind: pat, provider: a, patern: '(x)'}\n",
                "a.b", "unknown field 'patern'"},
        BadYaml{"examples not a list",
                "rules:\n  - {id: a.b, name: n, kind: pat, provider: a, pattern: '(x)', examples: x}\n",
                "bad.yaml:2 a.b", "'examples' must be a list"}));

TEST(RuleSet, DuplicateIdNamesBothPlaces) {
  auto first = parse_rules_yaml("rules:\n- {id: a.b, name: n, kind: pat, provider: a, pattern: '(x)'}\n", "one.yaml");
  auto second =
      parse_rules_yaml("rules:\n\n- {id: a.b, name: n, kind: pat, provider: a, pattern: '(y)'}\n", "two.yaml");
  ASSERT_TRUE(first && second);
  RuleSet set;
  ASSERT_TRUE(set.add(first.value()).has_value());
  const auto st = set.add(second.value());
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().to_string().find("two.yaml:3 a.b"), std::string::npos) << st.error().to_string();
  EXPECT_NE(st.error().to_string().find("one.yaml:2"), std::string::npos) << st.error().to_string();
  EXPECT_EQ(set.size(), 1U);  // nothing of the failed batch was added
}

TEST(Loader, LoadsADirectoryInNameOrderAndNamesUnreadablePaths) {
  testing::TempDir dir;
  dir.write("b.yaml", "rules:\n- {id: b.one, name: n, kind: pat, provider: b, pattern: '(b)'}\n");
  dir.write("a.yml", "rules:\n- {id: a.one, name: n, kind: pat, provider: a, pattern: '(a)'}\n");
  dir.write("notes.txt", "not rules");
  auto rules = load_rules_path(dir.str());
  ASSERT_TRUE(rules.has_value()) << rules.error().to_string();
  ASSERT_EQ(rules.value().size(), 2U);
  EXPECT_EQ(rules.value()[0].id, "a.one");
  EXPECT_EQ(rules.value()[1].id, "b.one");

  auto missing = load_rules_path(dir.str() + "/nope.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().to_string().find("nope.yaml"), std::string::npos);
}

TEST(LiteralPrefix, StopsAtTheFirstOperator) {
  EXPECT_EQ(literal_capture_prefix("\\b(gho_[A-Za-z0-9]{36})\\b"), "gho_");
  EXPECT_EQ(literal_capture_prefix("(ya29\\.[A-Za-z0-9_-]+)"), "ya29.");
  EXPECT_EQ(literal_capture_prefix("token=(?:x)(glpat-[a-z]{20})"), "glpat-");
  EXPECT_EQ(literal_capture_prefix("([a-z]{20})"), "");
  EXPECT_EQ(literal_capture_prefix("(abc?d)"), "ab");
  EXPECT_EQ(literal_capture_prefix("[(](xox[bp]-1)"), "xox");
  EXPECT_EQ(literal_capture_prefix("no capture"), "");
}

}  // namespace
}  // namespace tokensweep::rules
