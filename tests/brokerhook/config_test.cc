// The hook file and the webhook/exec protocol, offline.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "broker/config.h"
#include "broker/protocol.h"

namespace tokensweep::broker {
namespace {

TEST(BrokerConfig, ParsesTheDesignExample) {
  auto c = parse_broker_config(R"(hooks:
  - name: corp-idp
    type: oauth
    issuer: https://idp.example.com
    client_id: tokensweep-scanner
    client_secret_env: IDP_SCANNER_SECRET
    match: {providers: [generic, okta], rules: [], jwt_issuers: []}
  - name: token-broker
    type: webhook
    url: https://broker.internal/hooks/tokensweep
    send_secret: false
    match: {providers: [github]}
  - name: script
    type: exec
    command: [/usr/local/bin/check-token]
    match: {rules: [slack.bot-token]}
)", "broker.yaml");
  ASSERT_TRUE(c) << c.error().to_string();
  ASSERT_EQ(c.value().hooks.size(), 3u);
  EXPECT_EQ(c.value().hooks[0].type, HookType::kOauth);
  EXPECT_EQ(c.value().hooks[1].url, "https://broker.internal/hooks/tokensweep");
  EXPECT_FALSE(c.value().hooks[1].send_secret);
  EXPECT_EQ(c.value().hooks[2].command.at(0), "/usr/local/bin/check-token");
}

struct BadFile {
  const char* name;
  const char* text;
  const char* location;  // expected Error::location
  const char* message;   // expected in Error::message
};

class BrokerConfigErrors : public ::testing::TestWithParam<BadFile> {};

TEST_P(BrokerConfigErrors, NameTheFileAndLine) {
  const BadFile& bad = GetParam();
  auto c = parse_broker_config(bad.text, "hooks.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().location, bad.location) << c.error().to_string();
  EXPECT_NE(c.error().message.find(bad.message), std::string::npos) << c.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Files, BrokerConfigErrors,
    ::testing::Values(
        BadFile{"InlineClientSecret",
                "hooks:\n  - name: idp\n    type: oauth\n    issuer: https://idp.example.com\n"
                "    client_id: s\n    client_secret: hunter2-not-a-real-secret\n    match: {providers: [generic]}\n",
                "hooks.yaml:6", "inline 'client_secret' is refused"},
        BadFile{"UnknownKey",
                "hooks:\n  - name: w\n    type: webhook\n    url: https://x.example\n    sendsecret: true\n"
                "    match: {providers: [generic]}\n",
                "hooks.yaml:5", "unknown key 'sendsecret'"},
        BadFile{"ClaimsNothing", "hooks:\n  - name: w\n    type: webhook\n    url: https://x.example\n    match: {}\n",
                "hooks.yaml:2", "claims no findings"},
        BadFile{"OauthWithoutSecretSource",
                "hooks:\n  - name: idp\n    type: oauth\n    issuer: https://idp.example.com\n    client_id: s\n"
                "    match: {providers: [generic]}\n",
                "hooks.yaml:2", "client_secret_env or client_secret_file"},
        BadFile{"ExecWithoutCommand", "hooks:\n  - name: e\n    type: exec\n    match: {rules: [x]}\n", "hooks.yaml:2",
                "needs command"},
        BadFile{"UnknownType", "hooks:\n  - name: e\n    type: ldap\n    match: {rules: [x]}\n", "hooks.yaml:3",
                "unknown type 'ldap'"},
        BadFile{"DuplicateName",
                "hooks:\n  - {name: e, type: exec, command: [a], match: {rules: [x]}}\n"
                "  - {name: e, type: exec, command: [b], match: {rules: [y]}}\n",
                "hooks.yaml:3", "used twice"},
        BadFile{"NotYaml", "hooks: [\n", "hooks.yaml:2", ""}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(BrokerConfig, TheInlineSecretIsNotEchoed) {
  auto c = parse_broker_config("hooks:\n  - name: idp\n    type: oauth\n    issuer: https://i.example\n"
                               "    client_id: s\n    client_secret: zq9-inline-value-xx\n    match: {providers: [g]}\n",
                               "b.yaml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().to_string().find("zq9-inline-value-xx"), std::string::npos);
}

TEST(BrokerMatch, ClaimsByProviderRulePrefixOrJwtIssuer) {
  Match m;
  m.providers = {"okta"};
  m.rules = {"slack.*", "github.pat"};
  m.jwt_issuers = {"https://idp.example.com/"};
  report::Finding f;
  f.provider = "okta";
  EXPECT_TRUE(m.claims(f));
  f.provider = "slack";
  f.rule_id = "slack.bot-token";
  EXPECT_TRUE(m.claims(f));
  f.rule_id = "github.pat";
  f.provider = "github";
  EXPECT_TRUE(m.claims(f));
  f.rule_id = "github.oauth-access-token";
  EXPECT_FALSE(m.claims(f));
  f.provider = "generic";
  f.rule_id = "generic.jwt";
  EXPECT_FALSE(m.claims(f));
  f.jwt_issuer = "https://idp.example.com";
  EXPECT_TRUE(m.claims(f));
  f.jwt_issuer = "https://idp.example.com.evil.test";
  EXPECT_FALSE(m.claims(f));
}

TEST(BrokerProtocol, RequestsCarryTheSecretOnlyWithSendSecret) {
  const std::string secret = "s3cr3t-\"quoted\"\\-value";
  Item item{"ab12", "access_token", "generic", "generic.bearer-header", secret};
  const std::string hashed = encode_request("check", std::span<const Item>(&item, 1), false);
  EXPECT_EQ(hashed.find("s3cr3t"), std::string::npos);
  auto doc = nlohmann::json::parse(hashed);
  EXPECT_EQ(doc["action"], "check");
  EXPECT_EQ(doc["findings"][0]["fingerprint"], "ab12");
  EXPECT_FALSE(doc["findings"][0].contains("secret"));
  const std::string with = encode_request("revoke", std::span<const Item>(&item, 1), true);
  EXPECT_EQ(nlohmann::json::parse(with)["findings"][0]["secret"], secret);
}

TEST(BrokerProtocol, GarbageMissingAndOddResultsAreUnknown) {
  std::vector<Item> items = {{"aa", "", "", "", {}}, {"bb", "", "", "", {}}, {"cc", "", "", "", {}}};
  for (const char* garbage : {"", "not json", "[]", "{\"results\":{}}", "{\"results\":[1,2]}", "<html>"}) {
    for (const auto& v : decode_response(garbage, items)) {
      EXPECT_EQ(v.status, report::BrokerStatus::kUnknown) << garbage;
      EXPECT_FALSE(v.detail.empty());
    }
  }
  auto v = decode_response(
      R"({"results":[{"fingerprint":"aa","status":"active"},{"fingerprint":"bb","status":"dead"}]})", items);
  EXPECT_EQ(v[0].status, report::BrokerStatus::kActive);
  EXPECT_EQ(v[1].status, report::BrokerStatus::kUnknown);
  EXPECT_EQ(v[2].status, report::BrokerStatus::kUnknown);
  EXPECT_EQ(v[2].detail, "the hook gave no result for it");
}

}  // namespace
}  // namespace tokensweep::broker
