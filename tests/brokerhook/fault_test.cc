// Faults are not verdicts: every way a hook can fail gives `unknown` with a diagnostic
// on stderr — never a crash, never `inactive` — against loopback servers (and
// commands) these tests control byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "brokerhook/support.h"
#include "common/sha256.h"

namespace tokensweep::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class BrokerFaults : public ::testing::Test {
 protected:
  BrokerFaults() : token_(random_hex(24)) { log_ = file("job.log", "curl -H 'Authorization: Bearer " + token_ + "' x\n"); }

  std::string file(const std::string& name, const std::string& text) const {
    write_file(dir_ / name, text);
    return dir_ / name;
  }
  std::string active_reply() const {
    return http_reply(200, R"({"results":[{"fingerprint":")" + sha256_hex(token_) + R"(","status":"active"}]})");
  }
  Scan scan_webhook(const std::string& url, const std::string& extra = "", std::vector<std::string> flags = {}) {
    const std::string hooks = file("broker.yaml", "hooks:\n  - name: fault\n    type: webhook\n    url: " + url +
                                                      "\n    timeout_ms: 1500\n" + extra +
                                                      "    match: {providers: [generic]}\n");
    flags.insert(flags.begin(), {"--broker", hooks});
    flags.push_back(log_);
    return scan(flags);
  }
  void expect_unknown(const Scan& s, const std::string& because) const {
    EXPECT_EQ(s.status_of(token_), "unknown") << s.run.err;
    EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
    EXPECT_NE(s.run.err.find("broker:fault"), std::string::npos) << s.run.err;
    EXPECT_NE(s.run.err.find(because), std::string::npos) << s.run.err;
    EXPECT_TRUE(free_of(s.run.out + s.run.err, {token_}));
  }

  TempDir dir_;
  std::string token_;
  std::string log_;
};

TEST_F(BrokerFaults, ConnectionRefusedIsUnknownAndRequireBrokerFails) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  expect_unknown(scan_webhook(url), "transport failure");
  Scan gated = scan_webhook(url, "", {"--require-broker"});
  EXPECT_EQ(gated.run.exit_code, 2) << gated.run.err;
}

TEST_F(BrokerFaults, AHangPastTheTimeoutIsUnknown) {
  FaultServer server({""});
  const auto start = Clock::now();
  Scan s = scan_webhook(server.url());
  expect_unknown(s, "transport failure");
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_EQ(server.requests(), 1) << "a timeout is not retried";
}

TEST_F(BrokerFaults, A429WithRetryAfterIsRetriedAfterThatLong) {
  FaultServer server({http_reply(429, "{}", "Retry-After: 1\r\n"), active_reply()});
  const auto start = Clock::now();
  Scan s = scan_webhook(server.url());
  EXPECT_GE(Clock::now() - start, 1s);
  EXPECT_EQ(s.status_of(token_), "active") << s.run.err;
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(BrokerFaults, A429WithARetryAfterBeyondTheCapIsUnknownAtOnce) {
  FaultServer server({http_reply(429, "{}", "Retry-After: 3600\r\n"), active_reply()});
  const auto start = Clock::now();
  expect_unknown(scan_webhook(server.url(), "    max_retry_after: 5\n"), "answered HTTP 429");
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(BrokerFaults, A503ThenSuccessIsTheSuccess) {
  FaultServer server({http_reply(503, "{}"), active_reply()});
  Scan s = scan_webhook(server.url());
  EXPECT_EQ(s.status_of(token_), "active") << s.run.err;
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(BrokerFaults, PersistentServerErrorsAreUnknownAfterTheLastAttempt) {
  FaultServer server({http_reply(500, "{}")});
  expect_unknown(scan_webhook(server.url(), "    max_attempts: 2\n"), "answered HTTP 500 after 2 attempts");
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(BrokerFaults, ARedirectToAnotherHostIsNotFollowed) {
  FaultServer server({http_reply(307, "", "Location: https://elsewhere.example/hook\r\n")});
  expect_unknown(scan_webhook(server.url()), "redirect to elsewhere.example, not followed");
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(BrokerFaults, GarbageIsUnknown) {
  for (const std::string body : {"<html>oops</html>", "{\"results\":[{\"fingerprint\":1}]}", ""}) {
    FaultServer server({http_reply(200, body)});
    Scan s = scan_webhook(server.url());
    EXPECT_EQ(s.status_of(token_), "unknown") << body << "\n" << s.run.err;
  }
}

TEST_F(BrokerFaults, PlainHttpToANonLoopbackHostIsRefusedBeforeConnecting) {
  expect_unknown(scan_webhook("http://192.0.2.10/hook"), "invalid_argument");
}

TEST_F(BrokerFaults, ASelfSignedCertificateIsUnknownUntilTrusted) {
  const std::string key = dir_ / "key.pem", cert = dir_ / "cert.pem";
  auto made = run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                   "subjectAltName=IP:127.0.0.1"},
                  ChildOptions{.env = base_env()}, 60s);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const int port = closed_port();
  Child server({"/usr/bin/openssl", "s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(port), "-cert", cert,
                "-key", key, "-www"},
               ChildOptions{.env = base_env(), .keep_stdin = true});
  std::this_thread::sleep_for(300ms);
  // An oauth hook, so that the first request is discovery's GET, which s_server -www answers.
  auto hooks = [&](const std::string& extra) {
    return file("broker.yaml", "hooks:\n  - name: fault\n    type: oauth\n    issuer: https://127.0.0.1:" +
                                   std::to_string(port) + "\n    client_id: c\n    client_secret_env: S\n" + extra +
                                   "    timeout: 3\n    match: {providers: [generic]}\n");
  };
  Scan s = scan({"--broker", hooks(""), log_}, {{"S", "not-a-real-secret-0000"}});
  expect_unknown(s, "transport failure");
  EXPECT_NE(s.run.err.find("certificate"), std::string::npos) << s.run.err;
  // The control: trusting that certificate gets past TLS, to an answer that is not
  // OAuth metadata (so still unknown, but no longer because of the certificate).
  Scan trusted = scan({"--broker", hooks("    ca_file: " + cert + "\n"), log_}, {{"S", "not-a-real-secret-0000"}});
  EXPECT_EQ(trusted.status_of(token_), "unknown");
  EXPECT_EQ(trusted.run.err.find("certificate"), std::string::npos) << trusted.run.err;
  EXPECT_NE(trusted.run.err.find("metadata is not a JSON object"), std::string::npos) << trusted.run.err;
  server.signal(SIGTERM);
  server.wait(5s);
}

TEST_F(BrokerFaults, ADownIssuerIsUnknown) {
  const std::string hooks = file("broker.yaml", "hooks:\n  - name: fault\n    type: oauth\n    issuer: http://127.0.0.1:" +
                                                    std::to_string(closed_port()) +
                                                    "\n    client_id: c\n    client_secret_env: S\n"
                                                    "    match: {providers: [generic]}\n");
  Scan s = scan({"--broker", hooks, log_}, {{"S", "not-a-real-secret-0000"}});
  expect_unknown(s, "discovery failed");
}

TEST_F(BrokerFaults, AMissingClientSecretVariableIsAUsageError) {
  const std::string hooks = file("broker.yaml", "hooks:\n  - name: fault\n    type: oauth\n    issuer: http://127.0.0.1:1"
                                                "\n    client_id: c\n    client_secret_env: TS_UNSET_SECRET\n"
                                                "    match: {providers: [generic]}\n");
  Scan s = scan({"--broker", hooks, log_});
  EXPECT_EQ(s.run.exit_code, 2);
  EXPECT_NE(s.run.err.find("TS_UNSET_SECRET"), std::string::npos) << s.run.err;
  EXPECT_TRUE(s.run.out.empty());
}

TEST_F(BrokerFaults, AnInlineClientSecretIsAUsageErrorNamingFileAndLine) {
  const std::string hooks = file("broker.yaml", "hooks:\n  - name: idp\n    type: oauth\n    issuer: https://i.example\n"
                                                "    client_id: c\n    client_secret: inline-not-real-0000\n"
                                                "    match: {providers: [generic]}\n");
  Scan s = scan({"--broker", hooks, log_});
  EXPECT_EQ(s.run.exit_code, 2);
  EXPECT_NE(s.run.err.find(hooks + ":6"), std::string::npos) << s.run.err;
  EXPECT_EQ(s.run.err.find("inline-not-real-0000"), std::string::npos);
}

TEST_F(BrokerFaults, ExecHookFailuresAreUnknown) {
  struct Case {
    const char* script;
    const char* because;
  };
  for (const Case& c : {Case{"exit 3", "exited with status 3"}, Case{"sleep 30", "timed out"},
                        Case{"echo not json", "not {\"results\""}, Case{"kill -SEGV $$", "killed by signal"},
                        Case{"exec 0<&-; echo '{\"results\":[]}'", "no result"}}) {
    const std::string script = file("hook.sh", std::string("#!/bin/sh\n") + c.script + "\n");
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    const std::string hooks = file("broker.yaml", "hooks:\n  - name: fault\n    type: exec\n    command: [" + script +
                                                      "]\n    timeout: 1\n    match: {providers: [generic]}\n");
    Scan s = scan({"--broker", hooks, log_});
    expect_unknown(s, c.because);
  }
}

TEST_F(BrokerFaults, ARevocationTheHookRefusesLeavesTheTokenActive) {
  FaultServer server({active_reply(), http_reply(403, "{}")});
  Scan s = scan_webhook(server.url(), "    max_attempts: 1\n", {"--revoke"});
  EXPECT_EQ(s.status_of(token_), "active") << s.run.err;
  EXPECT_NE(s.run.err.find("revocation failed"), std::string::npos) << s.run.err;
}

TEST_F(BrokerFaults, FlagsThatNeedBrokerAreUsageErrorsWithoutIt) {
  for (const char* flag : {"--revoke", "--require-broker"}) {
    Scan s = scan({flag, log_});
    EXPECT_EQ(s.run.exit_code, 2) << flag;
  }
}

}  // namespace
}  // namespace tokensweep::testing
