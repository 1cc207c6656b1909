// The `tokensweep` command line (design §3.1). main() only calls run().
#pragma once

#include <iosfwd>

namespace tokensweep::cli {

// Exit statuses of `scan` (design §3.1, a contract).
inline constexpr int kExitClean = 0;     // nothing found and everything scanned
inline constexpr int kExitFindings = 1;  // findings remain after allowlists and baseline
inline constexpr int kExitError = 2;     // usage, rules or config error; or incomplete and nothing found

int run(int argc, char** argv);

}  // namespace tokensweep::cli
