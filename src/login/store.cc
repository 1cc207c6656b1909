#include "login/store.h"

#include <map>

namespace tokensweep::login {

const char* store_kind_name(StoreKind kind) {
  switch (kind) {
    case StoreKind::kSecretService: return "secret-service";
    case StoreKind::kKeyring: return "keyring";
    case StoreKind::kMemory: return "memory";
  }
  return "?";
}

const char* store_state_name(StoreState state) {
  switch (state) {
    case StoreState::kOk: return "ok";
    case StoreState::kNotFound: return "not found";
    case StoreState::kLocked: return "locked";
    case StoreState::kNoDaemon: return "no daemon";
    case StoreState::kRefused: return "refused";
    case StoreState::kError: return "error";
  }
  return "?";
}

namespace {

class MemoryStore final : public TokenStore {
 public:
  StoreKind kind() const override { return StoreKind::kMemory; }
  std::string describe() const override { return "memory (this process only)"; }
  StoreStatus probe() override { return {}; }
  StoreStatus put(std::string_view item, const Secret& value) override {
    items_[std::string(item)] = Secret(value.view());
    return {};
  }
  StoreStatus get(std::string_view item, Secret& out) override {
    auto it = items_.find(std::string(item));
    if (it == items_.end()) {
      return {StoreState::kNotFound, "no " + std::string(item) + " in this process's memory"};
    }
    out = Secret(it->second.view());
    return {};
  }
  StoreStatus remove(std::string_view item) override {
    items_.erase(std::string(item));
    return {};
  }

 private:
  std::map<std::string, Secret> items_;
};

}  // namespace

std::unique_ptr<TokenStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

StoreChoice choose_store(std::string_view preference, const Profile& profile,
                         unsigned keyring_timeout_seconds) {
  StoreChoice choice;
  auto take = [&](std::unique_ptr<TokenStore> store) -> bool {
    StoreStatus status = store->probe();
    if (status.ok()) {
      choice.store = std::move(store);
      return true;
    }
    choice.error = store->describe() + ": " + store_state_name(status.state) + ": " + status.message;
    return false;
  };

  if (preference == "secret-service") {
    take(make_secret_service_store(profile));
    return choice;
  }
  if (preference == "keyring") {
    take(make_keyring_store(profile, keyring_timeout_seconds));
    return choice;
  }
  if (preference == "memory") {
    choice.store = make_memory_store();
    choice.notice = "tokens are kept in memory only, for this process; nothing is saved";
    return choice;
  }
  if (preference != "auto") {
    choice.error = "unknown store '" + std::string(preference) +
                   "' (auto, secret-service, keyring or memory)";
    return choice;
  }

  auto secret_service = make_secret_service_store(profile);
  StoreStatus ss = secret_service->probe();
  if (ss.ok()) {
    choice.store = std::move(secret_service);
    return choice;
  }
  if (ss.state != StoreState::kNoDaemon) {
    // Locked, or broken: fail closed rather than quietly use a weaker store.
    choice.error = "Secret Service " + std::string(store_state_name(ss.state)) + ": " + ss.message +
                   " (unlock it, or choose --store keyring or --store memory explicitly)";
    return choice;
  }
  auto keyring = make_keyring_store(profile, keyring_timeout_seconds);
  StoreStatus kr = keyring->probe();
  if (kr.ok()) {
    choice.notice = "no Secret Service (" + ss.message + "); using the kernel keyring: " +
                    keyring->describe();
    choice.store = std::move(keyring);
    return choice;
  }
  choice.notice = "no Secret Service (" + ss.message + ") and the kernel keyring is unavailable (" +
                  kr.message + "); tokens are kept in memory only, for this process; nothing is saved";
  choice.store = make_memory_store();
  return choice;
}

}  // namespace tokensweep::login
