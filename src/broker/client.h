// broker::Client — checks (and with --revoke, revokes) a scan's findings through the
// hooks of a broker file (design §3.4). The only code that reads a finding's raw
// secret (SecretBytes::RevealKey), and only to hand it to the hook that claims it.
//
//   - A finding goes to the first hook, in file order, whose match claims it; a
//     finding no hook claims keeps status `unchecked`. When a provider-specific rule
//     (not `generic`) found a secret, only those findings route it: a GitHub token also
//     seen by a generic rule still never reaches a hook that claims only `generic`.
//   - Each distinct secret (fingerprint) is checked once per hook per run, however
//     often it was found; every finding of it gets the verdict.
//   - Hooks run at the same time; each has at most `concurrency` calls in flight.
//   - A fault is `unknown` with a diagnostic — never `inactive`, never an exception.
//   - --revoke: each `active` secret is revoked through its hook, then checked again;
//     `revoked` only when the hook no longer says active (or itself says revoked).
//
// Cost: one HTTP request per secret (oauth) or per batch (webhook: batch_size per
// request; exec: one run per batch). Thread-safety: run() is not reentrant.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "broker/audit.h"
#include "broker/config.h"
#include "broker/hook.h"
#include "common/diagnostic.h"
#include "common/result.h"
#include "report/finding.h"

namespace tokensweep::broker {

struct RunOptions {
  bool revoke = false;
  AuditLog* audit = nullptr;  // optional
};

struct RunSummary {
  std::size_t secrets = 0;      // distinct (hook, fingerprint) pairs asked about
  std::size_t active = 0, inactive = 0, revoked = 0, unknown = 0;  // per secret
  std::size_t unclaimed_findings = 0;
  double seconds = 0;
  // Faults and refusals, aggregated per hook and cause; path is "broker:<hook>".
  // Never a secret, never a response body.
  std::vector<Diagnostic> diagnostics;
};

class Client {
 public:
  // Builds every hook (reading client secrets from the environment or files). No
  // network traffic happens until run().
  static Result<Client> create(const BrokerConfig& config);

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  // Sets Finding::status on every claimed finding of `report`.
  RunSummary run(report::Report& report, const RunOptions& options);

 private:
  Client() = default;
  std::vector<std::unique_ptr<Hook>> hooks_;
};

}  // namespace tokensweep::broker
