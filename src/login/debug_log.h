// The --debug log: requests and responses, every line through the Redactor first.
// Written to a file opened 0600 in append mode; a DebugLog that is not enabled drops
// everything, so callers never branch on it.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "http/client.h"
#include "login/redact.h"

namespace tokensweep::login {

class DebugLog {
 public:
  DebugLog() = default;
  ~DebugLog();
  DebugLog(const DebugLog&) = delete;
  DebugLog& operator=(const DebugLog&) = delete;

  Status open(const std::string& path);
  bool enabled() const { return fd_ >= 0; }

  Redactor& redactor() { return redactor_; }
  // Redacts, then appends one line (a timestamp is prefixed).
  void line(std::string_view text);
  // An http::Observer that logs each exchange, redacted.
  http::Observer observer();

 private:
  int fd_ = -1;
  Redactor redactor_;
};

}  // namespace tokensweep::login
