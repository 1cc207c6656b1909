// RFC 8628 against the real authorization server (oidc-provider on 127.0.0.1): every
// poll answer the spec defines, the slow_down arithmetic, expiry, approval through the
// provider's own HTML pages, refresh rotation and discovery.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <future>
#include <regex>
#include <thread>

#include "common/sha256.h"
#include "login/commands.h"
#include "login/device_flow.h"
#include "login/oauth.h"
#include "login/support/broker.h"
#include "login/support/secret_assert.h"

namespace tokensweep::login {
namespace {

using namespace std::chrono_literals;
using testing::Broker;

http::Options loopback() {
  http::Options o;
  o.allow_http_loopback = true;
  o.total_timeout = 10s;
  return o;
}

// A started device authorization against a fresh server.
struct Flow {
  explicit Flow(std::vector<std::string> flags = {}) : broker(std::move(flags)), client(loopback()) {
    if (!broker.ready()) return;
    auto e = discover(client, broker.issuer());
    if (e) endpoints = e.value();
  }
  Result<DeviceAuthorization> start() {
    return start_device_authorization(client, endpoints, "tokensweep-login", "openid profile");
  }
  // Polls in the background; the test approves or denies meanwhile.
  std::future<PollResult> poll_async(const DeviceAuthorization& a) {
    return std::async(std::launch::async,
                      [this, &a] { return poll_for_tokens(client, endpoints, "tokensweep-login", a); });
  }
  // Waits until the server has answered `n` polls.
  bool wait_for_polls(std::size_t n, std::chrono::seconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (broker.polls().size() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }
  Broker broker;
  http::Client client;
  Endpoints endpoints;
};

#define ASSERT_BROKER(flow) \
  ASSERT_TRUE((flow).broker.ready()) << (flow).broker.diagnostics(); \
  ASSERT_FALSE((flow).endpoints.token_endpoint.empty())

std::size_t count(const std::vector<testing::PollEvent>& polls, const std::string& answer) {
  std::size_t n = 0;
  for (const auto& p : polls) n += p.answer == answer;
  return n;
}

TEST(DeviceFlow, DiscoveryFindsTheEndpointsAndRequiresTheExactIssuer) {
  Flow flow;
  ASSERT_BROKER(flow);
  EXPECT_EQ(flow.endpoints.issuer, flow.broker.issuer());
  EXPECT_FALSE(flow.endpoints.device_authorization_endpoint.empty());
  EXPECT_FALSE(flow.endpoints.revocation_endpoint.empty());
  // RFC 8414 §3.3: a document naming another issuer is rejected.
  auto other = discover(flow.client, flow.broker.issuer() + "/");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("expected"), std::string::npos) << other.error().message;
}

TEST(DeviceFlow, ShowsOnlyTheUserCodeAndVerificationUris) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_FALSE(a.value().device_code.empty());
  EXPECT_EQ(a.value().user_code.size(), 9u);  // XXXX-XXXX
  EXPECT_EQ(a.value().verification_uri, flow.broker.issuer() + "/device");
  EXPECT_NE(a.value().verification_uri_complete.find(a.value().user_code), std::string::npos);
  ASSERT_TRUE(a.value().interval.has_value());
  EXPECT_EQ(*a.value().interval, 1s);
}

TEST(DeviceFlow, AuthorizationPendingKeepsPollingUntilApprovedThenStopsAtOnce) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  auto result = flow.poll_async(a.value());
  ASSERT_TRUE(flow.wait_for_polls(2));
  ASSERT_TRUE(flow.broker.approve(a.value().user_code));
  PollResult r = result.get();
  ASSERT_EQ(r.outcome, PollOutcome::kTokens) << r.message;
  ASSERT_TRUE(r.tokens.has_value());
  EXPECT_FALSE(r.tokens->access_token.empty());
  EXPECT_FALSE(r.tokens->refresh_token.empty());
  EXPECT_FALSE(r.tokens->id_token.empty());
  // The server issued exactly these tokens.
  auto ledger = flow.broker.ledger();
  bool found = false;
  for (const auto& e : ledger) found |= e.kind == "access_token" && e.value == r.tokens->access_token.view();
  EXPECT_TRUE(found) << "access token " << r.tokens->access_token.fingerprint() << " not in the ledger";

  std::this_thread::sleep_for(2500ms);  // > 2 intervals: a client still polling would show
  auto polls = flow.broker.polls();
  EXPECT_GE(count(polls, "authorization_pending"), 2u);
  EXPECT_EQ(count(polls, "tokens"), 1u);
  EXPECT_EQ(polls.back().answer, "tokens");
  EXPECT_EQ(static_cast<std::size_t>(r.polls), polls.size());
}

TEST(DeviceFlow, AccessDeniedStopsWithAClearMessage) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  auto result = flow.poll_async(a.value());
  ASSERT_TRUE(flow.wait_for_polls(1));
  ASSERT_TRUE(flow.broker.approve(a.value().user_code, /*deny=*/true));
  PollResult r = result.get();
  EXPECT_EQ(r.outcome, PollOutcome::kDenied);
  EXPECT_FALSE(r.tokens.has_value());
  EXPECT_NE(r.message.find("denied"), std::string::npos);
  EXPECT_EQ(flow.broker.polls().back().answer, "access_denied");
}

TEST(DeviceFlow, ExpiredTokenFromTheServerStops) {
  // The code really lives 2 s, but the server claims 30 s, so the client is still
  // polling when the server starts answering expired_token.
  Flow flow({"--device-code-ttl", "2", "--advertise-expires-in", "30"});
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  PollResult r = poll_for_tokens(flow.client, flow.endpoints, "tokensweep-login", a.value());
  EXPECT_EQ(r.outcome, PollOutcome::kExpired);
  EXPECT_NE(r.message.find("expired"), std::string::npos);
  EXPECT_EQ(flow.broker.polls().back().answer, "expired_token");
}

TEST(DeviceFlow, StopsPollingAtExpiresInWithoutWaitingForTheServer) {
  // The server would accept polls for 60 s, but told the client 3 s.
  Flow flow({"--advertise-expires-in", "3"});
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  const auto start = std::chrono::steady_clock::now();
  PollResult r = poll_for_tokens(flow.client, flow.endpoints, "tokensweep-login", a.value());
  EXPECT_EQ(r.outcome, PollOutcome::kExpired);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  auto polls = flow.broker.polls();
  EXPECT_EQ(polls.size(), 2u);  // at 1 s and 2 s; the next (3 s) would be at the expiry
  EXPECT_EQ(count(polls, "expired_token"), 0u);
}

TEST(DeviceFlow, SlowDownAddsFiveSecondsToThisAndEveryLaterPoll) {
  // The server wants polls at least 2 s apart but advertises 1 s: the first poll is
  // told slow_down; from then on the client must wait 1 + 5 = 6 s every time.
  Flow flow({"--interval", "1", "--slow-down", "2"});
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  auto result = flow.poll_async(a.value());
  ASSERT_TRUE(flow.wait_for_polls(2, 20s));  // slow_down, then authorization_pending
  ASSERT_TRUE(flow.broker.approve(a.value().user_code));
  PollResult r = result.get();
  ASSERT_EQ(r.outcome, PollOutcome::kTokens) << r.message;
  EXPECT_EQ(r.slow_downs, 1);
  auto polls = flow.broker.polls();
  ASSERT_EQ(polls.size(), 3u);
  EXPECT_EQ(polls[0].answer, "slow_down");
  EXPECT_EQ(polls[1].answer, "authorization_pending");
  EXPECT_EQ(polls[2].answer, "tokens");
  // Millisecond timestamps from the server; allow 100 ms of scheduling slack.
  EXPECT_GE(polls[1].at_ms - polls[0].at_ms, 6000 - 100);
  EXPECT_GE(polls[2].at_ms - polls[1].at_ms, 6000 - 100);
  EXPECT_LT(polls[2].at_ms - polls[1].at_ms, 6000 + 2000);
}

TEST(DeviceFlow, WithoutAnIntervalTheClientWaitsFiveSeconds) {
  Flow flow({"--no-interval"});
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  EXPECT_FALSE(a.value().interval.has_value());
  auto result = flow.poll_async(a.value());
  ASSERT_TRUE(flow.wait_for_polls(1, 15s));
  ASSERT_TRUE(flow.broker.approve(a.value().user_code, /*deny=*/true));
  result.get();
  auto polls = flow.broker.polls();
  ASSERT_FALSE(polls.empty());
  EXPECT_GE(polls[0].at_ms - flow.broker.device_authorized_at_ms(), 5000 - 100);
}

// --- Approval through the provider's real pages, as a browser would ---------------

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct Browser {
  Browser() : curl(curl_easy_init()) {
    curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");  // in-memory cookie jar
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  }
  ~Browser() { curl_easy_cleanup(curl); }
  std::string get(const std::string& url) { return fetch(url, nullptr); }
  std::string post(const std::string& url, const std::string& form) { return fetch(url, &form); }
  std::string fetch(const std::string& url, const std::string* form) {
    std::string page;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &page);
    if (form) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form->c_str());
    } else {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    if (curl_easy_perform(curl) != CURLE_OK) return {};
    return page;
  }
  CURL* curl;
};

std::string unescape_html(std::string s) {
  for (auto [from, to] : {std::pair<std::string, std::string>{"&amp;", "&"}, {"&#x2F;", "/"}, {"&#x3D;", "="}, {"&quot;", "\""}}) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at)) s.replace(at, from.size(), to);
  }
  return s;
}

// Submits the page's first form: its hidden inputs, plus a login and password if asked.
bool submit_first_form(Browser& browser, std::string& page) {
  std::smatch form;
  if (!std::regex_search(page, form, std::regex(R"re(<form[^>]*action="([^"]+)")re"))) return false;
  std::string action = unescape_html(form[1]);
  std::string body;
  std::regex hidden(R"re(<input type="hidden" name="([^"]+)" value="([^"]*)")re");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), hidden); it != std::sregex_iterator(); ++it) {
    if (!body.empty()) body += "&";
    char* value = curl_easy_escape(browser.curl, unescape_html((*it)[2]).c_str(), 0);
    body += std::string((*it)[1]) + "=" + value;
    curl_free(value);
  }
  if (page.find("name=\"login\"") != std::string::npos) body += "&login=alice&password=any-password";
  page = browser.post(action, body);
  return true;
}

TEST(DeviceFlow, ApprovalThroughTheProvidersDeviceLoginAndConsentPages) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto a = flow.start();
  ASSERT_TRUE(a);
  auto result = flow.poll_async(a.value());

  Browser browser;
  std::string page = browser.get(a.value().verification_uri_complete);
  ASSERT_FALSE(page.empty());
  // user-code form -> confirm -> login -> consent -> success; a few steps at most.
  for (int step = 0; step < 6 && page.find("Sign-in Success") == std::string::npos; ++step) {
    ASSERT_TRUE(submit_first_form(browser, page)) << "no form at step " << step;
  }
  EXPECT_NE(page.find("Sign-in Success"), std::string::npos);
  PollResult r = result.get();
  ASSERT_EQ(r.outcome, PollOutcome::kTokens) << r.message;
  auto id = identity_from_id_token(r.tokens->id_token);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->subject, "alice");
}

// --- Refresh rotation and reuse detection -------------------------------------------

Result<TokenSet> logged_in(Flow& flow) {
  auto a = flow.start();
  if (!a) return a.error();
  auto result = flow.poll_async(a.value());
  if (!flow.wait_for_polls(1) || !flow.broker.approve(a.value().user_code)) {
    return make_error(ErrorCode::kInternal, "could not approve");
  }
  PollResult r = result.get();
  if (r.outcome != PollOutcome::kTokens) return make_error(ErrorCode::kInternal, r.message);
  return std::move(*r.tokens);
}

TEST(Refresh, RotatesTheRefreshTokenAndTheServerRejectsReuse) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto tokens = logged_in(flow);
  ASSERT_TRUE(tokens) << tokens.error().to_string();
  auto first = refresh(flow.client, flow.endpoints, "tokensweep-login", tokens.value().refresh_token);
  ASSERT_TRUE(first);
  ASSERT_TRUE(first.value().tokens.has_value());
  EXPECT_NE(first.value().tokens->refresh_token.view(), tokens.value().refresh_token.view());
  // Spending the old one again is reuse: invalid_grant (and the server revokes the grant).
  auto again = refresh(flow.client, flow.endpoints, "tokensweep-login", tokens.value().refresh_token);
  ASSERT_TRUE(again);
  ASSERT_TRUE(again.value().error.has_value());
  EXPECT_EQ(again.value().error->error, "invalid_grant");
}

// A store whose writes of one item fail, to prove the ordering of fresh_access_token.
class FailingStore final : public TokenStore {
 public:
  FailingStore(std::string fail_item) : inner_(make_memory_store()), fail_item_(std::move(fail_item)) {}
  StoreKind kind() const override { return StoreKind::kMemory; }
  std::string describe() const override { return "failing test store"; }
  StoreStatus probe() override { return {}; }
  StoreStatus put(std::string_view item, const Secret& value) override {
    puts.emplace_back(item);
    if (item == fail_item_) return {StoreState::kError, "disk on fire"};
    return inner_->put(item, value);
  }
  StoreStatus get(std::string_view item, Secret& out) override { return inner_->get(item, out); }
  StoreStatus remove(std::string_view item) override { return inner_->remove(item); }
  std::vector<std::string> puts;

 private:
  std::unique_ptr<TokenStore> inner_;
  std::string fail_item_;
};

TEST(Refresh, SavesTheRotatedRefreshTokenBeforeTheNewAccessToken) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto tokens = logged_in(flow);
  ASSERT_TRUE(tokens);
  FailingStore store("none");
  ASSERT_TRUE(store.put("refresh_token", tokens.value().refresh_token).ok());
  store.puts.clear();
  Config config;
  config.issuer = flow.broker.issuer();
  config.client_id = "tokensweep-login";
  auto token = fresh_access_token(flow.client, flow.endpoints, config, store, /*force=*/true);
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(store.puts, (std::vector<std::string>{"refresh_token", "access_token"}));
  EXPECT_GT(config.access_token_expires_at, 0);
}

TEST(Refresh, ARotatedRefreshTokenThatCannotBeSavedMeansTheNewAccessTokenIsNotUsed) {
  Flow flow;
  ASSERT_BROKER(flow);
  auto tokens = logged_in(flow);
  ASSERT_TRUE(tokens);
  FailingStore store("refresh_token");  // reads work; writing a refresh token fails
  auto seeded = make_memory_store();
  ASSERT_TRUE(seeded->put("refresh_token", tokens.value().refresh_token).ok());
  // FailingStore's own put would refuse the seed, so give it the token through the
  // inner store's interface the way an earlier login would have.
  class Seeded final : public TokenStore {
   public:
    Seeded(FailingStore& outer, TokenStore& inner) : outer_(outer), inner_(inner) {}
    StoreKind kind() const override { return StoreKind::kMemory; }
    std::string describe() const override { return outer_.describe(); }
    StoreStatus probe() override { return {}; }
    StoreStatus put(std::string_view item, const Secret& value) override { return outer_.put(item, value); }
    StoreStatus get(std::string_view item, Secret& out) override { return inner_.get(item, out); }
    StoreStatus remove(std::string_view item) override { return inner_.remove(item); }
   private:
    FailingStore& outer_;
    TokenStore& inner_;
  } view(store, *seeded);
  Config config;
  config.issuer = flow.broker.issuer();
  config.client_id = "tokensweep-login";
  auto token = fresh_access_token(flow.client, flow.endpoints, config, view, /*force=*/true);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("rotated refresh token"), std::string::npos) << token.error().message;
  EXPECT_EQ(store.puts, std::vector<std::string>{"refresh_token"});  // the access token was never stored
  EXPECT_EQ(config.access_token_expires_at, 0);
}

}  // namespace
}  // namespace tokensweep::login
