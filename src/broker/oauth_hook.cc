// type: oauth — RFC 7662 introspection and RFC 7009 revocation as a confidential
// client, endpoints from RFC 8414 / OIDC discovery or the configuration.
#include <nlohmann/json.hpp>

#include "broker/hook.h"
#include "broker/hook_types.h"
#include "broker/http_hook_support.h"
#include "http/url.h"

namespace tokensweep::broker {
namespace {

using Json = nlohmann::json;

std::string strip_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// RFC 7662 §2.1 / RFC 7009 §2.1 token_type_hint from the finding's kind.
std::string hint_for(const std::string& kind) {
  if (kind == "refresh_token") return "refresh_token";
  if (kind == "access_token" || kind == "id_token" || kind == "session_token") return "access_token";
  return {};
}

std::string string_field(const Json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class OauthHook final : public Hook {
 public:
  OauthHook(HookConfig config, std::string secret)
      : Hook(std::move(config)), secret_(std::move(secret)), http_(http_options(this->config())) {
    introspection_ = this->config().introspection_endpoint;
    revocation_ = this->config().revocation_endpoint;
  }
  ~OauthHook() override { http::wipe(secret_); }

  bool needs_secret() const override { return true; }
  bool can_revoke() const override { return !revocation_.empty(); }

  Status prepare() override {
    if (!introspection_.empty() && (!revocation_.empty() || config().issuer.empty())) return Status::ok();
    auto meta = discover();
    if (!meta) return meta.error();
    const Json& doc = meta.value();
    if (introspection_.empty()) introspection_ = string_field(doc, "introspection_endpoint");
    if (revocation_.empty()) revocation_ = string_field(doc, "revocation_endpoint");
    if (introspection_.empty()) {
      return make_error(ErrorCode::kMalformed, "the issuer's metadata names no introspection_endpoint",
                        config().issuer);
    }
    return Status::ok();
  }

  std::vector<Verdict> check(std::span<const Item> items) const override {
    std::vector<Verdict> out;
    for (const Item& item : items) out.push_back(introspect(item));
    return out;
  }

  std::vector<Verdict> revoke(std::span<const Item> items) const override {
    std::vector<Verdict> out;
    for (const Item& item : items) out.push_back(revoke_one(item));
    return out;
  }

 private:
  // RFC 8414 §3: /.well-known/oauth-authorization-server inserted before the issuer's
  // path; OIDC Discovery §4: /.well-known/openid-configuration appended to it.
  Result<Json> discover() const {
    const std::string issuer = strip_slash(config().issuer);
    auto parts = http::parse_url(issuer);
    if (!parts) return parts.error();
    const std::string path = parts.value().path_and_query == "/" ? "" : parts.value().path_and_query;
    const std::string origin = issuer.substr(0, issuer.size() - path.size());
    const std::string candidates[] = {issuer + "/.well-known/openid-configuration",
                                      origin + "/.well-known/oauth-authorization-server" + path};
    std::string last_failure;
    for (const auto& url : candidates) {
      http::Request req;
      req.url = url;
      req.headers.push_back({"Accept", "application/json"});
      auto r = http_.send(req);
      if (std::string failure = describe_failure(r); !failure.empty()) {
        last_failure = failure;
        if (!r) break;  // the server is not there at all: do not try the second path
        continue;
      }
      Json doc = Json::parse(r.value().body, nullptr, false);
      if (!doc.is_object()) {
        last_failure = "metadata is not a JSON object";
        continue;
      }
      // RFC 8414 §3.3: the metadata must be about the issuer we asked for.
      if (strip_slash(string_field(doc, "issuer")) != issuer) {
        return make_error(ErrorCode::kMalformed, "discovery metadata names a different issuer", issuer);
      }
      return doc;
    }
    return make_error(ErrorCode::kNetwork, "discovery failed: " + last_failure, issuer);
  }

  http::Request form_request(const std::string& url, const Item& item) const {
    std::vector<std::pair<std::string, std::string>> fields = {{"token", std::string(item.secret)}};
    if (auto hint = hint_for(item.kind); !hint.empty()) fields.emplace_back("token_type_hint", hint);
    http::Request req = http::Request::post_form(url, fields);
    http::wipe(fields[0].second);
    req.headers.push_back(basic_auth(config().client_id, secret_));
    return req;
  }

  Verdict introspect(const Item& item) const {
    if (item.secret.empty()) return {report::BrokerStatus::kUnknown, "the finding carries no secret to ask about"};
    auto r = http_.send(form_request(introspection_, item));
    if (std::string failure = describe_failure(r); !failure.empty()) {
      if (r && (r.value().status == 401 || r.value().status == 403)) {
        failure += " (the hook's client credentials were refused)";
      }
      return {report::BrokerStatus::kUnknown, "introspection " + failure};
    }
    Json doc = Json::parse(r.value().body, nullptr, false);
    // RFC 7662 §2.2: `active` is REQUIRED and boolean. Anything else is not a verdict.
    if (!doc.is_object() || !doc.contains("active") || !doc["active"].is_boolean()) {
      return {report::BrokerStatus::kUnknown, "introspection answer has no boolean 'active'"};
    }
    return {doc["active"].get<bool>() ? report::BrokerStatus::kActive : report::BrokerStatus::kInactive, {}};
  }

  Verdict revoke_one(const Item& item) const {
    if (revocation_.empty()) return {report::BrokerStatus::kUnknown, "no revocation_endpoint"};
    if (item.secret.empty()) return {report::BrokerStatus::kUnknown, "the finding carries no secret to revoke"};
    auto r = http_.send(form_request(revocation_, item));
    // RFC 7009 §2.2: 200 whether or not the token was valid.
    if (std::string failure = describe_failure(r); !failure.empty()) {
      return {report::BrokerStatus::kUnknown, "revocation " + failure};
    }
    return {report::BrokerStatus::kRevoked, {}};
  }

  std::string secret_;
  http::Client http_;
  std::string introspection_;
  std::string revocation_;
};

}  // namespace

std::unique_ptr<Hook> make_oauth_hook(HookConfig config, std::string client_secret) {
  return std::make_unique<OauthHook>(std::move(config), std::move(client_secret));
}

}  // namespace tokensweep::broker
