// Runs a program with arguments, optional stdin and environment, and captures stdout,
// stderr and the exit status. For end-to-end tests of the executables.
#pragma once

#include <string>
#include <vector>

namespace tokensweep::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string stdin_data;
  bool close_stdin = true;        // when false, stdin is inherited (never used by tests)
  std::vector<std::string> env;   // extra NAME=VALUE entries
  int run_as_uid = -1;            // drop to this uid/gid before exec (tests that need non-root)
  std::string cwd;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Path of the built `tokensweep` executable.
std::string tokensweep_binary();

}  // namespace tokensweep::testing
