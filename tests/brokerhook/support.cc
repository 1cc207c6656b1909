#include "brokerhook/support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/sha256.h"
#include "http/client.h"

namespace tokensweep::testing {

std::string fp(const std::string& token) { return "sha256:" + sha256_hex(token).substr(0, 12); }

Tokens device_login(Broker& broker) {
  http::Options o;
  o.allow_http_loopback = true;
  http::Client client(o);
  Tokens t;
  auto auth = client.send(http::Request::post_form(
      broker.issuer() + "/device/auth", {{"client_id", "tokensweep-login"}, {"scope", "openid offline_access"}}));
  if (!auth || auth.value().status != 200) return t;
  auto doc = nlohmann::json::parse(auth.value().body, nullptr, false);
  if (!doc.is_object() || !broker.approve(doc.value("user_code", ""))) return t;
  auto token = client.send(http::Request::post_form(
      broker.issuer() + "/token", {{"client_id", "tokensweep-login"},
                                   {"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                   {"device_code", doc.value("device_code", "")}}));
  if (!token || token.value().status != 200) return t;
  auto tokens = nlohmann::json::parse(token.value().body, nullptr, false);
  if (!tokens.is_object()) return t;
  t.access_token = tokens.value("access_token", "");
  t.refresh_token = tokens.value("refresh_token", "");
  return t;
}

std::string ci_log(const Tokens& t) {
  return "2026-01-02T03:04:05Z ##[group]Run ./deploy.sh\n"
         "+ curl -sS -H 'Authorization: Bearer " + t.access_token + "' https://api.example.test/v1/me\n"
         "2026-01-02T03:04:06Z token endpoint said: {\"access_token\":\"" + t.access_token +
         "\",\"token_type\":\"Bearer\",\"expires_in\":600,\"refresh_token\":\"" + t.refresh_token + "\"}\n";
}

std::string Scan::status_of(const std::string& token) const {
  const std::string want = sha256_hex(token);
  std::string status;
  for (const auto& f : findings) {
    if (f.fingerprint != want) continue;
    if (status.empty()) status = f.status;
    else if (status != f.status) return "mixed";
  }
  return status;
}

Env scanner_env() {
  Env env = base_env();
  // The compiled rule database is cached across runs (else every run compiles it).
  env["TOKENSWEEP_CACHE_DIR"] = TOKENSWEEP_BINARY_DIR "/tests/brokerhook/engine-cache";
  return env;
}

Scan scan(std::vector<std::string> args, const Env& env) {
  args.insert(args.begin(), {kScanner, "scan", "--format", "jsonl"});
  ChildOptions o;
  o.env = scanner_env();
  for (const auto& [k, v] : env) o.env[k] = v;
  Scan s;
  s.run = run(args, o, std::chrono::seconds(120));
  std::istringstream lines(s.run.out);
  std::string line;
  while (std::getline(lines, line)) {
    auto doc = nlohmann::json::parse(line, nullptr, false);
    if (!doc.is_object()) continue;
    s.findings.push_back({doc.value("rule_id", ""), doc.value("provider", ""), doc.value("fingerprint", ""),
                          doc.value("status", "")});
  }
  return s;
}

bool free_of(const std::string& text, const std::vector<std::string>& tokens) {
  for (const auto& t : tokens) {
    if (t.empty()) continue;
    if (text.find(t) != std::string::npos) return false;
    // A token's first half alone is already too much.
    if (t.size() >= 16 && text.find(t.substr(0, t.size() / 2)) != std::string::npos) return false;
  }
  return true;
}

FaultServer::FaultServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(fd_, 64);
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FaultServer::~FaultServer() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

std::string FaultServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FaultServer::serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::string request;
    char buf[8192];
    // Read the head, then Content-Length bytes of body.
    for (int i = 0; i < 100 && !stop_; ++i) {
      pollfd q{c, POLLIN, 0};
      if (::poll(&q, 1, 20) <= 0) continue;
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      request.append(buf, static_cast<std::size_t>(n));
      const auto head_end = request.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      std::size_t length = 0;
      const auto cl = request.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) length = std::stoul(request.substr(cl + 16));
      if (request.size() >= head_end + 4 + length) break;
    }
    const std::string& reply = replies_[std::min<std::size_t>(requests_, replies_.size() - 1)];
    ++requests_;
    if (reply.empty()) {
      while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } else {
      const ssize_t ignored = ::write(c, reply.data(), reply.size());
      static_cast<void>(ignored);
    }
    http::wipe(request);
    ::close(c);
  }
}

std::string http_reply(int status, const std::string& body, const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace tokensweep::testing
