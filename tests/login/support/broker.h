// Test support: the real authorization server (tests/broker/run, oidc-provider) on
// 127.0.0.1, port 0, started per test and stopped (SIGTERM, then reaped) by the
// destructor. Its stdin stays open, so it also exits if the test process dies.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "login/support/process.h"

namespace tokensweep::testing {

struct LedgerEntry {
  std::string kind;   // device_code, access_token, refresh_token, id_token
  std::string value;  // never print this: use fingerprint()
  std::string fingerprint() const;  // "<kind> sha256:<12 hex>"
};

struct PollEvent {
  std::string answer;  // tokens, authorization_pending, slow_down, access_denied, expired_token
  long long at_ms = 0;
};

class Broker {
 public:
  // Extra flags for tests/broker/run (--slow-down 2, --device-code-ttl 3, ...).
  explicit Broker(std::vector<std::string> flags = {});
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  bool ready() const { return !issuer_.empty(); }
  const std::string& issuer() const { return issuer_; }
  const std::string& scanner_secret() const { return scanner_secret_; }
  std::string diagnostics() const;  // its stderr so far

  // POST /__test/approve (requires --auto-approve, which the constructor always adds).
  bool approve(const std::string& user_code, bool deny = false);
  std::vector<LedgerEntry> ledger() const;
  std::vector<PollEvent> polls() const;
  long long device_authorized_at_ms() const;
  // Errors the token endpoint gave outside the device flow (e.g. invalid_grant on reuse).
  std::vector<std::string> token_errors() const;
  // RFC 7662 introspection as tokensweep-scanner: true when the server says active.
  Result<bool> active(const std::string& token) const;

  void stop();

 private:
  TempDir dir_;
  std::string scanner_secret_;
  std::string issuer_;
  std::unique_ptr<Child> child_;
};

// The user code from the client's "enter the code XXXX-XXXX" line, or "".
std::string user_code_from(const std::string& client_stderr);

}  // namespace tokensweep::testing
