// The kernel keyring store (keyutils): a "user" key per item in the user keyring (@u),
// readable by this uid only, that the kernel expires after a timeout.
#include <keyutils.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "common/secret_bytes.h"
#include "login/store.h"

namespace tokensweep::login {
namespace {

std::string errno_text(int err) { return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")"; }

// Errors that mean the kernel will not let this process use keyrings at all: no
// keyring support, or a seccomp filter (common in containers) refusing the syscall.
bool is_refusal(int err) { return err == ENOSYS || err == EPERM || err == EACCES || err == EOPNOTSUPP; }

class KeyringStore final : public TokenStore {
 public:
  KeyringStore(Profile profile, unsigned timeout) : profile_(std::move(profile)), timeout_(timeout) {}

  StoreKind kind() const override { return StoreKind::kKeyring; }
  std::string describe() const override {
    return "kernel user keyring (keys expire after " + std::to_string(timeout_) + " s)";
  }

  StoreStatus probe() override {
    if (keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 1) < 0) {
      const int err = errno;
      return {is_refusal(err) ? StoreState::kRefused : StoreState::kError,
              "the kernel refused access to the user keyring: " + errno_text(err)};
    }
    return {};
  }

  StoreStatus put(std::string_view item, const Secret& value) override {
    const std::string desc = description(item);
    key_serial_t key = add_key("user", desc.c_str(), value.view().data(), value.size(),
                               KEY_SPEC_USER_KEYRING);
    if (key < 0) {
      const int err = errno;
      return {is_refusal(err) ? StoreState::kRefused : StoreState::kError,
              "adding a key to the user keyring: " + errno_text(err)};
    }
    // Possessor: everything; the same uid (another tokensweep-login process, which may
    // not possess @u through its session keyring): view, read, write, search, setattr.
    const key_perm_t perm = KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE |
                            KEY_USR_SEARCH | KEY_USR_SETATTR;
    if (keyctl_setperm(key, perm) < 0 || keyctl_set_timeout(key, timeout_) < 0) {
      const int err = errno;
      keyctl_invalidate(key);
      return {StoreState::kError, "setting the key's permissions or timeout: " + errno_text(err)};
    }
    return {};
  }

  StoreStatus get(std::string_view item, Secret& out) override {
    key_serial_t key = find(item);
    if (key < 0) return missing(item, errno);
    void* buffer = nullptr;
    const int n = keyctl_read_alloc(key, &buffer);
    if (n < 0) return missing(item, errno);
    std::unique_ptr<void, void (*)(void*)> owned(buffer, free);
    out = Secret(std::string_view(static_cast<const char*>(buffer), static_cast<std::size_t>(n)));
    secure_wipe(buffer, static_cast<std::size_t>(n));
    return {};
  }

  StoreStatus remove(std::string_view item) override {
    key_serial_t key = find(item);
    if (key < 0) {
      const int err = errno;
      if (err == ENOKEY || err == EKEYEXPIRED || err == EKEYREVOKED) return {};
      return missing(item, err);
    }
    // Invalidate destroys the key at once (not just unlinks it from @u).
    if (keyctl_invalidate(key) < 0 && keyctl_revoke(key) < 0) {
      return {StoreState::kError, "deleting the key: " + errno_text(errno)};
    }
    return {};
  }

 private:
  std::string description(std::string_view item) const {
    return "tokensweep-login:" + profile_.client_id + "@" + profile_.issuer + ":" + std::string(item);
  }

  key_serial_t find(std::string_view item) const {
    const std::string desc = description(item);
    return static_cast<key_serial_t>(keyctl_search(KEY_SPEC_USER_KEYRING, "user", desc.c_str(), 0));
  }

  StoreStatus missing(std::string_view item, int err) const {
    if (err == ENOKEY) return {StoreState::kNotFound, "no " + std::string(item) + " in the user keyring"};
    if (err == EKEYEXPIRED) {
      return {StoreState::kNotFound, "the " + std::string(item) + " key in the user keyring expired"};
    }
    if (err == EKEYREVOKED) {
      return {StoreState::kNotFound, "the " + std::string(item) + " key in the user keyring was revoked"};
    }
    return {is_refusal(err) ? StoreState::kRefused : StoreState::kError,
            "reading the user keyring: " + errno_text(err)};
  }

  Profile profile_;
  unsigned timeout_;
};

}  // namespace

std::unique_ptr<TokenStore> make_keyring_store(Profile profile, unsigned timeout_seconds) {
  return std::make_unique<KeyringStore>(std::move(profile), timeout_seconds);
}

}  // namespace tokensweep::login
