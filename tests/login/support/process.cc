#include "login/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tokensweep::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> env_strings(const Env& env) {
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

Env base_env() {
  Env env;
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["LANG"] = "C.UTF-8";
  return env;
}

Child::Child(const std::vector<std::string>& argv, ChildOptions options) {
  std::vector<std::string> envs = env_strings(options.env);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  if (options.pty) {
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) throw std::runtime_error("forkpty failed");
    if (pid == 0) {
      if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
      execve(args[0], args.data(), envp.data());
      _exit(127);
    }
    pid_ = pid;
    out_fd_ = master;  // output of all three streams; stdin writes go here too
    set_nonblocking(out_fd_);
    return;
  }

  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    pid_ = -1;
    throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }
  in_fd_ = in[1];
  out_fd_ = out[0];
  err_fd_ = err[0];
  set_nonblocking(out_fd_);
  set_nonblocking(err_fd_);
  if (!options.input.empty()) {
    ssize_t ignored = write(in_fd_, options.input.data(), options.input.size());
    static_cast<void>(ignored);
  }
  if (!options.keep_stdin) close_stdin();
}

Child::~Child() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    reap(true);
  }
  close_stdin();
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void Child::close_stdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

void Child::signal(int sig) {
  if (pid_ > 0 && !status_) kill(pid_, sig);
}

bool Child::reap(bool block) {
  if (status_) return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  return false;
}

void Child::pump(std::chrono::milliseconds budget) {
  pollfd fds[2];
  int n = 0;
  if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
  if (n == 0) {
    std::this_thread::sleep_for(budget);
    return;
  }
  if (poll(fds, static_cast<nfds_t>(n), static_cast<int>(budget.count())) <= 0) return;
  for (int i = 0; i < n; ++i) {
    if (fds[i].revents == 0) continue;
    char buf[4096];
    ssize_t got = read(fds[i].fd, buf, sizeof buf);
    std::string& sink = fds[i].fd == out_fd_ ? out_ : err_;
    if (got > 0) {
      sink.append(buf, static_cast<std::size_t>(got));
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      // EOF (or EIO on a pty whose child exited)
      if (fds[i].fd == out_fd_) {
        close(out_fd_);
        out_fd_ = -1;
      } else {
        close(err_fd_);
        err_fd_ = -1;
      }
    }
  }
}

bool Child::wait_for_out(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (out_.find(needle) == std::string::npos) {
    if (Clock::now() >= deadline || (out_fd_ < 0 && err_fd_ < 0)) return false;
    pump(std::chrono::milliseconds(50));
  }
  return true;
}

bool Child::wait_for_err(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (err_.find(needle) == std::string::npos) {
    if (Clock::now() >= deadline || (out_fd_ < 0 && err_fd_ < 0)) return false;
    pump(std::chrono::milliseconds(50));
  }
  return true;
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (out_fd_ >= 0 || err_fd_ >= 0 || !reap(false)) {
    if (Clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      reap(true);
      return std::nullopt;
    }
    pump(std::chrono::milliseconds(50));
    if (out_fd_ < 0 && err_fd_ < 0 && !status_) {
      // Streams closed; the process may still be exiting.
      if (!reap(false)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return status_;
}

RunResult run(const std::vector<std::string>& argv, ChildOptions options,
              std::chrono::milliseconds timeout) {
  Child child(argv, std::move(options));
  RunResult r;
  auto code = child.wait(timeout);
  r.exit_code = code ? *code : -1;
  r.out = child.out();
  r.err = child.err();
  return r;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(it->path().string());
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned v = rd() & 0xFF;
    out.push_back(kHex[v >> 4]);
    out.push_back(kHex[v & 0xF]);
  }
  return out;
}

}  // namespace tokensweep::testing
