#include "http/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>
#include <thread>

#include "common/secret_bytes.h"
#include "http/url.h"

namespace tokensweep::http {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

struct Sink {
  Response* response;
  std::size_t limit;
  bool overflow = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->response->body.size() + n > sink->limit) {
    sink->overflow = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<Response*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (after 100 Continue) starts over
    return n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    response->headers.push_back({lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return n;
}

}  // namespace

void wipe(std::string& s) {
  if (!s.empty()) secure_wipe(s.data(), s.size());
  s.clear();
}

Request::~Request() {
  wipe(body);
  for (auto& h : headers) wipe(h.value);
}

Request Request::post_form(std::string url,
                           const std::vector<std::pair<std::string, std::string>>& fields) {
  Request r;
  r.method = "POST";
  r.url = std::move(url);
  r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  r.headers.push_back({"Accept", "application/json"});
  r.body = form_encode(fields);
  return r;
}

Response::~Response() {
  wipe(body);
  for (auto& h : headers) wipe(h.value);
}

std::optional<std::string> Response::header(std::string_view name) const {
  const std::string key = lower(name);
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->name == key) return it->value;
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> Response::retry_after() const {
  auto value = header("retry-after");
  if (!value) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc() || end != value->data() + value->size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

Client::Client(Options options) : options_(std::move(options)) { global_init(); }

namespace {

bool retryable(long status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

Result<Response> Client::send(const Request& request) const {
  const RetryPolicy& retry = options_.retry;
  std::chrono::milliseconds backoff = retry.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    Result<Response> result = perform(request);
    if (observer_) observer_(request, result);
    if (result) result.value().attempts = attempt;
    if (!result || !retryable(result.value().status) || attempt >= retry.max_attempts) return result;
    // RFC 9110 §10.2.3: wait as long as the server asks, unless that is longer than we
    // are willing to wait at all; otherwise back off exponentially, capped.
    std::chrono::milliseconds wait = std::min(backoff, retry.max_backoff);
    if (auto after = result.value().retry_after()) {
      if (*after > retry.max_retry_after) return result;
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(*after);
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min(backoff * 2, retry.max_backoff);
  }
}

Result<Response> Client::perform(const Request& request) const {
  if (Status policy = check_url_policy(request.url, options_.allow_http_loopback); !policy) {
    return policy.error();
  }
  auto parts = parse_url(request.url);
  if (!parts) return parts.error();
  if (request.method != "GET" && request.method != "POST") {
    return make_error(ErrorCode::kInvalidArgument, "unsupported HTTP method " + request.method);
  }

  CurlPtr curl(curl_easy_init());
  if (!curl) return make_error(ErrorCode::kInternal, "curl_easy_init failed");
  CURL* c = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};

  Response response;
  Sink sink{&response, options_.max_response_bytes};

  curl_slist* list = nullptr;
  for (const auto& h : request.headers) {
    std::string line = h.name + ": " + h.value;
    curl_slist* grown = curl_slist_append(list, line.c_str());
    wipe(line);
    if (!grown) {
      curl_slist_free_all(list);
      return make_error(ErrorCode::kInternal, "out of memory building headers");
    }
    list = grown;
  }
  SlistPtr headers(list);

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response);
  // Loopback traffic never goes through a proxy from the environment.
  if (is_loopback_host(parts.value().host)) curl_easy_setopt(c, CURLOPT_PROXY, "");
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    if (sink.overflow) {
      return make_error(ErrorCode::kLimit,
                        "response larger than " + std::to_string(options_.max_response_bytes) + " bytes",
                        parts.value().host);
    }
    std::string what = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    return make_error(ErrorCode::kNetwork, what, parts.value().scheme + "://" + parts.value().host);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace tokensweep::http
