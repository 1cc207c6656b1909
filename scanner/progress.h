// A progress line on stderr for long scans: files, bytes, findings and rate, redrawn in
// place. Shown only on a terminal, and never in CI, so logs and pipes get no control codes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pipeline/scan.h"

namespace tokensweep::cli {

// True when stderr is a TTY, CI is unset (or empty) and TERM is not "dumb".
bool progress_wanted();

// Draws `counters` on stderr from a thread of its own, first after `delay` (scans that end
// sooner show nothing), then every `interval`; the destructor stops the thread and erases
// the line. Thread-safe: only reads the atomics.
class ProgressLine {
 public:
  explicit ProgressLine(const pipeline::ScanProgress& counters,
                        std::chrono::milliseconds delay = std::chrono::seconds(1),
                        std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void run(std::stop_token stop);
  void draw(std::chrono::steady_clock::time_point started);

  const pipeline::ScanProgress& counters_;
  std::chrono::milliseconds delay_;
  std::chrono::milliseconds interval_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: started once the members above exist
};

}  // namespace tokensweep::cli
