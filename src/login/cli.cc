#include "login/cli.h"

#include "common/cli11.h"
#include "login/commands.h"
#include "login/process.h"

namespace tokensweep::login {

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  if (Status hardened = harden_process(); !hardened) {
    err << "tokensweep-login: " << hardened.error().to_string() << "\n";
    return kExitFailure;
  }

  CLI::App app{"tokensweep-login: the reference OAuth device-flow login client"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags are accepted after the subcommand too

  GlobalOptions global;
  app.add_option("--config", global.config_path, "configuration file (no secrets in it)");
  app.add_flag("--allow-http-loopback", global.allow_http_loopback,
               "allow plain http to 127.0.0.1 and [::1] (tests)");
  app.add_flag("--debug", global.debug, "log requests and responses, tokens redacted");
  app.add_option("--log-file", global.log_path, "where --debug writes");

  LoginOptions login;
  auto* login_cmd = app.add_subcommand("login", "device-flow login (RFC 8628)");
  login_cmd->add_option("--issuer", login.issuer, "issuer URL (discovery)")->required();
  login_cmd->add_option("--client-id", login.client_id, "OAuth client id")->required();
  login_cmd->add_option("--scope", login.scope, "space-separated scopes");
  login_cmd->add_option("--store", login.store, "auto|secret-service|keyring|memory")
      ->check(CLI::IsMember({"auto", "secret-service", "keyring", "memory"}));
  login_cmd->add_flag("--allow-noninteractive", login.allow_noninteractive,
                      "start a device login without a terminal or with CI set");

  app.add_subcommand("status", "show identity, scopes and expiry (never a token)");

  std::string env_name = "ACCESS_TOKEN";
  std::vector<std::string> command;
  auto* exec_cmd = app.add_subcommand("exec", "run a command with a fresh access token in its environment");
  exec_cmd->add_option("--env", env_name, "environment variable for the token");
  exec_cmd->add_option("command", command, "-- CMD [ARGS...]")->required();

  app.add_subcommand("refresh", "refresh the access token now");
  app.add_subcommand("logout", "revoke (RFC 7009) and delete the stored tokens");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }

  Commands commands(global, out, err);
  if (login_cmd->parsed()) return commands.login(login);
  if (exec_cmd->parsed()) return commands.exec(env_name, command);
  if (app.got_subcommand("status")) return commands.status();
  if (app.got_subcommand("refresh")) return commands.refresh();
  if (app.got_subcommand("logout")) return commands.logout();
  return kExitUsage;
}

}  // namespace tokensweep::login
