// type: webhook — the JSON protocol of design §3.4 over HTTPS (http to loopback only),
// hash-only unless send_secret: true.
#include "broker/hook.h"
#include "broker/hook_types.h"
#include "broker/http_hook_support.h"
#include "broker/protocol.h"

namespace tokensweep::broker {
namespace {

class WebhookHook final : public Hook {
 public:
  WebhookHook(HookConfig config, std::string secret)
      : Hook(std::move(config)), secret_(std::move(secret)), http_(http_options(this->config())) {}
  ~WebhookHook() override { http::wipe(secret_); }

  bool needs_secret() const override { return config().send_secret; }
  std::size_t batch_size() const override { return config().batch_size; }

  std::vector<Verdict> check(std::span<const Item> items) const override { return call("check", items); }
  std::vector<Verdict> revoke(std::span<const Item> items) const override { return call("revoke", items); }

 private:
  std::vector<Verdict> call(const char* action, std::span<const Item> items) const {
    http::Request req;
    req.method = "POST";
    req.url = config().url;
    req.headers.push_back({"Content-Type", "application/json"});
    req.headers.push_back({"Accept", "application/json"});
    if (!secret_.empty()) req.headers.push_back(basic_auth(config().client_id, secret_));
    req.body = encode_request(action, items, config().send_secret);  // wiped by ~Request
    auto r = http_.send(req);
    if (std::string failure = describe_failure(r); !failure.empty()) {
      return all_unknown(items.size(), std::string(action) + " " + failure);
    }
    return decode_response(r.value().body, items);
  }

  std::string secret_;
  http::Client http_;
};

}  // namespace

std::unique_ptr<Hook> make_webhook_hook(HookConfig config, std::string client_secret) {
  return std::make_unique<WebhookHook>(std::move(config), std::move(client_secret));
}

}  // namespace tokensweep::broker
