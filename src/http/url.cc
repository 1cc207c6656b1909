#include "http/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tokensweep::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string escape(std::string_view value, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    if (is_unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ' && space_as_plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace

Result<UrlParts> parse_url(std::string_view url) {
  auto bad = [&](std::string why) {
    return make_error(ErrorCode::kInvalidArgument, "not a usable URL: " + why);
  };
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return bad("contains whitespace or control characters");
  }
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) return bad("no scheme");
  UrlParts parts;
  parts.scheme = lower(url.substr(0, colon));
  if (parts.scheme != "https" && parts.scheme != "http") return bad("scheme must be https");
  std::string_view rest = url.substr(colon + 3);
  if (rest.find('#') != std::string_view::npos) return bad("has a fragment");
  const auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  parts.path_and_query = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (!parts.path_and_query.empty() && parts.path_and_query[0] == '?') {
    parts.path_and_query = "/" + parts.path_and_query;
  }
  if (authority.find('@') != std::string_view::npos) return bad("has user information");
  if (authority.empty()) return bad("no host");

  std::string_view port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 literal");
    parts.host = lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    const auto pc = authority.rfind(':');
    parts.host = lower(authority.substr(0, pc));
    if (pc != std::string_view::npos) port_text = authority.substr(pc + 1);
  }
  if (parts.host.empty()) return bad("no host");
  parts.port = parts.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return bad("bad port");
    }
    parts.port = port;
  }
  return parts;
}

bool is_loopback_host(std::string_view host) {
  return host == "127.0.0.1" || host == "::1";
}

Status check_url_policy(std::string_view url, bool allow_http_loopback) {
  auto parts = parse_url(url);
  if (!parts) return parts.error();
  if (parts.value().scheme == "https") return Status::ok();
  if (!is_loopback_host(parts.value().host)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "refusing plain http to a non-loopback host (https is required)");
  }
  if (!allow_http_loopback) {
    return make_error(ErrorCode::kInvalidArgument,
                      "refusing plain http (https is required; --allow-http-loopback permits "
                      "http://127.0.0.1 and http://[::1] for tests)");
  }
  return Status::ok();
}

std::string form_escape(std::string_view value) { return escape(value, true); }
std::string percent_encode(std::string_view value) { return escape(value, false); }

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += form_escape(name);
    out.push_back('=');
    out += form_escape(value);
  }
  return out;
}

}  // namespace tokensweep::http
