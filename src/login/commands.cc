#include "login/commands.h"

#include <ctime>

#include "login/device_flow.h"
#include "login/process.h"
#include "login/refresh_lock.h"

namespace tokensweep::login {
namespace {

constexpr std::string_view kRefreshItem = "refresh_token";
constexpr std::string_view kAccessItem = "access_token";

long long unix_now() { return static_cast<long long>(std::time(nullptr)); }

std::string format_time(long long unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32] = {0};
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_in(long long seconds) {
  if (seconds < 0) return "expired " + std::to_string(-seconds) + " s ago";
  if (seconds < 120) return "in " + std::to_string(seconds) + " s";
  if (seconds < 7200) return "in " + std::to_string(seconds / 60) + " min";
  return "in " + std::to_string(seconds / 3600) + " h";
}

http::Options http_options(const GlobalOptions& options) {
  http::Options o;
  o.allow_http_loopback = options.allow_http_loopback;
  o.user_agent = "tokensweep-login/0.1";
  return o;
}

Profile profile_of(const Config& c) { return Profile{c.issuer, c.client_id}; }

std::string lock_path(const std::string& config_path) { return config_path + ".lock"; }

}  // namespace

Result<Secret> fresh_access_token(const http::Client& client, const Endpoints& endpoints,
                                  Config& config, TokenStore& store, bool force,
                                  Redactor* redactor) {
  if (!force && config.access_token_expires_at - unix_now() > kRefreshMargin.count()) {
    Secret stored;
    if (store.get(kAccessItem, stored).ok() && !stored.empty()) return stored;
  }
  Secret refresh_token;
  if (StoreStatus s = store.get(kRefreshItem, refresh_token); !s.ok()) {
    if (s.state == StoreState::kNotFound) {
      return make_error(ErrorCode::kInvalidArgument, "not logged in (" + s.message + "); run login");
    }
    return make_error(ErrorCode::kIo, store.describe() + " " + store_state_name(s.state) + ": " + s.message);
  }
  if (redactor) redactor->add_secret(refresh_token.view());
  auto reply = refresh(client, endpoints, config.client_id, refresh_token);
  if (!reply) return reply.error();
  if (reply.value().error) {
    const OAuthError& e = *reply.value().error;
    if (e.error == "invalid_grant") {
      return make_error(ErrorCode::kInvalidArgument,
                        "the server rejected the refresh token (expired, revoked or already used): "
                        "run login again");
    }
    return make_error(ErrorCode::kNetwork, "refresh failed: " + e.error +
                                               (e.description.empty() ? "" : " (" + e.description + ")"));
  }
  TokenSet& tokens = *reply.value().tokens;
  if (redactor) {
    redactor->add_secret(tokens.access_token.view());
    redactor->add_secret(tokens.refresh_token.view());
    redactor->add_secret(tokens.id_token.view());
  }
  // The old refresh token is spent now (rotation): the new one must be safe on storage
  // before anything uses the new access token, or a crash would lose the session.
  if (!tokens.refresh_token.empty()) {
    if (StoreStatus s = store.put(kRefreshItem, tokens.refresh_token); !s.ok()) {
      return make_error(ErrorCode::kIo, "could not save the rotated refresh token in " + store.describe() +
                                            " (" + s.message + "); the new access token is not used");
    }
  }
  config.access_token_expires_at = tokens.expires_in ? unix_now() + tokens.expires_in->count() : 0;
  if (!tokens.scope.empty()) config.granted_scope = tokens.scope;
  if (!store.put(kAccessItem, tokens.access_token).ok()) config.access_token_expires_at = 0;
  return std::move(tokens.access_token);
}

Commands::Commands(GlobalOptions options, std::ostream& out, std::ostream& err)
    : options_(std::move(options)), out_(out), err_(err), client_(http_options(options_)) {
  if (options_.config_path.empty()) options_.config_path = default_config_path();
  if (options_.log_path.empty()) options_.log_path = default_log_path();
}

void Commands::say(const std::string& text) { err_ << log_.redactor().redact(text) << "\n" << std::flush; }

bool Commands::setup() {
  if (options_.debug && !log_.enabled()) {
    if (Status ok = log_.open(options_.log_path); !ok) {
      say("tokensweep-login: cannot open the debug log: " + ok.error().to_string());
      return false;
    }
    client_.set_observer(log_.observer());
    say("tokensweep-login: debug log (tokens redacted): " + options_.log_path);
  }
  return true;
}

Result<Config> Commands::load_logged_in_config() {
  auto loaded = load_config(options_.config_path);
  if (!loaded) return loaded.error();
  if (!loaded.value() || loaded.value()->issuer.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "not logged in (no configuration at " + options_.config_path + ")");
  }
  return std::move(*loaded.value());
}

std::optional<Commands::Session> Commands::open_session() {
  auto config = load_logged_in_config();
  if (!config) {
    say("tokensweep-login: " + config.error().message);
    return std::nullopt;
  }
  StoreChoice choice = choose_store(config.value().store, profile_of(config.value()), kKeyringTimeoutSeconds);
  if (!choice.store) {
    say("tokensweep-login: " + choice.error);
    return std::nullopt;
  }
  return Session{std::move(config).value(), std::move(choice)};
}

Result<Secret> Commands::access_token(Config& config, TokenStore& store, bool force) {
  auto lock = RefreshLock::acquire(lock_path(options_.config_path), std::chrono::seconds(60));
  if (!lock) return lock.error();
  // Re-read under the lock: another process may have refreshed (and rotated) meanwhile.
  auto reloaded = load_logged_in_config();
  if (!reloaded) return reloaded.error();
  config = std::move(reloaded.value());
  if (!force && config.access_token_expires_at - unix_now() > kRefreshMargin.count()) {
    Secret stored;
    if (store.get(kAccessItem, stored).ok() && !stored.empty()) {
      log_.redactor().add_secret(stored.view());
      log_.line("using the stored access token (expires " + format_time(config.access_token_expires_at) + ")");
      return stored;
    }
  }
  auto endpoints = discover(client_, config.issuer);
  if (!endpoints) return endpoints.error();
  auto token = fresh_access_token(client_, endpoints.value(), config, store, force, &log_.redactor());
  if (!token) return token.error();
  if (Status saved = save_config(options_.config_path, config); !saved) return saved.error();
  log_.line("refreshed; access token expires " + format_time(config.access_token_expires_at));
  return token;
}

int Commands::login(const LoginOptions& o) {
  if (!setup()) return kExitFailure;
  if (o.issuer.empty() || o.client_id.empty()) {
    say("tokensweep-login: login needs --issuer and --client-id");
    return kExitUsage;
  }
  if (std::string why = noninteractive_reason(); !why.empty() && !o.allow_noninteractive) {
    say("tokensweep-login: refusing to start a device login: " + why +
        ". A device login run by automation turns one person's approval into a shared "
        "bootstrap secret; give --allow-noninteractive if you really mean it.");
    return kExitUsage;
  }
  auto endpoints = discover(client_, o.issuer);
  if (!endpoints) {
    say("tokensweep-login: discovery failed: " + endpoints.error().to_string());
    return kExitFailure;
  }
  Profile profile{o.issuer, o.client_id};
  StoreChoice choice = choose_store(o.store, profile, kKeyringTimeoutSeconds);
  if (!choice.store) {
    say("tokensweep-login: no token storage: " + choice.error);
    return kExitFailure;
  }
  if (!choice.notice.empty()) say("tokensweep-login: " + choice.notice);

  auto authorization = start_device_authorization(client_, endpoints.value(), o.client_id, o.scope);
  if (!authorization) {
    say("tokensweep-login: " + authorization.error().to_string());
    return kExitFailure;
  }
  const DeviceAuthorization& a = authorization.value();
  log_.redactor().add_secret(a.device_code.view());
  say("To sign in, open " + a.verification_uri + " and enter the code " + a.user_code);
  if (!a.verification_uri_complete.empty()) say("  (or open " + a.verification_uri_complete + ")");
  say("Waiting for approval; the code expires in " + std::to_string(a.expires_in.count()) + " s.");

  PollResult polled = poll_for_tokens(client_, endpoints.value(), o.client_id, a);
  log_.line("device flow: " + std::to_string(polled.polls) + " polls, " +
            std::to_string(polled.slow_downs) + " slow_down");
  if (polled.outcome != PollOutcome::kTokens) {
    say("tokensweep-login: login failed: " + polled.message);
    return kExitFailure;
  }
  TokenSet& tokens = *polled.tokens;
  for (const Secret* s : {&tokens.access_token, &tokens.refresh_token, &tokens.id_token}) {
    log_.redactor().add_secret(s->view());
  }

  TokenStore& store = *choice.store;
  if (!tokens.refresh_token.empty()) {
    if (StoreStatus s = store.put(kRefreshItem, tokens.refresh_token); !s.ok()) {
      say("tokensweep-login: could not store the refresh token in " + store.describe() + ": " + s.message);
      return kExitFailure;
    }
  }
  Config config;
  config.issuer = o.issuer;
  config.client_id = o.client_id;
  config.scope = o.scope;
  config.store = store_kind_name(store.kind());
  config.granted_scope = tokens.scope.empty() ? o.scope : tokens.scope;
  config.logged_in_at = unix_now();
  config.access_token_expires_at = tokens.expires_in ? unix_now() + tokens.expires_in->count() : 0;
  if (StoreStatus s = store.put(kAccessItem, tokens.access_token); !s.ok()) config.access_token_expires_at = 0;
  if (auto id = identity_from_id_token(tokens.id_token)) {
    config.subject = id->subject;
    config.name = id->name;
    config.email = id->email;
  }
  if (Status saved = save_config(options_.config_path, config); !saved) {
    say("tokensweep-login: could not save the configuration: " + saved.error().to_string());
    return kExitFailure;
  }
  say("Logged in to " + o.issuer + (config.subject.empty() ? "" : " as " + config.subject) + ".");
  if (store.kind() == StoreKind::kMemory) {
    say("The tokens were kept in memory only and are gone when this process exits.");
  } else {
    say("Tokens are stored in " + store.describe() + ".");
  }
  if (tokens.refresh_token.empty()) say("The server issued no refresh token: log in again when the access token expires.");
  return kExitOk;
}

int Commands::status() {
  if (!setup()) return kExitFailure;
  auto config = load_logged_in_config();
  if (!config) {
    out_ << "logged in: no\n";
    say("tokensweep-login: " + config.error().message);
    return kExitFailure;
  }
  const Config& c = config.value();
  out_ << "issuer: " << c.issuer << "\n";
  out_ << "client: " << c.client_id << "\n";
  if (c.subject.empty() && c.logged_in_at == 0) {
    out_ << "logged in: no\n";
    return kExitFailure;
  }
  std::string who = c.subject;
  if (!c.name.empty()) who += " (" + c.name + ")";
  if (!c.email.empty()) who += " <" + c.email + ">";
  out_ << "account: " << (who.empty() ? "unknown" : who) << "\n";
  out_ << "scopes: " << c.granted_scope << "\n";
  if (c.access_token_expires_at > 0) {
    out_ << "access token expires: " << format_time(c.access_token_expires_at) << " ("
         << format_in(c.access_token_expires_at - unix_now()) << ")\n";
  } else {
    out_ << "access token expires: unknown\n";
  }
  StoreChoice choice = choose_store(c.store, profile_of(c), kKeyringTimeoutSeconds);
  if (!choice.store) {
    out_ << "storage: " << c.store << ": unavailable\n";
    say("tokensweep-login: " + choice.error);
    return kExitFailure;
  }
  Secret token;
  StoreStatus s = choice.store->get(kRefreshItem, token);
  token.wipe();
  StoreStatus a = choice.store->get(kAccessItem, token);
  token.wipe();
  out_ << "storage: " << choice.store->describe() << "\n";
  out_ << "refresh token: " << (s.ok() ? "present" : store_state_name(s.state)) << "\n";
  if (!s.ok() && s.state != StoreState::kNotFound) say("tokensweep-login: " + s.message);
  const bool usable = s.ok() || (a.ok() && c.access_token_expires_at > unix_now());
  out_ << "logged in: " << (usable ? "yes" : "no") << "\n";
  return usable ? kExitOk : kExitFailure;
}

int Commands::exec(const std::string& env_name, const std::vector<std::string>& argv) {
  if (!setup()) return kExitFailure;
  if (argv.empty()) {
    say("tokensweep-login: exec needs a command: tokensweep-login exec -- CMD [ARGS...]");
    return kExitUsage;
  }
  auto session = open_session();
  if (!session) return kExitFailure;
  Result<Secret> token = access_token(session->config, *session->store.store, /*force=*/false);
  if (!token) {
    say("tokensweep-login: no access token: " + token.error().to_string());
    return kExitFailure;
  }
  log_.line("exec: running " + argv[0] + " with the access token in $" + env_name);
  auto rc = run_with_token(argv, env_name, token.value());
  if (!rc) {
    say("tokensweep-login: " + rc.error().to_string());
    return kExitFailure;
  }
  if (rc.value() == 127) say("tokensweep-login: command not found: " + argv[0]);
  return rc.value();
}

int Commands::refresh() {
  if (!setup()) return kExitFailure;
  auto session = open_session();
  if (!session) return kExitFailure;
  Result<Secret> token = access_token(session->config, *session->store.store, /*force=*/true);
  if (!token) {
    say("tokensweep-login: refresh failed: " + token.error().to_string());
    return kExitFailure;
  }
  say("Refreshed; the new access token expires " +
      (session->config.access_token_expires_at > 0 ? format_time(session->config.access_token_expires_at) : std::string("at an unknown time")) +
      ".");
  return kExitOk;
}

int Commands::logout() {
  if (!setup()) return kExitFailure;
  auto loaded = load_logged_in_config();
  if (!loaded) {
    say("tokensweep-login: " + loaded.error().message);
    return kExitOk;
  }
  Config config = std::move(loaded.value());
  StoreChoice choice = choose_store(config.store, profile_of(config), kKeyringTimeoutSeconds);
  if (!choice.store) {
    say("tokensweep-login: cannot reach the token storage, so nothing was revoked or deleted: " + choice.error);
    return kExitFailure;
  }
  TokenStore& store = *choice.store;
  auto lock = RefreshLock::acquire(lock_path(options_.config_path), std::chrono::seconds(60));
  if (!lock) {
    say("tokensweep-login: " + lock.error().to_string());
    return kExitFailure;
  }
  auto endpoints = discover(client_, config.issuer);
  bool all_ok = true;
  for (std::string_view item : {kRefreshItem, kAccessItem}) {
    const std::string label = item == kRefreshItem ? "refresh token" : "access token";
    Secret token;
    StoreStatus got = store.get(item, token);
    std::string line = label + ": ";
    if (got.state == StoreState::kNotFound) {
      line += "none stored";
    } else if (!got.ok()) {
      line += "could not be read (" + std::string(store_state_name(got.state)) + ": " + got.message + ")";
      all_ok = false;
    } else if (!endpoints) {
      line += "NOT revoked (discovery failed: " + endpoints.error().message + ")";
      all_ok = false;
    } else {
      log_.redactor().add_secret(token.view());
      Status revoked = revoke(client_, endpoints.value(), config.client_id, token, item);
      if (revoked) {
        line += "revoked at the server";
      } else {
        line += "NOT revoked (" + revoked.error().message + ")";
        all_ok = false;
      }
    }
    // Deleted locally whatever the server said.
    StoreStatus removed = store.remove(item);
    if (removed.ok()) {
      line += "; deleted from " + store.describe();
    } else {
      line += "; NOT deleted from " + store.describe() + " (" + removed.message + ")";
      all_ok = false;
    }
    out_ << line << "\n";
  }
  config.subject.clear();
  config.name.clear();
  config.email.clear();
  config.granted_scope.clear();
  config.access_token_expires_at = 0;
  config.logged_in_at = 0;
  if (Status saved = save_config(options_.config_path, config); !saved) {
    say("tokensweep-login: could not update the configuration: " + saved.error().to_string());
    all_ok = false;
  }
  say(all_ok ? "Logged out." : "Logged out locally; see above for what did not succeed.");
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace tokensweep::login
