#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tokensweep::cli {
namespace {

// "812 B", "3.4 MiB", "1.20 GiB".
std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

void write_stderr(const std::string& text) {
  // One write(2) per redraw, so the line is never interleaved with itself.
  const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
  (void)n;  // nothing useful to do if the terminal went away
}

}  // namespace

bool progress_wanted() {
  const char* ci = std::getenv("CI");
  const char* term = std::getenv("TERM");
  if (ci != nullptr && *ci != '\0') return false;
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(STDERR_FILENO) == 1;
}

ProgressLine::ProgressLine(const pipeline::ScanProgress& counters, std::chrono::milliseconds delay,
                           std::chrono::milliseconds interval)
    : counters_(counters), delay_(delay), interval_(interval), thread_([this](std::stop_token stop) { run(stop); }) {}

ProgressLine::~ProgressLine() {
  thread_.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drawn_) write_stderr("\r\x1b[K");  // erase the line; the summary follows
}

void ProgressLine::run(std::stop_token stop) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  // Waits end early when the scan finishes (request_stop wakes the wait).
  wake_.wait_for(lock, stop, delay_, [] { return false; });
  while (!stop.stop_requested()) {
    draw(started);
    wake_.wait_for(lock, stop, interval_, [] { return false; });
  }
}

void ProgressLine::draw(std::chrono::steady_clock::time_point started) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const uint64_t files = counters_.files.load(std::memory_order_relaxed);
  const uint64_t bytes = counters_.bytes.load(std::memory_order_relaxed);
  const uint64_t findings = counters_.findings.load(std::memory_order_relaxed);
  const std::string line = "\r\x1b[Ktokensweep: " + std::to_string(files) + " files, " +
                           human_bytes(static_cast<double>(bytes)) + ", " + std::to_string(findings) +
                           (findings == 1 ? " finding, " : " findings, ") +
                           human_bytes(seconds > 0 ? static_cast<double>(bytes) / seconds : 0) + "/s";
  write_stderr(line);
  drawn_ = true;
}

}  // namespace tokensweep::cli
