// One configured hook: asks about, and revokes, batches of distinct secrets.
// Implementations: oauth (RFC 7662/7009), webhook and exec (the JSON protocol of
// design §3.4). Each call returns one Verdict per item, in order; a fault of any kind
// is `unknown` with a detail, never `inactive` and never an exception.
//
// Thread-safety: after prepare(), check() and revoke() may run on several threads at
// once (Client bounds how many per hook).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/config.h"
#include "common/result.h"
#include "report/finding.h"

namespace tokensweep::broker {

// One distinct secret as a hook sees it. `secret` is a view of bytes that Client
// revealed for the duration of the call, and is empty unless the hook needs it
// (oauth always; webhook and exec only with send_secret: true).
struct Item {
  std::string fingerprint;
  std::string kind;
  std::string provider;
  std::string rule_id;
  std::string_view secret;
};

struct Verdict {
  report::BrokerStatus status = report::BrokerStatus::kUnknown;
  // Why, when that is not obvious from the status (faults, refusals). Never a secret,
  // never a response body.
  std::string detail;
};

class Hook {
 public:
  explicit Hook(HookConfig config) : config_(std::move(config)) {}
  virtual ~Hook() = default;
  Hook(const Hook&) = delete;
  Hook& operator=(const Hook&) = delete;

  const HookConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }

  // Whether items carry the raw secret.
  virtual bool needs_secret() const = 0;
  // How many items one check()/revoke() call should carry.
  virtual std::size_t batch_size() const { return 1; }
  // One-time setup before the first call (oauth discovery). A failure makes every
  // item of this hook `unknown` with the error as detail.
  virtual Status prepare() { return Status::ok(); }
  virtual bool can_revoke() const { return true; }

  // `active` / `inactive` (or `revoked`, if the hook says so) per item.
  virtual std::vector<Verdict> check(std::span<const Item> items) const = 0;
  // `revoked` when the hook accepted the revocation; anything else is a failure.
  virtual std::vector<Verdict> revoke(std::span<const Item> items) const = 0;

 private:
  HookConfig config_;
};

// Builds the hook for a configuration, reading its client secret (from the
// environment variable or file named there). Errors name the hook and file.
Result<std::unique_ptr<Hook>> make_hook(const HookConfig& config);

// Reads client_secret_env / client_secret_file (trailing newline removed). Empty when
// the hook names neither.
Result<std::string> read_client_secret(const HookConfig& config);

// An unknown verdict for every item.
std::vector<Verdict> all_unknown(std::size_t n, const std::string& detail);

}  // namespace tokensweep::broker
