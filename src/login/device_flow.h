// RFC 8628 device authorization grant: start it, then poll the token endpoint.
// The device code stays inside DeviceAuthorization (a Secret) and is never shown;
// only the verification URI(s) and the user code are for the user.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/client.h"
#include "login/oauth.h"
#include "login/secret.h"

namespace tokensweep::login {

struct DeviceAuthorization {
  Secret device_code;
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // may be empty
  std::chrono::seconds expires_in{0};
  std::optional<std::chrono::seconds> interval;  // absent: RFC 8628 §3.2 says 5 s
};

// RFC 8628 §3.1–3.2: POST client_id and scope to the device authorization endpoint.
Result<DeviceAuthorization> start_device_authorization(const http::Client& client,
                                                       const Endpoints& endpoints,
                                                       std::string_view client_id,
                                                       std::string_view scope);

// The polling rules of RFC 8628 §3.5, with no I/O, so they can be tested alone.
class PollSchedule {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kDefaultInterval{5};
  static constexpr std::chrono::seconds kSlowDownStep{5};

  PollSchedule(std::optional<std::chrono::seconds> interval, std::chrono::seconds expires_in,
               Clock::time_point start);

  std::chrono::seconds interval() const { return interval_; }
  Clock::time_point deadline() const { return deadline_; }
  // RFC 8628 §3.5: slow_down adds 5 s to this and every later poll.
  void slow_down() { interval_ += kSlowDownStep; }
  // RFC 8628 §3.5: on a connection timeout, back off (we double the interval).
  void back_off() { interval_ *= 2; }
  // When to poll next, after a poll (or the authorization) at `last`; nullopt once the
  // device code will have expired by then (stop at expires_in).
  std::optional<Clock::time_point> next_poll(Clock::time_point last) const;

 private:
  std::chrono::seconds interval_;
  Clock::time_point deadline_;
};

enum class PollOutcome {
  kTokens,   // the user approved; tokens are in PollResult::tokens
  kDenied,   // access_denied
  kExpired,  // expired_token, or expires_in passed without an answer
  kFailed,   // any other OAuth error, or the transport gave up
};

struct PollResult {
  PollOutcome outcome = PollOutcome::kFailed;
  std::optional<TokenSet> tokens;
  std::string message;  // for the user; never contains a token
  int polls = 0;
  int slow_downs = 0;
};

// Injected time, so tests and callers can watch or speed up the loop.
struct PollClock {
  std::function<PollSchedule::Clock::time_point()> now;
  std::function<void(PollSchedule::Clock::time_point)> sleep_until;
};

// Polls until tokens, a terminal error, or the device code's expiry. Stops polling the
// moment it has tokens.
PollResult poll_for_tokens(const http::Client& client, const Endpoints& endpoints,
                           std::string_view client_id, const DeviceAuthorization& authorization,
                           PollClock clock = {});

}  // namespace tokensweep::login
