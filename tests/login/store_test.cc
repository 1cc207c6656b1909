// The three stores, against the real things: gnome-keyring's Secret Service on a
// private D-Bus session, and this machine's kernel keyring.
#include <gtest/gtest.h>
#include <keyutils.h>
#include <signal.h>
#include <stdlib.h>

#include <thread>

#include "login/store.h"
#include "login/support/process.h"
#include "login/support/secret_assert.h"
#include "login/support/secret_service.h"

namespace tokensweep::login {
namespace {

using namespace std::chrono_literals;

// Each test gets its own profile, so items never collide across tests or runs.
Profile unique_profile() {
  return Profile{"https://issuer-" + testing::random_hex(6) + ".test", "tokensweep-login"};
}

std::string made_up_token() { return "test-token-" + testing::random_hex(24); }

// Runs a block with DBUS_SESSION_BUS_ADDRESS (and nothing else) changed, then restores it.
class ScopedBus {
 public:
  explicit ScopedBus(const char* address) {
    const char* old = getenv("DBUS_SESSION_BUS_ADDRESS");
    if (old) old_ = old;
    had_ = old != nullptr;
    const char* runtime = getenv("XDG_RUNTIME_DIR");
    if (runtime) runtime_ = runtime;
    had_runtime_ = runtime != nullptr;
    unsetenv("XDG_RUNTIME_DIR");
    if (address) {
      setenv("DBUS_SESSION_BUS_ADDRESS", address, 1);
    } else {
      unsetenv("DBUS_SESSION_BUS_ADDRESS");
    }
  }
  ~ScopedBus() {
    if (had_) setenv("DBUS_SESSION_BUS_ADDRESS", old_.c_str(), 1); else unsetenv("DBUS_SESSION_BUS_ADDRESS");
    if (had_runtime_) setenv("XDG_RUNTIME_DIR", runtime_.c_str(), 1);
  }

 private:
  std::string old_, runtime_;
  bool had_ = false, had_runtime_ = false;
};

// The kernel keyring may be refused in a container (seccomp); the probe says which.
bool keyring_usable(std::string* why) {
  auto store = make_keyring_store(unique_profile(), 60);
  StoreStatus s = store->probe();
  if (!s.ok()) *why = s.message;
  return s.ok();
}

#define REQUIRE_KEYRING()                                                            \
  do {                                                                               \
    std::string why;                                                                 \
    if (!keyring_usable(&why)) GTEST_SKIP() << "kernel keyring refused here: " << why; \
  } while (0)

TEST(KeyringStore, StoresReadsAndDeletes) {
  REQUIRE_KEYRING();
  auto store = make_keyring_store(unique_profile(), 60);
  const std::string token = made_up_token();
  Secret out;
  EXPECT_EQ(store->get("refresh_token", out).state, StoreState::kNotFound);
  ASSERT_TRUE(store->put("refresh_token", Secret(token)).ok());
  ASSERT_TRUE(store->get("refresh_token", out).ok());
  EXPECT_TRUE(out.view() == token) << "read back " << out.fingerprint() << ", stored " << testing::fp(token);
  // Rotation overwrites in place.
  const std::string rotated = made_up_token();
  ASSERT_TRUE(store->put("refresh_token", Secret(rotated)).ok());
  ASSERT_TRUE(store->get("refresh_token", out).ok());
  EXPECT_TRUE(out.view() == rotated);
  ASSERT_TRUE(store->remove("refresh_token").ok());
  EXPECT_EQ(store->get("refresh_token", out).state, StoreState::kNotFound);
  EXPECT_TRUE(store->remove("refresh_token").ok()) << "removing twice is fine";
}

TEST(KeyringStore, IsVisibleToAnotherProcessOfTheSameUser) {
  REQUIRE_KEYRING();
  Profile profile = unique_profile();
  auto store = make_keyring_store(profile, 60);
  ASSERT_TRUE(store->put("refresh_token", Secret(made_up_token())).ok());
  const std::string description = "tokensweep-login:" + profile.client_id + "@" + profile.issuer + ":refresh_token";
  testing::ChildOptions options;
  options.env = testing::base_env();
  auto found = testing::run({"/bin/keyctl", "search", "@u", "user", description}, options, 10s);
  EXPECT_EQ(found.exit_code, 0) << found.err;
  ASSERT_TRUE(store->remove("refresh_token").ok());
  auto gone = testing::run({"/bin/keyctl", "search", "@u", "user", description}, options, 10s);
  EXPECT_NE(gone.exit_code, 0);
}

TEST(KeyringStore, TheKernelExpiresTheKeyAfterTheTimeout) {
  REQUIRE_KEYRING();
  Profile profile = unique_profile();
  auto store = make_keyring_store(profile, 1);
  ASSERT_TRUE(store->put("refresh_token", Secret(made_up_token())).ok());
  // Note the key's serial while it is alive: an expired key can no longer be searched
  // for, and the kernel only collects it minutes later; the test unlinks it itself.
  testing::ChildOptions options;
  options.env = testing::base_env();
  auto serial = testing::run({"/bin/keyctl", "search", "@u", "user",
                              "tokensweep-login:" + profile.client_id + "@" + profile.issuer + ":refresh_token"},
                             options, 10s);
  std::this_thread::sleep_for(2200ms);
  Secret out;
  StoreStatus s = store->get("refresh_token", out);
  EXPECT_EQ(s.state, StoreState::kNotFound) << s.message;
  EXPECT_NE(s.message.find("expired"), std::string::npos) << s.message;
  EXPECT_TRUE(out.empty());
  if (serial.exit_code == 0) {
    testing::run({"/bin/keyctl", "unlink", serial.out.substr(0, serial.out.find('\n')), "@u"}, options, 10s);
  }
}

TEST(MemoryStore, KeepsItemsForThisObjectOnly) {
  auto store = make_memory_store();
  ASSERT_TRUE(store->put("access_token", Secret("abc-made-up-123")).ok());
  Secret out;
  ASSERT_TRUE(store->get("access_token", out).ok());
  EXPECT_EQ(out.view(), "abc-made-up-123");
  auto other = make_memory_store();
  EXPECT_EQ(other->get("access_token", out).state, StoreState::kNotFound);
}

class SecretServiceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_ = std::make_unique<testing::SecretServiceSession>(home_.path());
    ASSERT_TRUE(session_->ready()) << session_->diagnostics();
    bus_ = std::make_unique<ScopedBus>(session_->bus_address().c_str());
  }
  void TearDown() override {
    bus_.reset();
    session_.reset();
  }
  testing::TempDir home_;
  std::unique_ptr<testing::SecretServiceSession> session_;
  std::unique_ptr<ScopedBus> bus_;
};

TEST_F(SecretServiceStoreTest, StoresReadsAndDeletes) {
  auto store = make_secret_service_store(unique_profile());
  ASSERT_TRUE(store->probe().ok()) << store->probe().message;
  const std::string token = made_up_token();
  Secret out;
  EXPECT_EQ(store->get("refresh_token", out).state, StoreState::kNotFound);
  ASSERT_TRUE(store->put("refresh_token", Secret(token)).ok());
  ASSERT_TRUE(store->get("refresh_token", out).ok());
  EXPECT_TRUE(out.view() == token) << "read back " << out.fingerprint();
  ASSERT_TRUE(store->remove("refresh_token").ok());
  EXPECT_EQ(store->get("refresh_token", out).state, StoreState::kNotFound);
}

TEST_F(SecretServiceStoreTest, TheKeyringFileOnDiskDoesNotContainTheToken) {
  auto store = make_secret_service_store(unique_profile());
  const std::string token = made_up_token();
  ASSERT_TRUE(store->put("refresh_token", Secret(token)).ok());
  std::this_thread::sleep_for(300ms);  // gnome-keyring writes the file asynchronously
  auto files = testing::files_under(home_.path());
  bool keyring_file = false;
  for (const auto& f : files) {
    keyring_file |= f.find("/keyrings/") != std::string::npos;
    std::vector<testing::LedgerEntry> one = {{"refresh_token", token}};
    EXPECT_TRUE(testing::NoLedgerValueIn(f, testing::read_file(f), one));
  }
  EXPECT_TRUE(keyring_file) << "gnome-keyring wrote no keyring file under HOME";
}

TEST_F(SecretServiceStoreTest, ALockedCollectionIsReportedAsLocked) {
  auto store = make_secret_service_store(unique_profile());
  ASSERT_TRUE(store->put("refresh_token", Secret(made_up_token())).ok());
  ASSERT_TRUE(session_->lock_all());
  StoreStatus s = store->probe();
  EXPECT_EQ(s.state, StoreState::kLocked) << s.message;
  Secret out;
  EXPECT_EQ(store->get("refresh_token", out).state, StoreState::kLocked);
  EXPECT_TRUE(out.empty());
  // Auto-selection fails closed: it does not fall back to a weaker store.
  StoreChoice choice = choose_store("auto", unique_profile(), 60);
  EXPECT_EQ(choice.store, nullptr);
  EXPECT_NE(choice.error.find("locked"), std::string::npos) << choice.error;
}

TEST(SecretServiceStore, NoSessionBusIsReportedAsNoDaemon) {
  ScopedBus none(nullptr);
  auto store = make_secret_service_store(unique_profile());
  StoreStatus s = store->probe();
  EXPECT_EQ(s.state, StoreState::kNoDaemon) << s.message;
}

TEST(SecretServiceStore, ABusWithoutTheDaemonIsReportedAsNoDaemonAndStartsNothing) {
  testing::TempDir dir;
  // A private bus with no Secret Service on it (and no service activation files).
  testing::write_file(dir / "bus.conf",
                      "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
                      "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                      "<busconfig><type>session</type><listen>unix:path=" + (dir / "bus") +
                      "</listen><policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                      "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n");
  testing::ChildOptions options;
  options.env = testing::base_env();
  testing::Child bus({"/usr/bin/dbus-daemon", "--config-file=" + (dir / "bus.conf"), "--nofork", "--print-address=1"},
                     options);
  ASSERT_TRUE(bus.wait_for_out("\n", 10s)) << bus.err();
  const std::string address = bus.out().substr(0, bus.out().find('\n'));
  {
    ScopedBus scoped(address.c_str());
    StoreStatus s = make_secret_service_store(unique_profile())->probe();
    EXPECT_EQ(s.state, StoreState::kNoDaemon) << s.message;
    StoreChoice choice = choose_store("auto", unique_profile(), 60);
    ASSERT_NE(choice.store, nullptr) << choice.error;
    EXPECT_NE(choice.store->kind(), StoreKind::kSecretService);
    EXPECT_NE(choice.notice.find("no Secret Service"), std::string::npos) << choice.notice;
    // An explicit choice never falls back.
    StoreChoice explicit_choice = choose_store("secret-service", unique_profile(), 60);
    EXPECT_EQ(explicit_choice.store, nullptr);
    EXPECT_NE(explicit_choice.error.find("no daemon"), std::string::npos) << explicit_choice.error;
  }
  bus.signal(SIGTERM);
  EXPECT_TRUE(bus.wait(10s).has_value());
}

TEST(StoreChoice, WithoutAnyDaemonAutoUsesTheKernelKeyringOrSaysMemoryOnly) {
  ScopedBus none(nullptr);
  StoreChoice choice = choose_store("auto", unique_profile(), 60);
  ASSERT_NE(choice.store, nullptr);
  std::string why;
  if (keyring_usable(&why)) {
    EXPECT_EQ(choice.store->kind(), StoreKind::kKeyring);
    EXPECT_NE(choice.notice.find("kernel keyring"), std::string::npos) << choice.notice;
  } else {
    EXPECT_EQ(choice.store->kind(), StoreKind::kMemory);
    EXPECT_NE(choice.notice.find("memory only"), std::string::npos) << choice.notice;
  }
}

}  // namespace
}  // namespace tokensweep::login
