// The proof: the scanner verifies the client. One full session — login, status, exec,
// refresh, exec, logout, all with --debug, tokens in a real Secret Service — with HOME,
// config and log directories in a temporary folder. Then:
//   (a) every token the server issued (its ledger) is searched for, raw and in its
//       percent-encoded, base64 and JSON-escaped forms, in every stdout and stderr, the
//       debug log, every file under HOME, and the exec child's argv: none may appear;
//   (b) `tokensweep scan` over the same outputs reports no token;
//   (c) a positive control: one ledger token written into a fake CI log in the usual
//       leak shapes must be reported, proving (b) can fail;
//   (d) after logout, introspection at the server says every token is inactive.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/sha256.h"
#include "login/support/broker.h"
#include "login/support/process.h"
#include "login/support/secret_assert.h"
#include "login/support/secret_service.h"

namespace tokensweep::testing {
namespace {

using namespace std::chrono_literals;

const std::string kLogin = TOKENSWEEP_BINARY_DIR "/src/login/tokensweep-login";
const std::string kScanner = TOKENSWEEP_BINARY_DIR "/scanner/tokensweep";

struct Step {
  std::string name;
  int exit_code = -1;
};

// Everything the session produced, shared by the tests below.
struct Session {
  Session() : broker(), keyring(root / "home") {
    if (!broker.ready() || !keyring.ready()) return;
    env = base_env();
    env["HOME"] = root / "home";
    env["XDG_CONFIG_HOME"] = root / "config";
    env["XDG_STATE_HOME"] = root / "state";
    env["DBUS_SESSION_BUS_ADDRESS"] = keyring.bus_address();
    std::filesystem::create_directories(root / "outputs");

    run_step("login", {"login", "--issuer", broker.issuer(), "--client-id", "tokensweep-login",
                       "--allow-noninteractive"}, /*approve=*/true);
    run_step("status", {"status"});
    run_step("exec", {"exec", "--", "/bin/sh", "-c",
                      "printf '%s\\n' \"$0\" \"$@\" > " + (root / "outputs/exec-child-argv.txt") +
                          "; test -n \"$ACCESS_TOKEN\"",
                      "child-argv-0", "child-argv-1"});
    run_step("refresh", {"refresh"});
    run_step("exec-after-refresh", {"exec", "--", "/bin/sh", "-c", "test -n \"$ACCESS_TOKEN\""});
    run_step("logout", {"logout"});
    ledger = broker.ledger();
  }

  void run_step(const std::string& name, std::vector<std::string> args, bool approve = false) {
    args.insert(args.begin(), {kLogin, "--debug", "--allow-http-loopback"});
    ChildOptions o;
    o.env = env;
    Child child(args, o);
    if (approve && child.wait_for_err("Waiting for approval", 30s)) {
      user_code = user_code_from(child.err());
      broker.approve(user_code);
    }
    Step step{name, child.wait(60s).value_or(-1)};
    const std::string prefix = root / ("outputs/" + std::to_string(steps.size()) + "-" + name);
    write_file(prefix + ".stdout", child.out());
    write_file(prefix + ".stderr", child.err());
    steps.push_back(step);
  }

  std::string debug_log() const { return root / "state/tokensweep-login/debug.log"; }

  // Every place (a) searches: each file under outputs/, HOME, config and state.
  std::vector<std::string> searched_files() const {
    std::vector<std::string> files;
    for (const char* dir : {"outputs", "home", "config", "state"}) {
      auto more = files_under(root / dir);
      files.insert(files.end(), more.begin(), more.end());
    }
    return files;
  }

  TempDir root;
  Broker broker;
  SecretServiceSession keyring;
  Env env;
  std::vector<Step> steps;
  std::vector<LedgerEntry> ledger;
  std::string user_code;
};

class Proof : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { session_ = new Session(); }
  static void TearDownTestSuite() {
    delete session_;
    session_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(session_->broker.ready()) << session_->broker.diagnostics();
    ASSERT_TRUE(session_->keyring.ready()) << session_->keyring.diagnostics();
  }
  static Session* session_;
};
Session* Proof::session_ = nullptr;

std::size_t count_kind(const std::vector<LedgerEntry>& ledger, const std::string& kind) {
  std::size_t n = 0;
  for (const auto& e : ledger) n += e.kind == kind;
  return n;
}

TEST_F(Proof, EveryCommandSucceededAndTheServerIssuedEveryKindOfToken) {
  for (const auto& step : session_->steps) EXPECT_EQ(step.exit_code, 0) << step.name;
  const auto& ledger = session_->ledger;
  EXPECT_EQ(count_kind(ledger, "device_code"), 1u);
  EXPECT_EQ(count_kind(ledger, "access_token"), 2u);
  EXPECT_EQ(count_kind(ledger, "refresh_token"), 2u);
  EXPECT_EQ(count_kind(ledger, "id_token"), 2u);
  // The tokens lived in the Secret Service, not the kernel keyring or a file.
  EXPECT_NE(read_file(session_->root / "outputs/0-login.stderr").find("Secret Service"), std::string::npos);
}

TEST_F(Proof, NoIssuedTokenAppearsInAnyOutputFileOrArgvInAnyEncoding) {
  auto files = session_->searched_files();
  bool saw_debug_log = false, saw_argv = false, saw_config = false, saw_keyring = false;
  for (const auto& f : files) {
    saw_debug_log |= f == session_->debug_log();
    saw_argv |= f.ends_with("exec-child-argv.txt");
    saw_config |= f.ends_with("tokensweep-login/config.json");
    saw_keyring |= f.find("/keyrings/") != std::string::npos;
    EXPECT_TRUE(NoLedgerValueIn(f, read_file(f), session_->ledger));
  }
  // The search covered what it claims to cover.
  EXPECT_TRUE(saw_debug_log);
  EXPECT_TRUE(saw_argv);
  EXPECT_TRUE(saw_config);
  EXPECT_TRUE(saw_keyring) << "no gnome-keyring file under HOME";
  EXPECT_EQ(read_file(session_->root / "outputs/exec-child-argv.txt"), "child-argv-0\nchild-argv-1\n");
  // The debug log really logged the exchanges, with the tokens replaced.
  const std::string log = read_file(session_->debug_log());
  EXPECT_NE(log.find("grant_type=refresh_token"), std::string::npos);
  EXPECT_NE(log.find("\"access_token\":\"[REDACTED sha256:"), std::string::npos);
  EXPECT_NE(log.find("refresh_token=[REDACTED sha256:"), std::string::npos);
}

TEST_F(Proof, AfterLogoutTheServerSaysEveryTokenIsInactive) {
  std::size_t checked = 0;
  for (const auto& e : session_->ledger) {
    if (e.kind != "access_token" && e.kind != "refresh_token") continue;
    auto active = session_->broker.active(e.value);
    ASSERT_TRUE(active) << active.error().to_string();
    EXPECT_FALSE(active.value()) << e.fingerprint() << " is still active after logout";
    ++checked;
  }
  EXPECT_EQ(checked, 4u);
  const std::string logout = read_file(session_->root / "outputs/5-logout.stdout");
  EXPECT_NE(logout.find("refresh token: revoked at the server; deleted from Secret Service"), std::string::npos)
      << logout;
}

#ifdef TOKENSWEEP_LOGIN_TESTS_HAVE_SCANNER
#define SCANNER_MISSING() FAIL() << "the scanner is part of this build but missing at " << kScanner
#else
#define SCANNER_MISSING() GTEST_SKIP() << "the scanner is not part of this build (" << kScanner << ")"
#endif

struct Finding {
  std::string rule_id, kind, path, fingerprint;
  long line = 0;
};

// Runs the scanner; nullopt when it is not built (another engineer's target).
std::optional<std::pair<int, std::vector<Finding>>> scan(const std::vector<std::string>& paths, std::string* err) {
  if (access(kScanner.c_str(), X_OK) != 0) return std::nullopt;
  std::vector<std::string> argv = {kScanner, "scan", "--format", "jsonl"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  ChildOptions o;
  o.env = base_env();
  auto r = run(argv, o, 120s);
  *err = r.err;
  std::vector<Finding> findings;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line, nullptr, false);
    if (!doc.is_object()) continue;
    findings.push_back({doc.value("rule_id", ""), doc.value("kind", ""), doc.value("path", ""),
                        doc.value("fingerprint", ""), doc.value("line", 0L)});
  }
  return std::make_pair(r.exit_code, findings);
}

TEST_F(Proof, TheScannerFindsNoTokenInTheClientsOutputs) {
  std::string err;
  auto result = scan({session_->root / "outputs", session_->root / "home", session_->root / "config",
                      session_->root / "state"},
                     &err);
  if (!result) SCANNER_MISSING();
  auto [exit_code, findings] = *result;
  // The one thing the client must show is the user code, on the terminal (here: the
  // login's stderr), during the login. The scanner rightly knows user codes; that
  // finding, and only it, is expected, and it is not a token from the ledger.
  const std::string shown = sha256_hex(session_->user_code);
  std::size_t expected = 0;
  for (const auto& f : findings) {
    const bool by_design = f.kind == "user_code" && f.fingerprint == shown && f.path.ends_with("0-login.stderr");
    if (by_design) {
      ++expected;
      continue;
    }
    ADD_FAILURE() << "scanner finding " << f.rule_id << " (" << f.kind << ") at " << f.path << ":" << f.line
                  << " sha256:" << f.fingerprint.substr(0, 12);
  }
  EXPECT_EQ(exit_code, expected == 0 ? 0 : 1) << err;
  for (const auto& entry : session_->ledger) {
    for (const auto& f : findings) EXPECT_NE(f.fingerprint, sha256_hex(entry.value)) << entry.fingerprint();
  }
}

TEST_F(Proof, PositiveControlTheScannerReportsALedgerTokenPlantedInACiLog) {
  std::string access, refresh;
  for (const auto& e : session_->ledger) {
    if (e.kind == "access_token" && access.empty()) access = e.value;
    if (e.kind == "refresh_token" && refresh.empty()) refresh = e.value;
  }
  ASSERT_FALSE(access.empty());
  const std::string ci_log = session_->root / "ci/job-1234.log";
  write_file(ci_log,
             "2026-01-02T03:04:05Z ##[group]Run ./deploy.sh\n"
             "+ curl -sS -H 'Authorization: Bearer " + access + "' https://api.example.test/v1/me\n"
             "2026-01-02T03:04:06Z token endpoint said: {\"access_token\":\"" + access +
             "\",\"token_type\":\"Bearer\",\"expires_in\":600,\"refresh_token\":\"" + refresh + "\"}\n");
  std::string err;
  auto result = scan({ci_log}, &err);
  if (!result) SCANNER_MISSING();
  auto [exit_code, findings] = *result;
  EXPECT_EQ(exit_code, 1) << err;
  bool found_access = false, found_refresh = false;
  for (const auto& f : findings) {
    found_access |= f.fingerprint == sha256_hex(access);
    found_refresh |= f.fingerprint == sha256_hex(refresh);
  }
  EXPECT_TRUE(found_access) << "the planted access token " << fp(access) << " was not reported";
  EXPECT_TRUE(found_refresh) << "the planted refresh token " << fp(refresh) << " was not reported";
}

}  // namespace
}  // namespace tokensweep::testing
