#include "login/support/broker.h"

#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/base64.h"
#include "common/sha256.h"
#include "http/client.h"

namespace tokensweep::testing {
namespace {

std::vector<nlohmann::json> json_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    auto doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_object()) out.push_back(std::move(doc));
  }
  return out;
}

}  // namespace

std::string LedgerEntry::fingerprint() const { return kind + " sha256:" + sha256_hex(value).substr(0, 12); }

Broker::Broker(std::vector<std::string> flags) : scanner_secret_("scanner-" + random_hex(16)) {
  std::vector<std::string> argv = {TOKENSWEEP_SOURCE_DIR "/tests/broker/run",
                                   "--ledger", dir_ / "ledger.jsonl",
                                   "--events", dir_ / "events.jsonl",
                                   "--auto-approve", "--watch-stdin"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  ChildOptions options;
  options.env = base_env();
  options.env["BROKER_SCANNER_SECRET"] = scanner_secret_;
  options.keep_stdin = true;
  child_ = std::make_unique<Child>(argv, options);
  if (child_->wait_for_out("\n", std::chrono::seconds(30))) {
    const std::string& out = child_->out();
    if (out.rfind("READY ", 0) == 0) issuer_ = out.substr(6, out.find('\n') - 6);
  }
}

Broker::~Broker() { stop(); }

void Broker::stop() {
  if (!child_) return;
  child_->signal(SIGTERM);
  if (!child_->wait(std::chrono::seconds(10))) {
    // wait() has already killed it; nothing is left running either way.
  }
  child_.reset();
}

std::string Broker::diagnostics() const { return child_ ? child_->err() : std::string(); }

bool Broker::approve(const std::string& user_code, bool deny) {
  http::Options o;
  o.allow_http_loopback = true;
  http::Client client(o);
  std::vector<std::pair<std::string, std::string>> form = {{"user_code", user_code}};
  if (deny) form.emplace_back("deny", "1");
  auto r = client.send(http::Request::post_form(issuer_ + "/__test/approve", form));
  return r && r.value().status == 200;
}

std::vector<LedgerEntry> Broker::ledger() const {
  std::vector<LedgerEntry> out;
  for (const auto& doc : json_lines(dir_ / "ledger.jsonl")) {
    out.push_back({doc.value("kind", ""), doc.value("value", "")});
  }
  return out;
}

std::vector<PollEvent> Broker::polls() const {
  std::vector<PollEvent> out;
  for (const auto& doc : json_lines(dir_ / "events.jsonl")) {
    if (doc.value("event", "") == "poll") out.push_back({doc.value("answer", ""), doc.value("at", 0LL)});
  }
  return out;
}

long long Broker::device_authorized_at_ms() const {
  for (const auto& doc : json_lines(dir_ / "events.jsonl")) {
    if (doc.value("event", "") == "device_authorization") return doc.value("at", 0LL);
  }
  return 0;
}

std::vector<std::string> Broker::token_errors() const {
  std::vector<std::string> out;
  for (const auto& doc : json_lines(dir_ / "events.jsonl")) {
    if (doc.value("event", "") == "token_error") out.push_back(doc.value("error", ""));
  }
  return out;
}

Result<bool> Broker::active(const std::string& token) const {
  http::Options o;
  o.allow_http_loopback = true;
  http::Client client(o);
  auto request = http::Request::post_form(issuer_ + "/token/introspection", {{"token", token}});
  request.headers.push_back(
      {"Authorization", "Basic " + base64_encode("tokensweep-scanner:" + scanner_secret_)});
  auto r = client.send(request);
  if (!r) return r.error();
  if (r.value().status != 200) {
    return make_error(ErrorCode::kNetwork, "introspection answered " + std::to_string(r.value().status));
  }
  auto doc = nlohmann::json::parse(r.value().body, nullptr, false);
  if (!doc.is_object()) return make_error(ErrorCode::kMalformed, "introspection: not JSON");
  return doc.value("active", false);
}

std::string user_code_from(const std::string& client_stderr) {
  const std::string marker = "enter the code ";
  auto at = client_stderr.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  auto end = client_stderr.find_first_of(" \r\n", at);
  return client_stderr.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace tokensweep::testing
