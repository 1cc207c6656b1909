// Test support: start a real process with pipes (or a pseudo-terminal), read what it
// says without blocking forever, and always reap it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.h"  // TempDir, for the login tests too

namespace tokensweep::testing {

using Env = std::map<std::string, std::string>;

// A minimal environment for child processes: PATH plus what the test adds. Nothing
// from the test runner's own environment leaks in unless asked for.
Env base_env();

struct ChildOptions {
  Env env;
  bool pty = false;         // stdin/stdout/stderr on a pseudo-terminal (merged into out)
  bool keep_stdin = false;  // keep a pipe to stdin open (closed in the destructor)
  std::string input{};      // written to stdin at start (when not pty)
  std::string cwd{};
};

class Child {
 public:
  Child(const std::vector<std::string>& argv, ChildOptions options);
  ~Child();  // SIGKILLs and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Reads until `needle` appears in stdout (or stderr), or the timeout passes.
  bool wait_for_out(const std::string& needle, std::chrono::milliseconds timeout);
  bool wait_for_err(const std::string& needle, std::chrono::milliseconds timeout);
  // Waits for exit, reading all output; nullopt on timeout (the child is then killed).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void signal(int sig);
  void close_stdin();

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  void pump(std::chrono::milliseconds budget);
  bool reap(bool block);

  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string out_, err_;
  std::optional<int> status_;
};

struct RunResult {
  int exit_code = -1;  // -1: timed out (and killed)
  std::string out, err;
};

// Runs to completion (with a timeout) and returns what it said.
RunResult run(const std::vector<std::string>& argv, ChildOptions options,
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
// Every regular file under `dir`, recursively.
std::vector<std::string> files_under(const std::string& dir);
// 32 random bytes as lowercase hex.
std::string random_hex(std::size_t bytes = 16);

}  // namespace tokensweep::testing
