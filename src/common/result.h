// Result<T>: a value or an Error, for failures that are expected (a bad rule, an
// unreadable file, a malformed archive). No exceptions cross tokensweep's APIs.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace tokensweep {

// Stable codes: they appear in JSON diagnostics and tests match on them.
enum class ErrorCode {
  kInvalidArgument,  // a usage error: bad flag value, unknown rule id
  kBadRule,          // a rule file or rule that cannot be used
  kIo,               // a file or directory that cannot be read or written
  kUnsupported,      // an input type we cannot scan (FIFO, device)
  kLimit,            // a cap was hit (size, depth, expansion)
  kMalformed,        // input that does not parse (archive, JSON)
  kNetwork,          // a connection, TLS or HTTP failure
  kInternal,         // a bug or a library failure we did not expect
};

const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // Where: "rules/github.yaml:12 github.oauth-access-token", or a path. May be empty.
  std::string location;

  // "location: message", or just the message when there is no location.
  std::string to_string() const;
};

inline Error make_error(ErrorCode code, std::string message, std::string location = {}) {
  return Error{code, std::move(message), std::move(location)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  const Error& error() const { assert(!has_value()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  static Status ok() { return {}; }
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace tokensweep
