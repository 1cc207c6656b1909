// `tokensweep scan --broker` against the real test authorization server
// (oidc-provider, tests/broker/run on 127.0.0.1 port 0): tokens from a real device
// flow, planted in a fake CI log, checked and revoked through the oauth hook
// (RFC 7662/7009), the reference webhook (hash-only), and an exec hook. No test prints
// a token: failures name them by fingerprint prefix (fp()).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <iostream>
#include <sstream>
#include <thread>

#include "brokerhook/support.h"
#include "common/sha256.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using namespace std::chrono_literals;

std::string oauth_hook(const Broker& broker, const std::string& extra = "") {
  return "hooks:\n"
         "  - name: test-idp\n"
         "    type: oauth\n"
         "    issuer: " + broker.issuer() + "\n"
         "    client_id: tokensweep-scanner\n"
         "    client_secret_env: IDP_SCANNER_SECRET\n" + extra +
         "    match: {providers: [generic]}\n";
}

std::string webhook_hook(const Broker& broker, bool send_secret, const std::string& providers = "[generic]") {
  return std::string("hooks:\n") +
         "  - name: reference-webhook\n"
         "    type: webhook\n"
         "    url: " + broker.issuer() + "/hooks/tokensweep\n"
         "    client_id: tokensweep-scanner\n"
         "    client_secret_env: IDP_SCANNER_SECRET\n"
         "    send_secret: " + (send_secret ? "true" : "false") + "\n"
         "    match: {providers: " + providers + "}\n";
}

class BrokerE2E : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker.ready()) << broker.diagnostics(); }

  Env env() const { return {{"IDP_SCANNER_SECRET", broker.scanner_secret()}}; }
  std::string file(const std::string& name, const std::string& text) const {
    write_file(dir / name, text);
    return dir / name;
  }
  std::vector<std::string> everything_issued() const {
    std::vector<std::string> out;
    for (const auto& e : broker.ledger()) out.push_back(e.value);
    out.push_back(broker.scanner_secret());
    return out;
  }
  // Every output of a scan, and the audit log if any, free of every issued token.
  void expect_no_secret(const Scan& s, const std::string& audit = "") const {
    EXPECT_TRUE(free_of(s.run.out, everything_issued())) << "a token is on stdout";
    EXPECT_TRUE(free_of(s.run.err, everything_issued())) << "a token is on stderr";
    if (!audit.empty()) {
      EXPECT_TRUE(free_of(read_file(audit), everything_issued())) << "a token is in the audit log";
    }
  }
  std::vector<nlohmann::json> hook_log() const {
    std::vector<nlohmann::json> out;
    std::istringstream in(read_file(dir / "hook.jsonl"));
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line, nullptr, false));
    return out;
  }

  TempDir dir;
  Broker broker{{"--hook-log", dir / "hook.jsonl"}};
};

TEST_F(BrokerE2E, OauthHookReportsDeviceFlowTokensActive) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  ASSERT_FALSE(t.refresh_token.empty());
  const std::string log = file("job-1234.log", ci_log(t));
  Scan s = scan({"--broker", file("broker.yaml", oauth_hook(broker)), log}, env());
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  EXPECT_EQ(s.status_of(t.access_token), "active") << fp(t.access_token) << "\n" << s.run.err;
  EXPECT_EQ(s.status_of(t.refresh_token), "active") << fp(t.refresh_token) << "\n" << s.run.err;
  expect_no_secret(s);
}

TEST_F(BrokerE2E, RevokeRevokesConfirmsAndAuditsWithoutSecrets) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  const std::string log = file("job.log", ci_log(t));
  const std::string audit = dir / "audit.jsonl";
  Scan s = scan({"--broker", file("broker.yaml", oauth_hook(broker)), "--revoke", "--audit", audit, log}, env());
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  EXPECT_EQ(s.status_of(t.access_token), "revoked") << s.run.err;
  EXPECT_EQ(s.status_of(t.refresh_token), "revoked") << s.run.err;
  // The server agrees.
  for (const auto* token : {&t.access_token, &t.refresh_token}) {
    auto active = broker.active(*token);
    ASSERT_TRUE(active) << active.error().to_string();
    EXPECT_FALSE(active.value()) << fp(*token) << " is still active";
  }
  // The audit log: check, revoke and confirm for each distinct secret, and nothing secret.
  std::map<std::string, std::vector<std::string>> actions;  // fingerprint -> actions
  std::istringstream in(read_file(audit));
  std::string line;
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << "audit line is not JSON";
    for (const char* key : {"time", "hook", "action", "rule_id", "fingerprint", "outcome"}) {
      EXPECT_TRUE(doc.contains(key)) << key;
    }
    EXPECT_EQ(doc.value("hook", ""), "test-idp");
    actions[doc.value("fingerprint", "")].push_back(doc.value("action", "") + ":" + doc.value("outcome", ""));
  }
  const std::vector<std::string> expected = {"check:active", "revoke:revoked", "confirm:inactive"};
  EXPECT_EQ(actions[sha256_hex(t.access_token)], expected);
  EXPECT_EQ(actions[sha256_hex(t.refresh_token)], expected);
  EXPECT_EQ(actions.size(), 2u) << "each distinct secret is checked once";
  expect_no_secret(s, audit);
}

TEST_F(BrokerE2E, AnAlreadyRevokedTokenIsInactive) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  const std::string log = file("job.log", ci_log(t));
  const std::string hooks = file("broker.yaml", oauth_hook(broker));
  Scan first = scan({"--broker", hooks, "--revoke", log}, env());
  ASSERT_EQ(first.status_of(t.refresh_token), "revoked") << first.run.err;
  Scan again = scan({"--broker", hooks, log}, env());
  EXPECT_EQ(again.status_of(t.access_token), "inactive") << again.run.err;
  EXPECT_EQ(again.status_of(t.refresh_token), "inactive") << again.run.err;
  EXPECT_EQ(again.run.exit_code, 1) << "an inactive token is still a finding";
}

TEST_F(BrokerE2E, ExplicitEndpointsAndClientSecretFile) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  const std::string secret_file = file("scanner.secret", broker.scanner_secret() + "\n");
  const std::string hooks = file("broker.yaml",
                                 "hooks:\n  - name: explicit\n    type: oauth\n"
                                 "    introspection_endpoint: " + broker.issuer() + "/token/introspection\n"
                                 "    revocation_endpoint: " + broker.issuer() + "/token/revocation\n"
                                 "    client_id: tokensweep-scanner\n    client_secret_file: " + secret_file + "\n"
                                 "    match: {rules: ['generic.*']}\n");
  Scan s = scan({"--broker", hooks, file("job.log", ci_log(t))});
  EXPECT_EQ(s.status_of(t.access_token), "active") << s.run.err;
  expect_no_secret(s);
}

TEST_F(BrokerE2E, WrongClientSecretIsUnknownNeverInactive) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  Scan s = scan({"--broker", file("broker.yaml", oauth_hook(broker)), "--require-broker", file("job.log", ci_log(t))},
                {{"IDP_SCANNER_SECRET", "wrong-secret-0123456789"}});
  EXPECT_EQ(s.status_of(t.access_token), "unknown") << s.run.err;
  EXPECT_NE(s.run.err.find("credentials were refused"), std::string::npos) << s.run.err;
  EXPECT_EQ(s.run.exit_code, 2) << "--require-broker: an unverifiable token fails the gate";
}

TEST_F(BrokerE2E, ExpiredTokenIsInactive) {
  Broker short_lived({"--access-token-ttl", "1"});
  ASSERT_TRUE(short_lived.ready());
  const Tokens t = device_login(short_lived);
  ASSERT_FALSE(t.access_token.empty());
  std::this_thread::sleep_for(2100ms);
  Scan s = scan({"--broker", file("broker.yaml", oauth_hook(short_lived)), file("job.log", ci_log(t))},
                {{"IDP_SCANNER_SECRET", short_lived.scanner_secret()}});
  EXPECT_EQ(s.status_of(t.access_token), "inactive") << s.run.err;
  EXPECT_EQ(s.status_of(t.refresh_token), "active") << s.run.err;
}

TEST_F(BrokerE2E, HashOnlyWebhookChecksAndRevokesAndNeverSawASecret) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  const std::string log = file("job.log", ci_log(t));
  const std::string hooks = file("broker.yaml", webhook_hook(broker, false));
  const std::string audit = dir / "audit.jsonl";
  Scan check = scan({"--broker", hooks, log}, env());
  EXPECT_EQ(check.status_of(t.access_token), "active") << check.run.err;
  EXPECT_EQ(check.status_of(t.refresh_token), "active") << check.run.err;
  Scan revoke = scan({"--broker", hooks, "--revoke", "--audit", audit, log}, env());
  EXPECT_EQ(revoke.status_of(t.access_token), "revoked") << revoke.run.err;
  EXPECT_EQ(revoke.status_of(t.refresh_token), "revoked") << revoke.run.err;
  for (const auto* token : {&t.access_token, &t.refresh_token}) {
    auto active = broker.active(*token);
    ASSERT_TRUE(active);
    EXPECT_FALSE(active.value()) << fp(*token);
  }
  // What the hook received: fingerprints, never a secret.
  const auto received = hook_log();
  ASSERT_GE(received.size(), 4u);  // check; check, revoke, confirm
  std::set<std::string> actions;
  for (const auto& r : received) {
    ASSERT_TRUE(r.is_object());
    EXPECT_TRUE(r.value("authorized", false));
    const std::string body = r.value("body", "");
    EXPECT_TRUE(free_of(body, everything_issued())) << "the webhook received a secret";
    auto doc = nlohmann::json::parse(body, nullptr, false);
    ASSERT_TRUE(doc.is_object());
    actions.insert(doc.value("action", ""));
    for (const auto& f : doc["findings"]) {
      EXPECT_FALSE(f.contains("secret"));
      EXPECT_EQ(f.value("fingerprint", "").size(), 64u);
    }
  }
  EXPECT_EQ(actions, (std::set<std::string>{"check", "revoke"}));
  expect_no_secret(check);
  expect_no_secret(revoke, audit);
}

TEST_F(BrokerE2E, SendSecretTrueIsWhatPutsTheSecretInTheRequest) {
  // The positive control for the test above: the same recording does see a secret
  // when, and only when, the hook asks for it.
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  Scan s = scan({"--broker", file("broker.yaml", webhook_hook(broker, true)), file("job.log", ci_log(t))}, env());
  EXPECT_EQ(s.status_of(t.access_token), "active") << s.run.err;
  bool saw_secret = false;
  for (const auto& r : hook_log()) {
    auto doc = nlohmann::json::parse(r.value("body", ""), nullptr, false);
    for (const auto& f : doc["findings"]) saw_secret |= f.value("secret", "") == t.access_token;
  }
  EXPECT_TRUE(saw_secret) << "send_secret: true did not send " << fp(t.access_token);
  expect_no_secret(s);
}

TEST_F(BrokerE2E, AGithubTokenIsNeverSentToAHookThatDoesNotClaimGithub) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  const std::string gh = checksummed_token("gho_", 20260102);  // made up at test time, valid CRC32
  // An exec hook claims github and records what it was given; the webhook claims generic.
  const std::string record = dir / "exec-stdin.json";
  const std::string script = file("check-token.sh",
                                  "#!/bin/sh\ncat > '" + record + "'\n"
                                  "fp=$(sed -n 's/.*\"fingerprint\":\"\\([0-9a-f]*\\)\".*/\\1/p' '" + record + "')\n"
                                  "printf '{\"results\":[{\"fingerprint\":\"%s\",\"status\":\"active\"}]}' \"$fp\"\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  const std::string hooks = file("broker.yaml", webhook_hook(broker, false) +
                                                    "  - name: gh-script\n    type: exec\n"
                                                    "    command: [" + script + "]\n"
                                                    "    match: {providers: [github]}\n");
  const std::string log = file("job.log", ci_log(t) + "GITHUB_TOKEN=" + gh + "\n");
  Scan s = scan({"--broker", hooks, log}, env());
  const std::string gh_fp = sha256_hex(gh);
  for (const auto& r : hook_log()) {
    EXPECT_EQ(r.value("body", "").find(gh_fp), std::string::npos) << "the webhook was asked about the GitHub token";
    EXPECT_TRUE(free_of(r.value("body", ""), {gh}));
  }
  const std::string exec_saw = read_file(record);
  EXPECT_NE(exec_saw.find(gh_fp), std::string::npos) << "the exec hook that claims github was not asked";
  EXPECT_TRUE(free_of(exec_saw, {gh, t.access_token, t.refresh_token})) << "the exec hook received a secret";
  EXPECT_EQ(exec_saw.find(sha256_hex(t.access_token)), std::string::npos) << "the exec hook saw a generic token";
  EXPECT_EQ(s.status_of(gh), "active") << s.run.err;
  EXPECT_EQ(s.status_of(t.access_token), "active") << s.run.err;
}

TEST_F(BrokerE2E, UnclaimedFindingsStayUnchecked) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  Scan s = scan({"--broker", file("broker.yaml", webhook_hook(broker, false, "[okta]")), file("job.log", ci_log(t))},
                env());
  EXPECT_EQ(s.status_of(t.access_token), "unchecked") << s.run.err;
  EXPECT_TRUE(hook_log().empty()) << "the hook was called although it claims nothing here";
}

TEST_F(BrokerE2E, EachDistinctSecretIsCheckedOncePerRun) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  std::string many;
  for (int i = 0; i < 5; ++i) many += ci_log(t);
  file("a/job.log", many);
  file("b/job.log", many);
  Scan s = scan({"--broker", file("broker.yaml", webhook_hook(broker, false)), dir / "a", dir / "b"}, env());
  EXPECT_GE(s.findings.size(), 20u);
  std::map<std::string, int> asked;
  for (const auto& r : hook_log()) {
    auto doc = nlohmann::json::parse(r.value("body", ""), nullptr, false);
    for (const auto& f : doc["findings"]) ++asked[f.value("fingerprint", "")];
  }
  EXPECT_EQ(asked.size(), 2u);
  for (const auto& [fingerprint, n] : asked) EXPECT_EQ(n, 1) << fingerprint.substr(0, 12);
}

TEST_F(BrokerE2E, AfterRevokeTheLoginClientsNextRefreshSaysLogInAgain) {
  if (run({"/bin/keyctl", "show", "@u"}, ChildOptions{.env = base_env()}, 10s).exit_code != 0) {
    GTEST_SKIP() << "the kernel keyring is refused on this machine";
  }
  TempDir home;
  ChildOptions o;
  o.env = base_env();
  o.env["HOME"] = home.path();
  Child login({kLogin, "--allow-http-loopback", "login", "--issuer", broker.issuer(), "--client-id",
               "tokensweep-login", "--store", "keyring", "--allow-noninteractive"},
              o);
  ASSERT_TRUE(login.wait_for_err("enter the code ", 30s) && login.wait_for_err("\n", 5s));
  std::this_thread::sleep_for(100ms);
  login.wait_for_err("Waiting", 5s);
  ASSERT_TRUE(broker.approve(user_code_from(login.err())));
  ASSERT_EQ(login.wait(60s).value_or(-1), 0) << login.err();
  Tokens t;
  for (const auto& e : broker.ledger()) {
    if (e.kind == "access_token") t.access_token = e.value;
    if (e.kind == "refresh_token") t.refresh_token = e.value;
  }
  ASSERT_FALSE(t.refresh_token.empty());
  Scan s = scan({"--broker", file("broker.yaml", oauth_hook(broker)), "--revoke", file("job.log", ci_log(t))}, env());
  EXPECT_EQ(s.status_of(t.refresh_token), "revoked") << s.run.err;
  auto refresh = run({kLogin, "--allow-http-loopback", "refresh"}, o, 60s);
  EXPECT_NE(refresh.exit_code, 0);
  EXPECT_NE(refresh.err.find("login again"), std::string::npos) << refresh.err;
  EXPECT_TRUE(free_of(refresh.out + refresh.err, everything_issued()));
  run({kLogin, "--allow-http-loopback", "logout"}, o, 30s);
  run({"/bin/keyctl", "purge", "-p", "user", "tokensweep-login:tokensweep-login@" + broker.issuer()},
      ChildOptions{.env = base_env()}, 10s);
}

TEST_F(BrokerE2E, AScanWithoutBrokerMakesNoNetworkCall) {
  const Tokens t = device_login(broker);
  ASSERT_FALSE(t.access_token.empty());
  const std::string log = file("job.log", ci_log(t));
  const std::string trace = dir / "strace.txt";
  auto traced = run({"/usr/bin/strace", "-f", "-qq", "-e", "trace=socket,connect", "-o", trace, kScanner, "scan",
                     "--format", "jsonl", log},
                    ChildOptions{.env = scanner_env()}, 60s);
  if (traced.exit_code != 1) GTEST_SKIP() << "strace cannot trace here: " << traced.err.substr(0, 200);
  const std::string calls = read_file(trace);
  EXPECT_EQ(calls.find("AF_INET"), std::string::npos) << calls.substr(0, 2000);
  EXPECT_EQ(calls.find("connect("), std::string::npos) << calls.substr(0, 2000);
  // The positive control: with --broker the same trace shows the connection.
  auto with = run({"/usr/bin/strace", "-f", "-qq", "-e", "trace=connect", "-o", trace, kScanner, "scan", "--format",
                   "jsonl", "--broker", file("broker.yaml", webhook_hook(broker, false)), log},
                  [&] {
                    ChildOptions o{.env = scanner_env()};
                    o.env["IDP_SCANNER_SECRET"] = broker.scanner_secret();
                    return o;
                  }(),
                  60s);
  EXPECT_NE(read_file(trace).find("connect("), std::string::npos);
}

// Speed (issue #5): 1,000 distinct findings against a local hook finish in seconds.
// Each is one RFC 7662 request to the real oidc-provider (concurrency 8), or one
// batched request per 100 to the reference webhook. The figures go to stdout.
TEST_F(BrokerE2E, AThousandDistinctFindingsAreCheckedInSeconds) {
  std::string log;
  std::vector<std::string> tokens;
  for (int i = 0; i < 1000; ++i) {
    tokens.push_back(random_hex(24));
    log += "curl -H 'Authorization: Bearer " + tokens.back() + "' https://api.example.test/\n";
  }
  const std::string path = file("big.log", log);
  for (const auto& [name, hooks] : {std::pair<std::string, std::string>{"oauth", oauth_hook(broker)},
                                    {"webhook", webhook_hook(broker, false)}}) {
    const auto start = std::chrono::steady_clock::now();
    Scan s = scan({"--broker", file(name + ".yaml", hooks), "--verbose", path}, env());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(s.findings.size(), 1000u) << s.run.err;
    // Tokens the server never issued: introspection says inactive; the webhook, which
    // answers only for its own tokens, says unknown.
    const std::string expected = name == "oauth" ? "inactive" : "unknown";
    std::size_t as_expected = 0;
    for (const auto& f : s.findings) as_expected += f.status == expected;
    EXPECT_EQ(as_expected, 1000u) << name << "\n" << s.run.err.substr(0, 2000);
    EXPECT_LT(seconds, 30.0) << name;
    std::cout << "[ measure  ] 1000 distinct findings, " << name << " hook: " << seconds << " s for the whole scan\n";
    const auto at = s.run.err.find("tokensweep: broker:");
    if (at != std::string::npos) std::cout << "[ measure  ] " << s.run.err.substr(at, s.run.err.find('\n', at) - at) << "\n";
    RecordProperty(name + "_seconds", std::to_string(seconds));
  }
}

}  // namespace
}  // namespace tokensweep::testing
