// Process-level hygiene and the `exec` hand-off.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "login/secret.h"

namespace tokensweep::login {

// No core dumps (RLIMIT_CORE 0) and not dumpable/ptrace-able by other processes of the
// same user (PR_SET_DUMPABLE 0), so tokens in memory do not end up on disk.
Status harden_process();

// The device flow wants a person at a terminal: stdin and stderr must be TTYs and CI
// must be unset. Returns the reason it is not interactive, or "" when it is.
std::string noninteractive_reason();

// Runs argv[0] (PATH lookup) with this process's environment plus NAME=token, waits,
// and returns its exit status (128+signal when killed). The token goes only into the
// child's environment block, never into ours or anyone's argv. 127: not found.
Result<int> run_with_token(const std::vector<std::string>& argv, std::string_view env_name,
                           const Secret& token);

}  // namespace tokensweep::login
