#include "login/process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "http/client.h"

extern char** environ;

namespace tokensweep::login {

Status harden_process() {
  struct rlimit none {0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) {
    return make_error(ErrorCode::kInternal, std::string("setrlimit(RLIMIT_CORE): ") + std::strerror(errno));
  }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return make_error(ErrorCode::kInternal, std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno));
  }
  return Status::ok();
}

std::string noninteractive_reason() {
  const char* ci = std::getenv("CI");
  if (ci != nullptr && *ci != '\0') return "CI is set";
  if (!isatty(STDIN_FILENO)) return "standard input is not a terminal";
  if (!isatty(STDERR_FILENO)) return "standard error is not a terminal";
  return {};
}

Result<int> run_with_token(const std::vector<std::string>& argv, std::string_view env_name,
                           const Secret& token) {
  if (argv.empty()) return make_error(ErrorCode::kInvalidArgument, "exec needs a command after --");
  if (env_name.empty() || env_name.find('=') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "bad environment variable name");
  }
  const std::string prefix = std::string(env_name) + "=";
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, prefix.c_str(), prefix.size()) != 0) envp.push_back(*e);
  }
  std::string entry = prefix + std::string(token.view());
  envp.push_back(entry.data());
  envp.push_back(nullptr);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  // Like system(3): while the child runs, a ^C or ^\ is the child's to handle; the
  // child itself starts with the default dispositions.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  struct sigaction ignore {}, old_int {}, old_quit {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  struct Restore {
    struct sigaction i, q;
    posix_spawnattr_t* attr;
    ~Restore() {
      sigaction(SIGINT, &i, nullptr);
      sigaction(SIGQUIT, &q, nullptr);
      posix_spawnattr_destroy(attr);
    }
  } restore{old_int, old_quit, &attr};

  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), envp.data());
  http::wipe(entry);
  if (rc != 0) {
    if (rc == ENOENT) return 127;
    return make_error(ErrorCode::kIo, std::string("cannot run ") + argv[0] + ": " + std::strerror(rc));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return make_error(ErrorCode::kInternal, std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace tokensweep::login
