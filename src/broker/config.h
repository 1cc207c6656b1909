// The broker hook file (design §3.4): which hooks exist and which findings each may
// receive. Loading validates everything that can be checked offline; nothing here
// touches the network, and no secret is read (client_secret_env/_file are names).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "report/finding.h"

namespace tokensweep::broker {

enum class HookType { kOauth, kWebhook, kExec };
const char* hook_type_name(HookType t);

// Which findings a hook claims: any listed provider, rule id (a trailing '*' matches a
// prefix: "slack.*") or JWT issuer (compared without a trailing '/'). Empty lists claim
// nothing; a hook that claims nothing at all is a configuration error.
struct Match {
  std::vector<std::string> providers;
  std::vector<std::string> rules;
  std::vector<std::string> jwt_issuers;

  bool claims(const report::Finding& f) const;
};

struct HookConfig {
  std::string name;
  HookType type = HookType::kOauth;
  std::string location;  // "broker.yaml:3", for messages

  // oauth
  std::string issuer;                  // discovery (RFC 8414 / OIDC) when endpoints are not given
  std::string introspection_endpoint;  // RFC 7662
  std::string revocation_endpoint;     // RFC 7009
  // oauth (required) and webhook (optional: HTTP Basic to the webhook)
  std::string client_id;
  std::string client_secret_env;
  std::string client_secret_file;

  // webhook
  std::string url;
  // webhook and exec: include each finding's raw secret in the request. Off by default.
  bool send_secret = false;
  std::size_t batch_size = 100;  // findings per webhook request / exec run

  // exec
  std::vector<std::string> command;

  // transport and pacing
  std::string ca_file;  // extra trust anchors (a private CA)
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds timeout{15'000};  // per request, or per exec run
  unsigned concurrency = 8;                   // requests (or exec runs) in flight at once
  int max_attempts = 3;                       // 429/5xx retries included
  std::chrono::seconds max_retry_after{30};

  Match match;
};

struct BrokerConfig {
  std::string path;
  std::vector<HookConfig> hooks;
};

// Parses and validates FILE. Errors carry "FILE:LINE" in Error::location: an inline
// `client_secret`, an unknown key, a missing field, a hook that claims nothing.
Result<BrokerConfig> load_broker_config(const std::string& path);
Result<BrokerConfig> parse_broker_config(const std::string& text, const std::string& path);

}  // namespace tokensweep::broker
