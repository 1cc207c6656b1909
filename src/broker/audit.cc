#include "broker/audit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

namespace tokensweep::broker {
namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kIo, std::string("cannot open the audit log: ") + std::strerror(errno), path);
  std::FILE* file = ::fdopen(fd, "a");
  if (file == nullptr) {
    ::close(fd);
    return make_error(ErrorCode::kIo, "cannot open the audit log", path);
  }
  return std::make_unique<AuditLog>(file);
}

void AuditLog::record(const AuditRecord& r) {
  nlohmann::json line = {{"time", utc_now()},        {"hook", r.hook},
                         {"action", r.action},       {"rule_id", r.rule_id},
                         {"fingerprint", r.fingerprint}, {"outcome", r.outcome}};
  if (!r.detail.empty()) line["detail"] = r.detail;
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  // One line per write, flushed: a crash mid-run leaves every earlier record complete.
  if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size() || std::fflush(file_.get()) != 0) ok_ = false;
}

bool AuditLog::ok() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ok_;
}

}  // namespace tokensweep::broker
