// Test support: a real Secret Service for one test. `dbus-run-session` starts a private
// session bus; inside it gnome-keyring-daemon --unlock --components=secrets runs with a
// throw-away password and a temporary HOME. The destructor stops the daemon and the bus.
#pragma once

#include <memory>
#include <string>

#include "login/support/process.h"

namespace tokensweep::testing {

class SecretServiceSession {
 public:
  explicit SecretServiceSession(const std::string& home);
  ~SecretServiceSession();

  bool ready() const { return !bus_address_.empty(); }
  const std::string& bus_address() const { return bus_address_; }
  std::string diagnostics() const;
  // Locks every collection through the Secret Service API (org.freedesktop.Secret.Service.Lock).
  bool lock_all();

 private:
  std::string home_;
  std::string bus_address_;
  std::unique_ptr<Child> child_;
};

}  // namespace tokensweep::testing
