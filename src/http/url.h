// URL checks and form encoding shared by every tokensweep HTTP caller.
// Pure functions: thread-safe, no allocation beyond the returned strings.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tokensweep::http {

struct UrlParts {
  std::string scheme;  // lowercase: "https" or "http"
  std::string host;    // as written, IPv6 without brackets, lowercase
  int port = 0;        // explicit port, or the scheme's default
  std::string path_and_query;
};

// Parses an absolute http(s) URL. Rejects userinfo ("user:pass@"), fragments,
// whitespace and control characters: a URL that carries credentials is refused.
Result<UrlParts> parse_url(std::string_view url);

// True for 127.0.0.1 and ::1 (literal addresses only: "localhost" can be re-pointed).
bool is_loopback_host(std::string_view host);

// The transport policy: https always; http only to a loopback literal and only when
// `allow_http_loopback` (tests and local brokers). Error code kInvalidArgument.
Status check_url_policy(std::string_view url, bool allow_http_loopback);

// application/x-www-form-urlencoded (WHATWG): unreserved bytes as is, space as '+',
// everything else %XX.
std::string form_escape(std::string_view value);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// Percent-encoding with %20 for space (RFC 3986 unreserved set kept).
std::string percent_encode(std::string_view value);

}  // namespace tokensweep::http
