// Shared by the HTTP hooks (oauth, webhook): one http::Client per hook with the hook's
// timeouts and retries, and fault descriptions that never include a response body.
#pragma once

#include <string>

#include "broker/config.h"
#include "common/result.h"
#include "http/client.h"

namespace tokensweep::broker {

// Plain http only to a loopback literal (design §3.4); TLS verification always on.
http::Options http_options(const HookConfig& config);

// "Authorization: Basic ..." with RFC 6749 §2.3.1 encoding (form-encode, then base64).
http::Header basic_auth(const std::string& client_id, const std::string& secret);

// A short description of an exchange that did not give a usable 2xx answer:
// "connection failed: ...", "answered 503 after 3 attempts", "answered 302 (redirect to
// host.example, not followed)". Empty for a 2xx.
std::string describe_failure(const Result<http::Response>& r);

}  // namespace tokensweep::broker
