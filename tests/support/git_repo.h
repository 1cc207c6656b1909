// Test helpers for programs and git: finding an executable on a PATH (run_process() execs
// a path, not a name), and a real git repository in a temporary directory.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace tokensweep::testing {

inline std::string system_path() {
  const char* p = std::getenv("PATH");
  return p != nullptr ? p : "/usr/local/bin:/usr/bin:/bin";
}

// The first executable `name` in the colon-separated `path` (default: $PATH); `name`
// itself when there is none, so exec fails with 127 and the test says what was missing.
inline std::string find_program(const std::string& name, const std::string& path = system_path()) {
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return name;
}

// A repository at dir()/repo, with an identity and no system or user configuration.
class GitRepo {
 public:
  GitRepo() {
    std::filesystem::create_directories(path());
    git({"init", "-q", "-b", "main"});
    git({"config", "user.email", "dev@example.com"});
    git({"config", "user.name", "Dev One"});
    git({"config", "commit.gpgsign", "false"});
  }
  std::string path() const { return dir_.str() + "/repo"; }
  const TempDir& dir() const { return dir_; }
  std::vector<std::string> git_env() const { return {"GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir_.str()}; }
  std::string git(std::vector<std::string> args) const {
    args.insert(args.begin(), {find_program("git"), "-C", path()});
    ProcessOptions opts;
    opts.env = git_env();
    const auto r = run_process(args, opts);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  void write(const std::string& file, const std::string& content) const { dir_.write("repo/" + file, content); }
  void commit(const std::string& file, const std::string& content, const std::string& message) const {
    write(file, content);
    git({"add", "-A"});
    git({"commit", "-q", "-m", message});
  }
  std::string head() const {
    std::string h = git({"rev-parse", "HEAD"});
    return h.substr(0, h.find('\n'));
  }

 private:
  TempDir dir_;
};

}  // namespace tokensweep::testing
