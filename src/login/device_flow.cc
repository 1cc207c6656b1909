#include "login/device_flow.h"

#include <thread>

#include "login/json_wipe.h"

namespace tokensweep::login {

Result<DeviceAuthorization> start_device_authorization(const http::Client& client,
                                                       const Endpoints& endpoints,
                                                       std::string_view client_id,
                                                       std::string_view scope) {
  if (endpoints.device_authorization_endpoint.empty()) {
    return make_error(ErrorCode::kUnsupported,
                      "the server advertises no device_authorization_endpoint", endpoints.issuer);
  }
  std::vector<std::pair<std::string, std::string>> fields = {{"client_id", std::string(client_id)}};
  if (!scope.empty()) fields.emplace_back("scope", std::string(scope));
  auto response = client.send(http::Request::post_form(endpoints.device_authorization_endpoint, fields));
  if (!response) return response.error();
  nlohmann::json doc = parse_json(response.value().body);
  if (response.value().status != 200) {
    std::string error = string_member(doc, "error");
    std::string description = string_member(doc, "error_description");
    wipe_json(doc);
    return make_error(ErrorCode::kNetwork,
                      "device authorization refused: HTTP " + std::to_string(response.value().status) +
                          (error.empty() ? "" : " " + error) +
                          (description.empty() ? "" : " (" + description + ")"));
  }
  DeviceAuthorization a;
  a.device_code = take_secret(doc, "device_code");
  a.user_code = string_member(doc, "user_code");
  a.verification_uri = string_member(doc, "verification_uri");
  a.verification_uri_complete = string_member(doc, "verification_uri_complete");
  bool bad_numbers = false;
  if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer() && it->get<long long>() > 0) {
    a.expires_in = std::chrono::seconds(it->get<long long>());
  } else {
    bad_numbers = true;
  }
  if (auto it = doc.find("interval"); it != doc.end()) {
    if (it->is_number_integer() && it->get<long long>() >= 0) {
      a.interval = std::chrono::seconds(it->get<long long>());
    } else {
      bad_numbers = true;
    }
  }
  wipe_json(doc);
  if (a.device_code.empty() || a.user_code.empty() || a.verification_uri.empty() || bad_numbers) {
    return make_error(ErrorCode::kMalformed,
                      "device authorization response lacks device_code, user_code, "
                      "verification_uri or a positive expires_in");
  }
  return a;
}

PollSchedule::PollSchedule(std::optional<std::chrono::seconds> interval,
                           std::chrono::seconds expires_in, Clock::time_point start)
    : interval_(interval.value_or(kDefaultInterval)), deadline_(start + expires_in) {}

std::optional<PollSchedule::Clock::time_point> PollSchedule::next_poll(Clock::time_point last) const {
  auto next = last + interval_;
  if (next >= deadline_) return std::nullopt;
  return next;
}

PollResult poll_for_tokens(const http::Client& client, const Endpoints& endpoints,
                           std::string_view client_id, const DeviceAuthorization& authorization,
                           PollClock clock) {
  if (!clock.now) clock.now = [] { return PollSchedule::Clock::now(); };
  if (!clock.sleep_until) clock.sleep_until = [](auto t) { std::this_thread::sleep_until(t); };

  PollResult result;
  auto last = clock.now();
  PollSchedule schedule(authorization.interval, authorization.expires_in, last);
  while (true) {
    auto next = schedule.next_poll(last);
    if (!next) {
      result.outcome = PollOutcome::kExpired;
      result.message = "the device code expired before the request was approved; run login again";
      return result;
    }
    clock.sleep_until(*next);
    last = clock.now();
    ++result.polls;
    auto response = client.send(http::Request::post_form(
        endpoints.token_endpoint,
        {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
         {"device_code", std::string(authorization.device_code.view())},
         {"client_id", std::string(client_id)}}));
    if (!response) {
      if (response.error().code == ErrorCode::kNetwork) {
        schedule.back_off();
        continue;
      }
      result.message = response.error().to_string();
      return result;
    }
    auto reply = parse_token_response(response.value());
    if (!reply) {
      result.message = reply.error().to_string();
      return result;
    }
    if (reply.value().tokens) {
      result.outcome = PollOutcome::kTokens;
      result.tokens = std::move(reply.value().tokens);
      return result;
    }
    const OAuthError& error = *reply.value().error;
    if (error.error == "authorization_pending") continue;
    if (error.error == "slow_down") {
      ++result.slow_downs;
      schedule.slow_down();
      continue;
    }
    if (error.error == "access_denied") {
      result.outcome = PollOutcome::kDenied;
      result.message = "the request was denied at the authorization server";
    } else if (error.error == "expired_token") {
      result.outcome = PollOutcome::kExpired;
      result.message = "the device code expired before the request was approved; run login again";
    } else {
      result.message = "the token endpoint answered " + error.error +
                       (error.description.empty() ? "" : " (" + error.description + ")");
    }
    return result;
  }
}

}  // namespace tokensweep::login
