// The tokensweep-login executable, run as a user would run it, against the real
// authorization server, the real kernel keyring and a real Secret Service.
#include <gtest/gtest.h>
#include <signal.h>

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

// One user: a HOME of their own, the client binary, and the server it logs in to.
class User {
 public:
  explicit User(const Broker& broker) : broker_(broker) {
    env_ = base_env();
    env_["HOME"] = home();
  }
  ~User() {
    // Whatever a failing test left in the kernel keyring for this server goes.
    ChildOptions o;
    o.env = base_env();
    run({"/bin/keyctl", "purge", "-p", "user", "tokensweep-login:tokensweep-login@" + broker_.issuer()}, o, 10s);
  }
  std::string home() const { return dir_ / "home"; }
  Env& env() { return env_; }

  std::vector<std::string> argv(std::vector<std::string> args) const {
    // Global flags go before the subcommand: after `exec --` they would be the child's.
    args.insert(args.begin(), {kLogin, "--allow-http-loopback"});
    return args;
  }
  RunResult run_cli(std::vector<std::string> args, std::chrono::seconds timeout = 60s) {
    ChildOptions o;
    o.env = env_;
    return run(argv(std::move(args)), o, timeout);
  }
  std::vector<std::string> login_args(const std::string& store = "keyring") const {
    return {"login", "--issuer", broker_.issuer(), "--client-id", "tokensweep-login", "--store", store,
            "--allow-noninteractive"};
  }
  // Runs login in the background, approves the code it shows, and waits for it.
  RunResult login(Broker& broker, const std::string& store = "keyring", bool deny = false) {
    ChildOptions o;
    o.env = env_;
    Child child(argv(login_args(store)), o);
    RunResult r;
    if (child.wait_for_err("enter the code ", 30s) && child.wait_for_err("\n", 5s)) {
      std::this_thread::sleep_for(100ms);
      child.wait_for_err("Waiting", 5s);
      broker.approve(user_code_from(child.err()), deny);
    }
    auto code = child.wait(60s);
    r.exit_code = code.value_or(-1);
    r.out = child.out();
    r.err = child.err();
    return r;
  }

 private:
  const Broker& broker_;
  TempDir dir_;
  Env env_;
};

std::string tokens_of(const std::vector<LedgerEntry>& ledger, const std::string& kind, std::size_t index) {
  std::size_t seen = 0;
  for (const auto& e : ledger) {
    if (e.kind == kind && seen++ == index) return e.value;
  }
  return {};
}

std::size_t count_kind(const std::vector<LedgerEntry>& ledger, const std::string& kind) {
  std::size_t n = 0;
  for (const auto& e : ledger) n += e.kind == kind;
  return n;
}

bool keyring_has(const std::string& issuer, const std::string& item) {
  ChildOptions o;
  o.env = base_env();
  return run({"/bin/keyctl", "search", "@u", "user", "tokensweep-login:tokensweep-login@" + issuer + ":" + item},
             o, 10s)
             .exit_code == 0;
}

// 1 active, 0 inactive, -1 introspection failed.
int is_active(const Broker& broker, const std::string& token) {
  auto r = broker.active(token);
  return r ? (r.value() ? 1 : 0) : -1;
}

bool keyring_usable() {
  ChildOptions o;
  o.env = base_env();
  return run({"/bin/keyctl", "show", "@u"}, o, 10s).exit_code == 0;
}

#define REQUIRE_BROKER(b) ASSERT_TRUE((b).ready()) << (b).diagnostics()
#define REQUIRE_KEYRING() \
  if (!keyring_usable()) GTEST_SKIP() << "the kernel keyring is refused on this machine (keyctl show @u failed)"

TEST(LoginCli, RefusesADeviceLoginWithoutATerminal) {
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  auto args = user.login_args();
  args.pop_back();  // no --allow-noninteractive
  auto r = user.run_cli(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a terminal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-noninteractive"), std::string::npos) << r.err;
  EXPECT_EQ(broker.device_authorized_at_ms(), 0) << "a device authorization was started anyway";
}

TEST(LoginCli, RefusesADeviceLoginWhenCiIsSetEvenOnATerminal) {
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  auto args = user.login_args();
  args.pop_back();
  ChildOptions o;
  o.env = user.env();
  o.env["CI"] = "true";
  o.pty = true;
  Child child(user.argv(args), o);
  auto code = child.wait(30s);
  EXPECT_EQ(code.value_or(-1), 2);
  EXPECT_NE(child.out().find("CI is set"), std::string::npos) << child.out();
  EXPECT_EQ(broker.device_authorized_at_ms(), 0);
}

TEST(LoginCli, OnATerminalShowsTheCodeAndTheUriAndNothingSecret) {
  REQUIRE_KEYRING();
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  auto args = user.login_args();
  args.pop_back();  // interactive: a real pseudo-terminal, CI unset
  ChildOptions o;
  o.env = user.env();
  o.pty = true;
  Child child(user.argv(args), o);
  ASSERT_TRUE(child.wait_for_out("Waiting for approval", 30s)) << child.out();
  const std::string code = user_code_from(child.out());
  ASSERT_TRUE(broker.approve(code));
  ASSERT_EQ(child.wait(30s).value_or(-1), 0) << child.out();
  EXPECT_NE(child.out().find(broker.issuer() + "/device"), std::string::npos);
  EXPECT_NE(child.out().find("Logged in"), std::string::npos);
  EXPECT_TRUE(NoLedgerValueIn("the terminal", child.out(), broker.ledger()));
  EXPECT_EQ(user.run_cli({"logout"}).exit_code, 0);
}

TEST(LoginCli, RequiresHttpsUnlessLoopbackHttpIsAllowed) {
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  ChildOptions o;
  o.env = user.env();
  std::vector<std::string> args = {kLogin};
  for (const auto& a : user.login_args()) args.push_back(a);
  auto r = run(args, o, 30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("https"), std::string::npos) << r.err;
  EXPECT_EQ(broker.device_authorized_at_ms(), 0);
}

TEST(LoginCli, DeniedAndExpiredLoginsFailWithAClearMessage) {
  Broker broker({"--device-code-ttl", "2", "--advertise-expires-in", "30"});
  REQUIRE_BROKER(broker);
  User user(broker);
  auto r = user.run_cli(user.login_args());  // nobody approves: the code expires
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;

  Broker other;
  REQUIRE_BROKER(other);
  User second(other);
  auto denied = second.login(other, "keyring", /*deny=*/true);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("denied"), std::string::npos) << denied.err;
}

TEST(LoginCli, KernelKeyringLifecycleLoginStatusExecRefreshLogout) {
  REQUIRE_KEYRING();
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  auto login = user.login(broker, "keyring");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_NE(login.err.find("kernel user keyring"), std::string::npos) << login.err;
  EXPECT_TRUE(keyring_has(broker.issuer(), "refresh_token"));
  const std::string first_access = tokens_of(broker.ledger(), "access_token", 0);
  const std::string first_refresh = tokens_of(broker.ledger(), "refresh_token", 0);

  // status: identity, scopes and expiry; never a token.
  auto status = user.run_cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("account: alice (Test User alice)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("scopes: openid profile offline_access"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("access token expires: "), std::string::npos);
  EXPECT_NE(status.out.find("refresh token: present"), std::string::npos);
  EXPECT_TRUE(NoLedgerValueIn("status output", status.out + status.err, broker.ledger()));

  // exec: the child, and only the child, gets the token, in its environment.
  const std::string seen = user.home() + "/seen";
  auto exec = user.run_cli({"exec", "--", "/bin/sh", "-c", "printf %s \"$ACCESS_TOKEN\" | sha256sum > " + seen});
  EXPECT_EQ(exec.exit_code, 0) << exec.err;
  EXPECT_EQ(read_file(seen).substr(0, 64), sha256_hex(first_access)) << "the child did not get the issued access token";
  EXPECT_TRUE(NoLedgerValueIn("exec output", exec.out + exec.err, broker.ledger()));

  auto named = user.run_cli({"exec", "--env", "MY_TOKEN", "--", "/bin/sh", "-c",
                             "test -n \"$MY_TOKEN\" && test -z \"$ACCESS_TOKEN\""});
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(user.run_cli({"exec", "--", "/bin/sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(user.run_cli({"exec", "--", "/nonexistent/command"}).exit_code, 127);

  // refresh: a rotated refresh token; the old one is dead at the server.
  auto refresh = user.run_cli({"refresh"});
  EXPECT_EQ(refresh.exit_code, 0) << refresh.err;
  auto ledger = broker.ledger();
  ASSERT_EQ(count_kind(ledger, "refresh_token"), 2u);
  const std::string second_refresh = tokens_of(ledger, "refresh_token", 1);
  EXPECT_EQ(is_active(broker, first_refresh), 0);
  EXPECT_EQ(is_active(broker, second_refresh), 1);

  // exec after refresh uses the new access token.
  ASSERT_EQ(user.run_cli({"exec", "--", "/bin/sh", "-c", "printf %s \"$ACCESS_TOKEN\" | sha256sum > " + seen}).exit_code, 0);
  EXPECT_EQ(read_file(seen).substr(0, 64), sha256_hex(tokens_of(ledger, "access_token", 1)));

  // logout: revoked at the server and gone locally.
  auto logout = user.run_cli({"logout"});
  EXPECT_EQ(logout.exit_code, 0) << logout.out << logout.err;
  EXPECT_NE(logout.out.find("refresh token: revoked at the server; deleted from"), std::string::npos) << logout.out;
  EXPECT_NE(logout.out.find("access token: revoked at the server; deleted from"), std::string::npos) << logout.out;
  for (const auto& e : broker.ledger()) {
    if (e.kind == "access_token" || e.kind == "refresh_token") {
      EXPECT_EQ(is_active(broker, e.value), 0) << e.fingerprint() << " still active";
    }
  }
  EXPECT_FALSE(keyring_has(broker.issuer(), "refresh_token"));
  EXPECT_FALSE(keyring_has(broker.issuer(), "access_token"));
  auto after = user.run_cli({"status"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_EQ(user.run_cli({"exec", "--", "/bin/true"}).exit_code, 1);
}

TEST(LoginCli, WhileExecRunsTheTokenIsOnlyInTheChildsEnvironmentAndCoreDumpsAreOff) {
  REQUIRE_KEYRING();
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  ASSERT_EQ(user.login(broker).exit_code, 0);
  const std::string pidfile = user.home() + "/child.pid";
  ChildOptions o;
  o.env = user.env();
  Child exec(user.argv({"exec", "--", "/bin/sh", "-c", "echo $$ > " + pidfile + "; sleep 3", "child-arg"}), o);
  for (int i = 0; i < 100 && read_file(pidfile).empty(); ++i) std::this_thread::sleep_for(50ms);
  const std::string child_pid = read_file(pidfile).substr(0, read_file(pidfile).find('\n'));
  ASSERT_FALSE(child_pid.empty()) << exec.err();
  const std::string parent = "/proc/" + std::to_string(exec.pid());
  const std::string child = "/proc/" + child_pid;
  const std::string access = tokens_of(broker.ledger(), "access_token", 0);

  EXPECT_TRUE(ContainsSecret("the child's environment", read_file(child + "/environ"), access));
  EXPECT_TRUE(NoLedgerValueIn("the child's argv", read_file(child + "/cmdline"), broker.ledger()));
  EXPECT_TRUE(NoLedgerValueIn("tokensweep-login's environment", read_file(parent + "/environ"), broker.ledger()));
  EXPECT_TRUE(NoLedgerValueIn("tokensweep-login's argv", read_file(parent + "/cmdline"), broker.ledger()));
  // RLIMIT_CORE is 0 in the client (and so in the child it starts).
  const std::string limits = read_file(parent + "/limits");
  auto core = limits.find("Max core file size");
  ASSERT_NE(core, std::string::npos);
  std::istringstream fields(limits.substr(core + std::string("Max core file size").size()));
  std::string soft, hard;
  fields >> soft >> hard;
  EXPECT_EQ(soft, "0");
  EXPECT_EQ(hard, "0");
  EXPECT_EQ(exec.wait(30s).value_or(-1), 0) << exec.err();
  EXPECT_EQ(user.run_cli({"logout"}).exit_code, 0);
}

TEST(LoginCli, LogoutDeletesLocallyEvenWhenRevocationFailsAndSaysSo) {
  REQUIRE_KEYRING();
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  ASSERT_EQ(user.login(broker).exit_code, 0);
  ASSERT_TRUE(keyring_has(broker.issuer(), "refresh_token"));
  const std::string issuer = broker.issuer();
  broker.stop();  // the server is gone: revocation cannot happen
  auto logout = user.run_cli({"logout"});
  EXPECT_EQ(logout.exit_code, 1);
  EXPECT_NE(logout.out.find("refresh token: NOT revoked"), std::string::npos) << logout.out;
  EXPECT_NE(logout.out.find("deleted from kernel user keyring"), std::string::npos) << logout.out;
  EXPECT_FALSE(keyring_has(issuer, "refresh_token"));
  EXPECT_FALSE(keyring_has(issuer, "access_token"));
}

TEST(LoginCli, MemoryOnlyStorageSaysSoAndKeepsNothing) {
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  auto login = user.login(broker, "memory");
  EXPECT_EQ(login.exit_code, 0) << login.err;
  EXPECT_NE(login.err.find("memory only"), std::string::npos) << login.err;
  EXPECT_FALSE(keyring_has(broker.issuer(), "refresh_token"));
  auto status = user.run_cli({"status"});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.out.find("refresh token: not found"), std::string::npos) << status.out;
  for (const auto& f : files_under(user.home())) {
    EXPECT_TRUE(NoLedgerValueIn(f, read_file(f), broker.ledger()));
  }
}

TEST(LoginCli, ConcurrentExecsRefreshOnceEachWithoutTrippingReuseDetection) {
  REQUIRE_KEYRING();
  // Access tokens live 30 s, inside the client's 60 s refresh margin: every exec
  // refreshes, and each must spend the refresh token the previous one saved.
  Broker broker({"--access-token-ttl", "30"});
  REQUIRE_BROKER(broker);
  User user(broker);
  ASSERT_EQ(user.login(broker).exit_code, 0);
  ChildOptions o;
  o.env = user.env();
  std::vector<std::unique_ptr<Child>> execs;
  for (int i = 0; i < 3; ++i) {
    execs.push_back(std::make_unique<Child>(
        user.argv({"exec", "--", "/bin/sh", "-c", "test -n \"$ACCESS_TOKEN\""}), o));
  }
  for (auto& c : execs) EXPECT_EQ(c->wait(60s).value_or(-1), 0) << c->err();
  EXPECT_TRUE(broker.token_errors().empty()) << "the server saw a refresh token reused";
  EXPECT_EQ(count_kind(broker.ledger(), "refresh_token"), 4u);  // login + three rotations
  EXPECT_EQ(user.run_cli({"refresh"}).exit_code, 0) << "the grant was revoked";
  EXPECT_EQ(user.run_cli({"logout"}).exit_code, 0);
}

TEST(LoginCli, SecretServiceIsPreferredAndALockedKeyringIsSaidToBeLocked) {
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  SecretServiceSession session(user.home());
  ASSERT_TRUE(session.ready()) << session.diagnostics();
  user.env()["DBUS_SESSION_BUS_ADDRESS"] = session.bus_address();
  auto login = user.login(broker, "auto");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_NE(login.err.find("Tokens are stored in Secret Service"), std::string::npos) << login.err;
  EXPECT_FALSE(keyring_has(broker.issuer(), "refresh_token")) << "it went to the kernel keyring instead";
  auto status = user.run_cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("storage: Secret Service"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("refresh token: present"), std::string::npos) << status.out;

  ASSERT_TRUE(session.lock_all());
  auto locked = user.run_cli({"exec", "--", "/bin/true"});
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_NE(locked.err.find("locked"), std::string::npos) << locked.err;
}

TEST(LoginCli, AnExplicitSecretServiceWithoutADaemonFailsClosed) {
  Broker broker;
  REQUIRE_BROKER(broker);
  User user(broker);
  auto r = user.run_cli(user.login_args("secret-service"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no daemon"), std::string::npos) << r.err;
  EXPECT_EQ(broker.device_authorized_at_ms(), 0);
}

}  // namespace
}  // namespace tokensweep::testing
