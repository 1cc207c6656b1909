// type: exec — the JSON protocol of design §3.4 over a command's stdin and stdout.
// The command is run directly (no shell), with the scanner's environment, under the
// hook's timeout; its stderr is discarded unread (it might echo a secret).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "broker/hook.h"
#include "broker/hook_types.h"
#include "broker/protocol.h"
#include "http/client.h"

extern char** environ;

namespace tokensweep::broker {
namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

struct RunOutcome {
  bool ok = false;
  std::string out;
  std::string problem;
};

RunOutcome run_command(const std::vector<std::string>& command, const std::string& input,
                       std::chrono::milliseconds timeout) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return {false, {}, std::string("pipe: ") + std::strerror(errno)};
  Fd in_r(in_pipe[0]), in_w(in_pipe[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return {false, {}, std::string("pipe: ") + std::strerror(errno)};
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout can stop whatever it started too.
  // and SIGPIPE back to its default (prepare() ignores it in the scanner).
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return {false, {}, "cannot run " + command[0] + ": " + std::strerror(rc)};
  in_r.reset();
  out_w.reset();
  ::fcntl(in_w.fd, F_SETFL, O_NONBLOCK);
  ::fcntl(out_r.fd, F_SETFL, O_NONBLOCK);

  RunOutcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t written = 0;
  bool timed_out = false, too_big = false;
  if (input.empty()) in_w.reset();
  while (out_r.fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2];
    nfds_t n = 0;
    fds[n++] = {out_r.fd, POLLIN, 0};
    if (in_w.fd >= 0) fds[n++] = {in_w.fd, POLLOUT, 0};
    if (::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0 && errno != EINTR) break;
    if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = ::write(in_w.fd, input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if (w < 0 && errno != EAGAIN) written = input.size();  // it stopped reading: fine
      if (written >= input.size()) in_w.reset();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[8192];
      ssize_t r = ::read(out_r.fd, buf, sizeof buf);
      if (r > 0) {
        outcome.out.append(buf, static_cast<std::size_t>(r));
        if (outcome.out.size() > (4u << 20)) {
          too_big = true;
          break;
        }
      } else if (r == 0 || errno != EAGAIN) {
        out_r.reset();
      }
    }
  }
  int status = 0;
  if (timed_out || too_big) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    outcome.problem = timed_out ? "timed out after " + std::to_string(timeout.count()) + " ms"
                                : "wrote more than 4 MiB";
    return outcome;
  }
  // stdout closed; give it the rest of the deadline to exit.
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      outcome.problem = "timed out after " + std::to_string(timeout.count()) + " ms";
      return outcome;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    outcome.ok = true;
  } else if (WIFEXITED(status)) {
    outcome.problem = "exited with status " + std::to_string(WEXITSTATUS(status));
  } else {
    outcome.problem = "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return outcome;
}

class ExecHook final : public Hook {
 public:
  explicit ExecHook(HookConfig config) : Hook(std::move(config)) {}

  bool needs_secret() const override { return config().send_secret; }
  std::size_t batch_size() const override { return config().batch_size; }

  // A command that exits without reading all of its stdin must not kill the scanner
  // with SIGPIPE: the write then fails with EPIPE and the verdict is its answer.
  Status prepare() override {
    ::signal(SIGPIPE, SIG_IGN);
    return Status::ok();
  }

  std::vector<Verdict> check(std::span<const Item> items) const override { return call("check", items); }
  std::vector<Verdict> revoke(std::span<const Item> items) const override { return call("revoke", items); }

 private:
  std::vector<Verdict> call(const char* action, std::span<const Item> items) const {
    std::string request = encode_request(action, items, config().send_secret);
    RunOutcome r = run_command(config().command, request, config().timeout);
    http::wipe(request);
    if (!r.ok) return all_unknown(items.size(), std::string(action) + ": " + config().command[0] + " " + r.problem);
    auto verdicts = decode_response(r.out, items);
    http::wipe(r.out);
    return verdicts;
  }
};

}  // namespace

std::unique_ptr<Hook> make_exec_hook(HookConfig config) { return std::make_unique<ExecHook>(std::move(config)); }

}  // namespace tokensweep::broker
