#include "broker/http_hook_support.h"

#include "common/base64.h"
#include "http/url.h"

namespace tokensweep::broker {

http::Options http_options(const HookConfig& config) {
  http::Options o;
  o.allow_http_loopback = true;  // http::Client still refuses plain http to anything else
  o.connect_timeout = config.connect_timeout;
  o.total_timeout = config.timeout;
  o.ca_file = config.ca_file;
  o.max_response_bytes = 4 << 20;
  o.retry.max_attempts = config.max_attempts;
  o.retry.max_retry_after = config.max_retry_after;
  return o;
}

http::Header basic_auth(const std::string& client_id, const std::string& secret) {
  std::string pair = http::form_escape(client_id) + ":" + http::form_escape(secret);
  http::Header h{"Authorization", "Basic " + base64_encode(pair)};
  http::wipe(pair);
  return h;
}

std::string describe_failure(const Result<http::Response>& r) {
  if (!r) {
    const Error& e = r.error();
    std::string what = e.code == ErrorCode::kNetwork ? "transport failure" : error_code_name(e.code);
    return what + ": " + e.to_string();
  }
  const http::Response& res = r.value();
  if (res.status >= 200 && res.status < 300) return {};
  std::string out = "answered HTTP " + std::to_string(res.status);
  if (res.status >= 300 && res.status < 400) {
    // Redirects are never followed (a token must not follow a Location to another host).
    std::string target = "elsewhere";
    if (auto location = res.header("location")) {
      auto parts = http::parse_url(*location);
      if (parts) target = parts.value().host;
    }
    out += " (redirect to " + target + ", not followed)";
  }
  if (res.attempts > 1) out += " after " + std::to_string(res.attempts) + " attempts";
  return out;
}

}  // namespace tokensweep::broker
