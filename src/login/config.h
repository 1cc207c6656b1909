// The login client's settings and session facts: nothing secret, so a plain file
// ($XDG_CONFIG_HOME/tokensweep-login/config.json, mode 0600 in a 0700 directory).
// Tokens never go here; see store.h.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace tokensweep::login {

struct Config {
  std::string issuer;
  std::string client_id;
  std::string scope;
  std::string store;  // the store kind in use: "secret-service", "keyring" or "memory"

  // Facts about the current login, for `status` (empty when logged out).
  std::string subject;
  std::string name;
  std::string email;
  std::string granted_scope;
  long long access_token_expires_at = 0;  // Unix seconds; 0 when unknown
  long long logged_in_at = 0;
};

// $XDG_CONFIG_HOME/tokensweep-login/config.json, else ~/.config/...
std::string default_config_path();
// $XDG_STATE_HOME/tokensweep-login/debug.log, else ~/.local/state/...
std::string default_log_path();

// nullopt when the file does not exist.
Result<std::optional<Config>> load_config(const std::string& path);
// Written to a temporary file and renamed over the old one; creates the directory 0700.
Status save_config(const std::string& path, const Config& config);

// Creates the parent directories of `path` with mode 0700.
Status make_private_dirs_for(const std::string& path);

}  // namespace tokensweep::login
