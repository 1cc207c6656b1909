// The transport policy, proven against a real socket on 127.0.0.1 that the test
// controls byte for byte.
#include "http/client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace tokensweep::http {
namespace {

// Accepts connections on 127.0.0.1 and answers each with `reply` (or never answers,
// when `reply` is empty), counting how many requests it saw. With several replies, the
// n-th request gets the n-th reply (the last one repeats).
class CannedServer {
 public:
  explicit CannedServer(std::string reply) : CannedServer(std::vector<std::string>{std::move(reply)}) {}
  explicit CannedServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 8);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CannedServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_; }
  std::string last_request() const { return last_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      // Read the head (and a small body) with a short deadline.
      for (int i = 0; i < 20; ++i) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 50) <= 0) {
          if (request.find("\r\n\r\n") != std::string::npos) break;
          continue;
        }
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      const std::string& reply_ = replies_[std::min<std::size_t>(requests_, replies_.size() - 1)];
      ++requests_;
      last_ = request;
      if (reply_.empty()) {
        while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } else {
        ssize_t ignored = write(c, reply_.data(), reply_.size());
        static_cast<void>(ignored);
      }
      close(c);
    }
  }

  std::vector<std::string> replies_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::string last_;
  std::thread thread_;
};

Options loopback() {
  Options o;
  o.allow_http_loopback = true;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.total_timeout = std::chrono::milliseconds(2000);
  return o;
}

TEST(HttpClient, ReturnsStatusHeadersAndBody) {
  CannedServer server("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nRetry-After: 7\r\n"
                      "Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
  Client client(loopback());
  auto r = client.send(Request::post_form(server.url("/x"), {{"a", "b c"}}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 201);
  EXPECT_EQ(r.value().body, "{\"ok\":true}");
  EXPECT_EQ(r.value().header("content-type").value_or(""), "application/json");
  EXPECT_EQ(r.value().retry_after().value_or(std::chrono::seconds(0)), std::chrono::seconds(7));
  EXPECT_NE(server.last_request().find("POST /x HTTP/1.1"), std::string::npos);
  EXPECT_NE(server.last_request().find("a=b+c"), std::string::npos);
}

TEST(HttpClient, NeverFollowsARedirect) {
  CannedServer target("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  CannedServer redirector("HTTP/1.1 302 Found\r\nLocation: " + target.url("/stolen") +
                          "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  Client client(loopback());
  Request request;
  request.url = redirector.url();
  auto r = client.send(request);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 302);
  EXPECT_EQ(target.requests(), 0);
}

TEST(HttpClient, RefusesPlainHttpBeforeConnectingWhenNotAllowed) {
  CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  Client client;  // default: https only
  Request request;
  request.url = server.url();
  auto r = client.send(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(server.requests(), 0);
}

TEST(HttpClient, VerifiesTlsCertificates) {
  // A plain-HTTP listener cannot complete a TLS handshake; the point is that https to
  // it fails as a network error rather than silently downgrading.
  CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  Client client(loopback());
  Request request;
  request.url = "https://127.0.0.1:" + server.url().substr(server.url().rfind(':') + 1);
  auto r = client.send(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
}

TEST(HttpClient, GivesUpAtTheTotalTimeout) {
  CannedServer silent("");
  Options o = loopback();
  o.total_timeout = std::chrono::milliseconds(500);
  Client client(o);
  Request request;
  request.url = silent.url();
  const auto start = std::chrono::steady_clock::now();
  auto r = client.send(request);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNetwork);
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(HttpClient, CapsTheResponseSize) {
  std::string big(10000, 'x');
  CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\nConnection: close\r\n\r\n" + big);
  Options o = loopback();
  o.max_response_bytes = 1000;
  Client client(o);
  Request request;
  request.url = server.url();
  auto r = client.send(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(HttpClient, ObserverSeesEveryExchange) {
  CannedServer server("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  Client client(loopback());
  int seen = 0;
  long status = 0;
  client.set_observer([&](const Request&, const Result<Response>& r) {
    ++seen;
    if (r) status = r.value().status;
  });
  Request request;
  request.url = server.url();
  ASSERT_TRUE(client.send(request));
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(status, 204);
}

const char* const kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

Options retrying(int attempts) {
  Options o = loopback();
  o.retry.max_attempts = attempts;
  o.retry.initial_backoff = std::chrono::milliseconds(50);
  o.retry.max_backoff = std::chrono::milliseconds(100);
  o.retry.max_retry_after = std::chrono::seconds(2);
  return o;
}

TEST(HttpRetry, IsOffByDefault) {
  CannedServer server(std::vector<std::string>{"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  Client client(loopback());
  Request request;
  request.url = server.url();
  auto r = client.send(request);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 503);
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpRetry, A503ThenSuccessIsRetriedWithBackoff) {
  CannedServer server(std::vector<std::string>{"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                       "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  Client client(retrying(3));
  int exchanges = 0;
  client.set_observer([&](const Request&, const Result<Response>&) { ++exchanges; });
  Request request;
  request.url = server.url();
  auto r = client.send(request);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 200);
  EXPECT_EQ(r.value().body, "ok");
  EXPECT_EQ(r.value().attempts, 3);
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(exchanges, 3);
}

TEST(HttpRetry, A429WaitsAsLongAsRetryAfterSays) {
  CannedServer server(std::vector<std::string>{"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  Client client(retrying(2));
  Request request;
  request.url = server.url();
  const auto start = std::chrono::steady_clock::now();
  auto r = client.send(request);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 200);
  EXPECT_GE(waited, std::chrono::milliseconds(950));  // not the 50 ms backoff
  EXPECT_LT(waited, std::chrono::milliseconds(1900));
}

TEST(HttpRetry, ARetryAfterBeyondTheCapIsNotWaitedFor) {
  CannedServer server(std::vector<std::string>{"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  Client client(retrying(3));
  Request request;
  request.url = server.url();
  const auto start = std::chrono::steady_clock::now();
  auto r = client.send(request);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 429);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
}

TEST(HttpRetry, StopsAfterMaxAttempts) {
  CannedServer server("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  Client client(retrying(3));
  Request request;
  request.url = server.url();
  auto r = client.send(request);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r.value().status, 500);
  EXPECT_EQ(r.value().attempts, 3);
  EXPECT_EQ(server.requests(), 3);
}

TEST(HttpRetry, ClientErrorsAreNotRetried) {
  CannedServer server(std::vector<std::string>{"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", kOk});
  Client client(retrying(3));
  Request request;
  request.url = server.url();
  auto r = client.send(request);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().status, 401);
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace tokensweep::http
