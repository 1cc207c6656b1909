// Helpers for the integration tests (git repositories and program lookup are in
// support/git_repo.h).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "support/git_repo.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace tokensweep::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace tokensweep::testing
