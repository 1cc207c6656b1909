// Helpers for the broker hook tests: tokens from the real device flow, running the
// scanner, reading its JSON Lines, a loopback fault server, and secret-safe asserts.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "login/support/broker.h"
#include "login/support/process.h"

namespace tokensweep::testing {

inline const std::string kScanner = TOKENSWEEP_BINARY_DIR "/scanner/tokensweep";
inline const std::string kLogin = TOKENSWEEP_BINARY_DIR "/src/login/tokensweep-login";

struct Tokens {
  std::string access_token, refresh_token;  // never print: use fp()
};

// "sha256:<12 hex>" — how a failure names a token.
std::string fp(const std::string& token);

// One device-flow login as tokensweep-login, approved through --auto-approve.
Tokens device_login(Broker& broker);

// A fake CI log with the usual leak shapes: an Authorization header and a token
// endpoint JSON dump.
std::string ci_log(const Tokens& t);

struct Finding {
  std::string rule_id, provider, fingerprint, status;
};

struct Scan {
  RunResult run;
  std::vector<Finding> findings;
  // Status of the findings with this token's fingerprint ("" when none; "mixed" when they differ).
  std::string status_of(const std::string& token) const;
};

// base_env() plus a shared engine cache directory.
Env scanner_env();

// tokensweep scan --format jsonl ARGS..., with `env` added to the base environment.
Scan scan(std::vector<std::string> args, const Env& env = {});

// True when no token appears in `text` (raw, or JSON-escaped for '/' forms).
bool free_of(const std::string& text, const std::vector<std::string>& tokens);

// Accepts on 127.0.0.1 and answers the n-th request with replies[n] (the last repeats);
// an empty reply hangs until stopped. Records each request (head and body).
class FaultServer {
 public:
  explicit FaultServer(std::vector<std::string> replies);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;
  std::string url(const std::string& path = "/hook") const;
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void serve();
  std::vector<std::string> replies_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// An HTTP/1.1 response with a JSON body.
std::string http_reply(int status, const std::string& body, const std::string& extra_headers = "");

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port();

}  // namespace tokensweep::testing
