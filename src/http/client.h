// tokensweep::http — a small libcurl wrapper with one transport policy for every caller
// (the login client, the broker hook):
//   - TLS certificate and host verification always on (TLS 1.2 or newer);
//   - plain http only to a loopback literal (127.0.0.1, [::1]) and only when allowed;
//   - no redirects (a 3xx is returned to the caller, never followed);
//   - connect and total timeouts, and a cap on the response size;
//   - optional retries (Options::retry) on 429 and 5xx with capped exponential backoff,
//     honouring Retry-After up to a cap. Off by default (one attempt).
// Request and Response wipe their bodies and header values when destroyed, since
// both routinely carry tokens.
//
// Thread-safety: a Client is immutable after construction apart from set_observer();
// send() may be called from several threads at once (each call uses its own handle).
// Cost: one connection per send() (no pooling); fine for a CLI and a hook with a
// bounded number of checks.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tokensweep::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  Request() = default;
  Request(const Request&) = default;
  Request& operator=(const Request&) = default;
  Request(Request&&) = default;
  Request& operator=(Request&&) = default;
  ~Request();

  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<Header> headers;
  std::string body;

  // A POST with an application/x-www-form-urlencoded body.
  static Request post_form(std::string url,
                           const std::vector<std::pair<std::string, std::string>>& fields);
};

struct Response {
  Response() = default;
  Response(const Response&) = default;
  Response& operator=(const Response&) = default;
  Response(Response&&) = default;
  Response& operator=(Response&&) = default;
  ~Response();

  long status = 0;
  std::vector<Header> headers;  // names lowercased, in arrival order
  std::string body;
  int attempts = 1;             // how many exchanges send() made to get this answer

  // The last value of a header (name compared case-insensitively), if present.
  std::optional<std::string> header(std::string_view name) const;
  // RFC 9110 §10.2.3 Retry-After as delta-seconds (HTTP-dates are not honoured).
  std::optional<std::chrono::seconds> retry_after() const;
};

// Retries for answers that say "try later": 429 and every 5xx (RFC 9110 §15.6, RFC 6585
// §4). Connection, TLS and timeout failures are not retried (a hung or refusing server
// would only multiply the wait). Every retried method must be safe to repeat: the
// callers' are (introspection, RFC 7009 revocation, webhook checks and revocations).
struct RetryPolicy {
  int max_attempts = 1;  // 1: no retries
  std::chrono::milliseconds initial_backoff{200};  // doubled after each attempt ...
  std::chrono::milliseconds max_backoff{5'000};    // ... up to this
  // A Retry-After longer than this is not waited for: the answer is returned as it is.
  std::chrono::seconds max_retry_after{30};
};

struct Options {
  bool allow_http_loopback = false;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
  std::size_t max_response_bytes = 1 << 20;
  std::string user_agent = "tokensweep/0.1";
  std::string ca_file;  // an extra trust anchor bundle (a private CA); empty: system store
  RetryPolicy retry;
};

// Called once per exchange (each retry is an exchange), after it ends, for debug logging. It sees raw bodies:
// whoever installs one must redact before writing anything.
using Observer = std::function<void(const Request&, const Result<Response>&)>;

class Client {
 public:
  explicit Client(Options options = {});

  // Sends one request (retrying as Options::retry allows). Errors: kInvalidArgument for a URL the policy refuses,
  // kNetwork for connection/TLS/timeout failures, kLimit for an oversized response.
  // An HTTP error status is not an Error: it comes back in Response::status.
  Result<Response> send(const Request& request) const;

  void set_observer(Observer observer) { observer_ = std::move(observer); }
  const Options& options() const { return options_; }

 private:
  Result<Response> perform(const Request& request) const;

  Options options_;
  Observer observer_;
};

// Overwrites a string's bytes before it is released.
void wipe(std::string& s);

}  // namespace tokensweep::http
