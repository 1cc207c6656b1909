// The five commands of tokensweep-login, as a library (main.cc only parses flags).
// Output: stdout carries status facts only and never a token; everything for the
// user (the verification URI, the user code, progress, errors) goes to stderr.
#pragma once

#include <chrono>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "http/client.h"
#include "login/config.h"
#include "login/debug_log.h"
#include "login/oauth.h"
#include "login/secret.h"
#include "login/store.h"

namespace tokensweep::login {

// Exit statuses.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // denied, expired, network, storage, not logged in
inline constexpr int kExitUsage = 2;    // bad flags, or a device login refused as non-interactive

// Refresh a little before expiry, so a token handed to a child is not dead on arrival.
inline constexpr std::chrono::seconds kRefreshMargin{60};
// The kernel keyring forgets a stored token after this long without a refresh.
inline constexpr unsigned kKeyringTimeoutSeconds = 30 * 24 * 3600;

struct GlobalOptions {
  std::string config_path;  // empty: default_config_path()
  bool allow_http_loopback = false;
  bool debug = false;
  std::string log_path;  // empty: default_log_path()
};

struct LoginOptions {
  std::string issuer;
  std::string client_id;
  std::string scope = "openid profile offline_access";
  std::string store = "auto";
  bool allow_noninteractive = false;
};

class Commands {
 public:
  Commands(GlobalOptions options, std::ostream& out, std::ostream& err);

  int login(const LoginOptions& options);
  int status();
  int exec(const std::string& env_name, const std::vector<std::string>& argv);
  int refresh();
  int logout();

 private:
  bool setup();  // debug log and HTTP client; false after reporting a problem
  void say(const std::string& text);  // one line to stderr, redacted
  Result<Config> load_logged_in_config();
  struct Session {
    Config config;
    StoreChoice store;
  };
  // The logged-in configuration and its token store, or nullopt after saying why not.
  std::optional<Session> open_session();
  // Takes the refresh lock and returns a usable access token (refreshing if needed).
  Result<Secret> access_token(Config& config, TokenStore& store, bool force);

  GlobalOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  DebugLog log_;
  http::Client client_;
};

// The refresh step on its own, for callers that hold the lock. Unless `force`, a stored
// access token that is still good for kRefreshMargin is returned as is. Otherwise it
// spends the refresh token and saves the rotated one *before* returning the new access
// token: a rotated refresh token that cannot be saved is an error, and the new access
// token is then not used. Updates `config` (expiry, scope) but does not save it.
Result<Secret> fresh_access_token(const http::Client& client, const Endpoints& endpoints,
                                  Config& config, TokenStore& store, bool force,
                                  Redactor* redactor = nullptr);

}  // namespace tokensweep::login
