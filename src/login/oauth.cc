#include "login/oauth.h"

#include <vector>

#include "common/base64.h"
#include "http/url.h"
#include "login/json_wipe.h"

namespace tokensweep::login {
namespace {

Result<Endpoints> parse_discovery(const http::Response& response, const std::string& issuer,
                                  const http::Client& client) {
  nlohmann::json doc = parse_json(response.body);
  if (!doc.is_object()) {
    return make_error(ErrorCode::kMalformed, "discovery document is not a JSON object", issuer);
  }
  Endpoints e;
  e.issuer = string_member(doc, "issuer");
  // RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer must match exactly, or the
  // document (and every endpoint in it) is someone else's.
  if (e.issuer != issuer) {
    return make_error(ErrorCode::kMalformed,
                      "discovery document names issuer '" + e.issuer + "', expected '" + issuer + "'",
                      issuer);
  }
  e.device_authorization_endpoint = string_member(doc, "device_authorization_endpoint");
  e.token_endpoint = string_member(doc, "token_endpoint");
  e.revocation_endpoint = string_member(doc, "revocation_endpoint");
  e.introspection_endpoint = string_member(doc, "introspection_endpoint");
  if (e.token_endpoint.empty()) {
    return make_error(ErrorCode::kMalformed, "discovery document has no token_endpoint", issuer);
  }
  const bool loopback = client.options().allow_http_loopback;
  for (const std::string* url : {&e.device_authorization_endpoint, &e.token_endpoint,
                                 &e.revocation_endpoint, &e.introspection_endpoint}) {
    if (url->empty()) continue;
    if (Status ok = http::check_url_policy(*url, loopback); !ok) {
      return make_error(ErrorCode::kMalformed, "endpoint " + *url + ": " + ok.error().message, issuer);
    }
  }
  return e;
}

// RFC 8414 §3: the well-known segment goes between the host and the issuer's path.
std::string well_known(const std::string& issuer, std::string_view suffix) {
  auto scheme_end = issuer.find("://");
  auto path_at = issuer.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_at == std::string::npos) return issuer + "/.well-known/" + std::string(suffix);
  std::string path = issuer.substr(path_at);
  if (path == "/") path.clear();
  return issuer.substr(0, path_at) + "/.well-known/" + std::string(suffix) + path;
}

}  // namespace

Result<Endpoints> discover(const http::Client& client, const std::string& issuer) {
  if (Status ok = http::check_url_policy(issuer, client.options().allow_http_loopback); !ok) {
    return ok.error();
  }
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::vector<std::string> candidates = {base + "/.well-known/openid-configuration",
                                         well_known(issuer, "oauth-authorization-server")};
  Error last = make_error(ErrorCode::kNetwork, "no discovery document", issuer);
  for (const auto& url : candidates) {
    http::Request request;
    request.url = url;
    request.headers.push_back({"Accept", "application/json"});
    auto response = client.send(request);
    if (!response) return response.error();
    if (response.value().status == 200) return parse_discovery(response.value(), issuer, client);
    last = make_error(ErrorCode::kNetwork,
                      "discovery answered HTTP " + std::to_string(response.value().status), url);
  }
  return last;
}

Result<TokenReply> parse_token_response(const http::Response& response) {
  nlohmann::json doc = parse_json(response.body);
  TokenReply reply;
  if (!doc.is_object()) {
    return make_error(ErrorCode::kMalformed,
                      "token endpoint answered HTTP " + std::to_string(response.status) +
                          " without a JSON object");
  }
  if (response.status == 200) {
    TokenSet tokens;
    tokens.access_token = take_secret(doc, "access_token");
    tokens.refresh_token = take_secret(doc, "refresh_token");
    tokens.id_token = take_secret(doc, "id_token");
    tokens.token_type = string_member(doc, "token_type");
    tokens.scope = string_member(doc, "scope");
    if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer()) {
      tokens.expires_in = std::chrono::seconds(it->get<long long>());
    }
    wipe_json(doc);
    if (tokens.access_token.empty()) {
      return make_error(ErrorCode::kMalformed, "token response has no access_token");
    }
    reply.tokens = std::move(tokens);
    return reply;
  }
  OAuthError error{string_member(doc, "error"), string_member(doc, "error_description")};
  wipe_json(doc);
  if (error.error.empty()) {
    return make_error(ErrorCode::kMalformed,
                      "token endpoint answered HTTP " + std::to_string(response.status) +
                          " without an OAuth error");
  }
  reply.error = std::move(error);
  return reply;
}

Result<TokenReply> refresh(const http::Client& client, const Endpoints& endpoints,
                           std::string_view client_id, const Secret& refresh_token) {
  auto request = http::Request::post_form(
      endpoints.token_endpoint, {{"grant_type", "refresh_token"},
                                 {"client_id", std::string(client_id)},
                                 {"refresh_token", std::string(refresh_token.view())}});
  auto response = client.send(request);
  if (!response) return response.error();
  return parse_token_response(response.value());
}

Status revoke(const http::Client& client, const Endpoints& endpoints, std::string_view client_id,
              const Secret& token, std::string_view token_type_hint) {
  if (endpoints.revocation_endpoint.empty()) {
    return make_error(ErrorCode::kUnsupported, "the server advertises no revocation_endpoint");
  }
  auto request = http::Request::post_form(endpoints.revocation_endpoint,
                                          {{"token", std::string(token.view())},
                                           {"token_type_hint", std::string(token_type_hint)},
                                           {"client_id", std::string(client_id)}});
  auto response = client.send(request);
  if (!response) return response.error();
  // RFC 7009 §2.2: 200 whether or not the token was valid.
  if (response.value().status != 200) {
    nlohmann::json doc = parse_json(response.value().body);
    std::string error = string_member(doc, "error");
    wipe_json(doc);
    return make_error(ErrorCode::kNetwork,
                      "revocation answered HTTP " + std::to_string(response.value().status) +
                          (error.empty() ? "" : " (" + error + ")"));
  }
  return Status::ok();
}

std::optional<Identity> identity_from_id_token(const Secret& id_token) {
  std::string_view jwt = id_token.view();
  auto first = jwt.find('.');
  auto second = first == std::string_view::npos ? first : jwt.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto payload = base64_decode(jwt.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  nlohmann::json claims = parse_json(*payload);
  if (!claims.is_object()) return std::nullopt;
  Identity id{string_member(claims, "sub"), string_member(claims, "name"),
              string_member(claims, "email")};
  if (id.subject.empty()) return std::nullopt;
  return id;
}

}  // namespace tokensweep::login
