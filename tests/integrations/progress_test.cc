// The progress line: on a terminal (a pseudo-terminal here) a scan longer than a second
// draws it on stderr; with stderr piped, or CI set, nothing but the usual output appears.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <fstream>
#include <thread>

#include "integration_support.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

constexpr const char* kProgressText = "/s";  // every progress line ends with a rate
constexpr const char* kEraseLine = "\x1b[K";

// A named pipe fed at a steady rate for about two seconds (40 MiB of log lines, then one
// invented token), so the scan lasts long enough whatever the machine's speed.
class Progress : public ::testing::Test {
 protected:
  void SetUp() override {
    fifo_ = dir_.str() + "/feed.log";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0) << std::strerror(errno);
    writer_ = std::thread([this] { feed(); });
  }
  void TearDown() override {
    stop_ = true;
    if (writer_.joinable()) writer_.join();
  }
  std::vector<std::string> scan_args() const { return {tokensweep_binary(), "scan", "--threads", "1", fifo_}; }

 private:
  void feed() {
    // Non-blocking open until the scanner opens its end, so a scanner that never does
    // cannot hang the test.
    int fd = -1;
    for (int i = 0; i < 6000 && !stop_ && fd < 0; ++i) {
      fd = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, 0);
    std::string chunk;
    while (chunk.size() < (1U << 20)) chunk += "2026-11-27T13:00:00Z INFO request served path=/api/v1/items status=200 ms=12\n";
    for (int i = 0; i < 40 && !stop_; ++i) {
      if (!write_all(fd, chunk)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    write_all(fd, "token=" + checksummed_token("gho_", 4242) + "\n");
    ::close(fd);
  }
  static bool write_all(int fd, const std::string& data) {
    for (std::size_t done = 0; done < data.size();) {
      const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

 protected:
  TempDir dir_;
  std::string fifo_;
  std::thread writer_;
  std::atomic<bool> stop_{false};
};

struct PtyResult {
  bool started = false;
  std::string why_not;  // when !started
  int exit_code = -1;
  std::string output;   // stdout and stderr, as the terminal saw them
  double seconds = 0;
};

// Runs argv with stdin, stdout and stderr on a new pseudo-terminal; `ci` sets or unsets CI.
PtyResult run_on_pty(const std::vector<std::string>& argv, bool ci) {
  PtyResult result;
  int master = -1;
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    result.why_not = std::string("forkpty: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    if (ci) {
      ::setenv("CI", "true", 1);
    } else {
      ::unsetenv("CI");
    }
    ::setenv("TERM", "xterm", 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  result.started = true;
  const auto deadline = started + std::chrono::seconds(120);
  char buf[4096];
  while (true) {
    pollfd pfd{master, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      ADD_FAILURE() << "scan on the pty did not finish in 120 s";
      break;
    }
    if (::poll(&pfd, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    result.output.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

TEST_F(Progress, NeverWhenStderrIsPiped) {
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_process(scan_args());
  EXPECT_GT(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 1.2);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.find(kEraseLine), std::string::npos) << r.err.substr(0, 300);
  EXPECT_EQ(r.err.find(kProgressText), std::string::npos) << r.err.substr(0, 300);
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
}

TEST_F(Progress, NeverOnATerminalWhenCiIsSet) {
  const PtyResult r = run_on_pty(scan_args(), /*ci=*/true);
  if (!r.started) GTEST_SKIP() << "no pseudo-terminal: " << r.why_not;
  EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 300);
  EXPECT_GT(r.seconds, 1.2) << "the feed ended too soon to tell";
  EXPECT_EQ(r.output.find(kEraseLine), std::string::npos) << r.output.substr(0, 300);
}

TEST_F(Progress, ShownOnATerminalForAScanLongerThanASecond) {
  const PtyResult r = run_on_pty(scan_args(), /*ci=*/false);
  if (!r.started) GTEST_SKIP() << "no pseudo-terminal: " << r.why_not;
  EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 300);
  ASSERT_GT(r.seconds, 1.2) << "the feed ended too soon to show progress";
  // The last line drawn, after at least one 8 MiB block has been counted.
  const std::size_t at = r.output.rfind(std::string(kEraseLine) + "tokensweep: ");
  ASSERT_NE(at, std::string::npos) << r.output.substr(0, 300);
  const std::string line = r.output.substr(at + 3, r.output.find('\r', at + 1) - at - 3);
  EXPECT_NE(line.find(" files, "), std::string::npos) << line;
  EXPECT_NE(line.find("MiB, "), std::string::npos) << line;
  EXPECT_NE(line.find(" findings, "), std::string::npos) << line;
  EXPECT_NE(line.find("/s"), std::string::npos) << line;
  // The line is erased before the findings are printed: the last erase precedes the report.
  EXPECT_LT(r.output.rfind(kEraseLine), r.output.find("feed.log")) << r.output.substr(0, 300);
}

TEST_F(Progress, NothingForAScanUnderASecond) {
  const std::string small = dir_.write("small.txt", "nothing here\n");
  const PtyResult r = run_on_pty({tokensweep_binary(), "scan", small}, /*ci=*/false);
  if (!r.started) GTEST_SKIP() << "no pseudo-terminal: " << r.why_not;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find(kEraseLine), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tokensweep::testing
