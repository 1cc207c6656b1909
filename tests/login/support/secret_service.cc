#include "login/support/secret_service.h"

#include <signal.h>

#include <filesystem>

namespace tokensweep::testing {

SecretServiceSession::SecretServiceSession(const std::string& home) : home_(home) {
  std::filesystem::create_directories(home);
  ChildOptions options;
  options.env = base_env();
  options.env["HOME"] = home;
  options.env["XDG_RUNTIME_DIR"] = home;
  options.env["XDG_DATA_HOME"] = home + "/.local/share";
  options.env["XDG_CONFIG_HOME"] = home + "/.config";
  options.env["KEYRING_PASSWORD"] = "throwaway-" + random_hex(8);
  options.keep_stdin = true;
  child_ = std::make_unique<Child>(
      std::vector<std::string>{"/usr/bin/dbus-run-session", "--",
                               TOKENSWEEP_SOURCE_DIR "/tests/login/support/secret_service_session.sh"},
      options);
  if (child_->wait_for_out("\n", std::chrono::seconds(30))) {
    const std::string& out = child_->out();
    if (out.rfind("READY ", 0) == 0) bus_address_ = out.substr(6, out.find('\n') - 6);
  }
}

SecretServiceSession::~SecretServiceSession() {
  if (!child_) return;
  child_->close_stdin();
  if (!child_->wait(std::chrono::seconds(10))) {
    // wait() killed dbus-run-session; its bus going away ends the daemon too.
  }
}

std::string SecretServiceSession::diagnostics() const { return child_ ? child_->err() : std::string(); }

bool SecretServiceSession::lock_all() {
  ChildOptions options;
  options.env = base_env();
  options.env["DBUS_SESSION_BUS_ADDRESS"] = bus_address_;
  auto r = run({"/usr/bin/dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login"},
               options, std::chrono::seconds(20));
  return r.exit_code == 0;
}

}  // namespace tokensweep::testing
