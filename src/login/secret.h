// Secret: the login client's holder for a token it must use (send to the server, hand
// to a child). Unlike tokensweep::SecretBytes (whose bytes only the scanner's broker
// client may read), these bytes are readable with view(): this library's whole job is
// to use them. Memory is wiped on destruction and when moved from; it never prints.
#pragma once

#include <string>
#include <string_view>

namespace tokensweep::login {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view value) : value_(value) {}
  ~Secret() { wipe(); }
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  std::string_view view() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::size_t size() const { return value_.size(); }
  // First 12 hex digits of the SHA-256: enough to tell tokens apart in a log or test.
  std::string fingerprint() const;

  void wipe();

 private:
  std::string value_;
};

}  // namespace tokensweep::login
