#include "login/debug_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "login/config.h"

namespace tokensweep::login {

DebugLog::~DebugLog() {
  if (fd_ >= 0) close(fd_);
}

Status DebugLog::open(const std::string& path) {
  if (Status ok = make_private_dirs_for(path); !ok) return ok;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) return make_error(ErrorCode::kIo, std::strerror(errno), path);
  return Status::ok();
}

void DebugLog::line(std::string_view text) {
  if (fd_ < 0) return;
  char stamp[32] = {0};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &tm);
  std::string out = stamp + redactor_.redact(text, /*user_codes=*/true) + "\n";
  ssize_t ignored = write(fd_, out.data(), out.size());
  static_cast<void>(ignored);
}

http::Observer DebugLog::observer() {
  return [this](const http::Request& request, const Result<http::Response>& result) {
    std::string text = "> " + request.method + " " + request.url;
    for (const auto& h : request.headers) text += "\n>   " + h.name + ": " + h.value;
    if (!request.body.empty()) text += "\n>   " + request.body;
    if (!result) {
      text += "\n< error: " + result.error().to_string();
    } else {
      const http::Response& r = result.value();
      text += "\n< " + std::to_string(r.status);
      for (const auto& h : r.headers) text += "\n<   " + h.name + ": " + h.value;
      if (!r.body.empty()) text += "\n<   " + r.body;
    }
    line(text);
    http::wipe(text);
  };
}

}  // namespace tokensweep::login
