#include "broker/hook.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "broker/hook_types.h"
#include "http/client.h"

namespace tokensweep::broker {

std::vector<Verdict> all_unknown(std::size_t n, const std::string& detail) {
  return std::vector<Verdict>(n, Verdict{report::BrokerStatus::kUnknown, detail});
}

Result<std::string> read_client_secret(const HookConfig& config) {
  const std::string where = config.location + " hook '" + config.name + "'";
  std::string secret;
  if (!config.client_secret_env.empty()) {
    const char* value = std::getenv(config.client_secret_env.c_str());
    if (value == nullptr || *value == '\0') {
      return make_error(ErrorCode::kInvalidArgument,
                        "client_secret_env names " + config.client_secret_env + ", which is not set", where);
    }
    secret = value;
  } else if (!config.client_secret_file.empty()) {
    std::ifstream in(config.client_secret_file, std::ios::binary);
    if (!in) {
      return make_error(ErrorCode::kIo, "cannot read client_secret_file " + config.client_secret_file, where);
    }
    std::ostringstream text;
    text << in.rdbuf();
    secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "client_secret_file " + config.client_secret_file + " is empty",
                        where);
    }
  }
  return secret;
}

Result<std::unique_ptr<Hook>> make_hook(const HookConfig& config) {
  auto secret = read_client_secret(config);
  if (!secret) return secret.error();
  switch (config.type) {
    case HookType::kOauth: return make_oauth_hook(config, std::move(secret).value());
    case HookType::kWebhook: return make_webhook_hook(config, std::move(secret).value());
    case HookType::kExec: return make_exec_hook(config);
  }
  return make_error(ErrorCode::kInternal, "unknown hook type");
}

}  // namespace tokensweep::broker
