// Where the login client keeps tokens: OS-protected storage only, never a file.
//
//   Secret Service (libsecret; gnome-keyring, KWallet, KeePassXC) — preferred;
//   the kernel keyring (keyutils, the user keyring, with an expiry) — where there is
//     no Secret Service daemon;
//   memory — this process only, said out loud.
//
// Failures are told apart, because the user's fix differs: a *locked* keyring wants
// unlocking, *no daemon* wants one started (or another store), *not found* wants a login.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "login/secret.h"

namespace tokensweep::login {

enum class StoreKind { kSecretService, kKeyring, kMemory };
const char* store_kind_name(StoreKind kind);  // "secret-service", "keyring", "memory"

enum class StoreState {
  kOk,
  kNotFound,  // no such item (never stored, deleted, or expired in the kernel keyring)
  kLocked,    // the Secret Service collection is locked
  kNoDaemon,  // no session bus, or nobody owns org.freedesktop.secrets
  kRefused,   // the kernel refused keyring access (e.g. a container's seccomp policy)
  kError,     // anything else; message says what
};
const char* store_state_name(StoreState state);

struct StoreStatus {
  StoreState state = StoreState::kOk;
  std::string message;  // human text; never contains a secret
  bool ok() const { return state == StoreState::kOk; }
};

// One login profile's items ("refresh_token", "access_token"). Implementations are not
// thread-safe; cross-process consistency is the caller's lock (see refresh_lock.h).
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual StoreKind kind() const = 0;
  // Where exactly, for messages: "Secret Service (default collection)".
  virtual std::string describe() const = 0;
  // Whether the store can be used right now (kOk, kLocked, kNoDaemon, kRefused).
  virtual StoreStatus probe() = 0;
  virtual StoreStatus put(std::string_view item, const Secret& value) = 0;
  virtual StoreStatus get(std::string_view item, Secret& out) = 0;
  // Removing an item that is not there is kOk.
  virtual StoreStatus remove(std::string_view item) = 0;
};

// A profile is one (issuer, client id) pair; stores key their items by it.
struct Profile {
  std::string issuer;
  std::string client_id;
};

std::unique_ptr<TokenStore> make_secret_service_store(Profile profile);
// `timeout_seconds`: the kernel expires the key after this long (refreshed on each put).
std::unique_ptr<TokenStore> make_keyring_store(Profile profile, unsigned timeout_seconds);
std::unique_ptr<TokenStore> make_memory_store();

struct StoreChoice {
  std::unique_ptr<TokenStore> store;  // null when nothing acceptable is available
  std::string notice;                 // what was chosen and why, for stderr; may be empty
  std::string error;                  // why nothing was chosen
};

// `preference`: "auto", "secret-service", "keyring" or "memory". An explicit choice
// never falls back. "auto" falls back only when the Secret Service has no daemon
// (never when it is locked: that is fail closed, not a reason to use a weaker store),
// and then says so in `notice`.
StoreChoice choose_store(std::string_view preference, const Profile& profile,
                         unsigned keyring_timeout_seconds);

}  // namespace tokensweep::login
