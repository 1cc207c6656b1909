#include "source/git_history.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <unordered_set>

extern char** environ;

namespace tokensweep::source {
namespace {

// A child process with pipes to its stdin (optional) and from its stdout and stderr.
// The destructor closes the pipes and reaps the child, so no process outlives its use.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    close_stdin();
    close_fd(out_);
    close_fd(err_);
    wait();
  }

  Status spawn(const std::vector<std::string>& args, bool with_stdin) {
    int in[2] = {-1, -1}, out[2], err[2];
    if ((with_stdin && ::pipe2(in, O_CLOEXEC) != 0) || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      return make_error(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (with_stdin) {
      posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (with_stdin) ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      return make_error(ErrorCode::kIo, "cannot run git: " + std::string(std::strerror(rc)));
    }
    return Status::ok();
  }

  int in() const { return in_; }
  int out() const { return out_; }
  void close_stdin() { close_fd(in_); }
  void close_stdout() { close_fd(out_); }

  // Reads stdout to its end into `out` and stderr into `err` (both at once, so neither
  // pipe can fill up and stall the child), then waits. Returns the exit status.
  int communicate(std::string& out, std::string& err) {
    char buf[65536];
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    std::string* sinks[2] = {&out, &err};
    int open = 2;
    while (open > 0) {
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        if (n > 0) {
          sinks[i]->append(buf, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          fds[i].fd = -1;
          --open;
        }
      }
    }
    return wait();
  }

  std::string read_stderr() {
    std::string err;
    char buf[4096];
    for (ssize_t n; (n = ::read(err_, buf, sizeof buf)) > 0;) err.append(buf, static_cast<std::size_t>(n));
    return err;
  }

  int wait() {
    if (pid_ <= 0) return status_;
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return status_;
  }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  pid_t pid_ = -1;
  int status_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Result<std::string> run_git(const std::string& repo, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", repo});
  Child child;
  if (auto st = child.spawn(args, false); !st) return st.error();
  std::string out, err;
  if (const int rc = child.communicate(out, err); rc != 0) {
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
    return make_error(ErrorCode::kInvalidArgument, "git " + args[3] + " failed: " + err, repo);
  }
  return out;
}

// One `--raw` line: ":100644 100644 <old> <new> M\tpath" (`-z` splits path with NUL).
// Returns the new blob's sha, or "" for deletions, submodules (gitlinks) and symlinks.
std::string_view raw_new_blob(std::string_view meta) {
  // ":<old mode> <new mode> <old sha> <new sha> <status>"
  if (meta.size() < 2 || meta[0] != ':') return {};
  std::vector<std::string_view> parts;
  std::size_t from = 1;
  while (from <= meta.size()) {
    const std::size_t sp = meta.find(' ', from);
    parts.push_back(meta.substr(from, sp == std::string_view::npos ? std::string_view::npos : sp - from));
    if (sp == std::string_view::npos) break;
    from = sp + 1;
  }
  if (parts.size() < 5) return {};
  const std::string_view new_mode = parts[1];
  const std::string_view status = parts[4];
  if (status.starts_with('D') || !new_mode.starts_with("100")) return {};  // only regular files
  return parts[3];
}

// One `--raw -z` entry, "meta NUL path NUL", taken off the front of `rest`.
bool take_raw_entry(std::string_view& rest, std::string_view& meta, std::string_view& path) {
  const std::size_t a = rest.find('\0');
  if (a == std::string_view::npos) return false;
  meta = rest.substr(0, a);
  rest.remove_prefix(a + 1);
  const std::size_t b = rest.find('\0');
  path = rest.substr(0, b);
  rest.remove_prefix(b == std::string_view::npos ? rest.size() : b + 1);
  return true;
}

// The revision a range ends at: B of "A..B" or "A...B" (HEAD when B is left out), or
// the range itself when it is one revision (everything reachable from it).
std::string range_tip(const std::string& range) {
  std::size_t dots = range.find("...");
  std::size_t width = 3;
  if (dots == std::string::npos) {
    dots = range.find("..");
    width = 2;
  }
  if (dots == std::string::npos) return range;
  const std::string tip = range.substr(dots + width);
  return tip.empty() ? "HEAD" : tip;
}

}  // namespace

Result<GitListing> list_git_blobs(const GitScope& scope) {
  GitListing listing;
  auto& seen = listing.blob_index;
  if (scope.staged) {
    auto out = run_git(scope.repo, {"diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames",
                                    "--diff-filter=ACMRT", "--no-ext-diff"});
    if (!out) return out.error();
    std::string_view rest = out.value();
    std::string_view meta, path;
    while (take_raw_entry(rest, meta, path)) {
      const std::string_view sha = raw_new_blob(meta);
      ++listing.blob_mentions;
      if (!sha.empty() && seen.emplace(sha, listing.blobs.size()).second) {
        listing.blobs.push_back({std::string(sha), std::string(path), "", "", ""});
      }
    }
    return listing;
  }

  // Oldest first, so the first commit that shows a blob is the one that introduced it.
  // -m: a merge's own changes (a conflict resolution) count too. --root: the first
  // commit's files are additions. No --diff-filter: it would drop commits (an empty
  // commit is still a commit of the range), and deletions are kept for git_whereabouts().
  std::vector<std::string> args = {"log", "--reverse", "--root", "-m", "--raw", "-z", "--no-abbrev",
                                   "--no-renames", "--no-ext-diff",
                                   "--format=%x01%H%x02%an <%ae>%x02%aI"};
  // --end-of-options: a revision from the command line ("--output=x") is never an option.
  if (!scope.range.empty()) {
    args.insert(args.end(), {"--end-of-options", scope.range});
    listing.tip = range_tip(scope.range);
  } else if (!scope.since.empty()) {
    args.insert(args.end(), {"--end-of-options", scope.since + "..HEAD"});
    listing.tip = "HEAD";
  } else {
    args.push_back("--all");
    listing.tip = "HEAD";
  }
  args.push_back("--");
  auto out = run_git(scope.repo, args);
  if (!out) return out.error();

  std::string_view rest = out.value();
  GitBlob current;
  while (!rest.empty()) {
    if (rest.front() == '\n' || rest.front() == '\0') {
      rest.remove_prefix(1);
      continue;
    }
    // A commit header: \x01 sha \x02 author \x02 date, then NUL and a newline when raw
    // entries follow, or only NUL (a commit with no changes).
    if (rest.front() == '\x01') {
      const std::size_t nl = rest.find_first_of(std::string_view("\n\0", 2), 1);
      const std::string_view header = rest.substr(1, nl == std::string_view::npos ? std::string_view::npos : nl - 1);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      const std::size_t a = header.find('\x02');
      const std::size_t b = header.find('\x02', a + 1);
      if (a == std::string_view::npos || b == std::string_view::npos) continue;
      const std::string sha(header.substr(0, a));
      if (sha != current.commit) {  // -m repeats a merge once per parent
        ++listing.commits;
        listing.commit_shas.push_back(sha);
      }
      current.commit = sha;
      current.author = std::string(header.substr(a + 1, b - a - 1));
      current.date = std::string(header.substr(b + 1));
      continue;
    }
    std::string_view meta, path;
    if (!take_raw_entry(rest, meta, path)) break;
    if (listing.commit_shas.empty()) continue;  // no commit header yet: not git log's output
    const std::string_view sha = raw_new_blob(meta);
    auto& path_changes = listing.changes[std::string(path)];
    const auto commit = static_cast<uint32_t>(listing.commit_shas.size() - 1);
    if (sha.empty()) {
      if (meta.size() > 1 && meta.back() != 'D') ++listing.blob_mentions;  // a symlink or submodule
      path_changes.push_back({commit, -1});
      continue;
    }
    ++listing.blob_mentions;
    const auto [it, added] = seen.emplace(sha, listing.blobs.size());
    path_changes.push_back({commit, static_cast<int32_t>(it->second)});
    if (added) {
      listing.blobs.push_back({std::string(sha), std::string(path), current.commit, current.author, current.date});
    }
  }
  if (listing.commits > 0) {
    // One listing of the tip's tree per run. A tip git cannot list (an unborn HEAD) only
    // leaves the findings without whereabouts.
    auto tree = run_git(scope.repo, {"ls-tree", "-r", "-z", "--full-tree", "--end-of-options", listing.tip});
    if (!tree) {
      listing.tip.clear();
      return listing;
    }
    std::string_view entries = tree.value();
    while (!entries.empty()) {  // "<mode> blob <sha>\t<path>" NUL
      const std::size_t end = entries.find('\0');
      const std::string_view entry = entries.substr(0, end);
      entries.remove_prefix(end == std::string_view::npos ? entries.size() : end + 1);
      const std::size_t tab = entry.find('\t');
      const std::size_t space = entry.rfind(' ', tab);  // before the sha (SHA-1 or SHA-256)
      if (tab == std::string_view::npos || space == std::string_view::npos || !entry.starts_with("100")) continue;
      const auto known = seen.find(std::string(entry.substr(space + 1, tab - space - 1)));
      if (known == seen.end()) continue;
      const std::string path(entry.substr(tab + 1));
      auto [first, added] = listing.tip_first_path.emplace(known->second, path);
      if (!added && path < first->second) first->second = path;
      listing.tip_tree.emplace(path, known->second);
    }
  }
  return listing;
}

std::pair<std::string, std::string> git_whereabouts(const GitListing& listing, const GitBlob& blob,
                                                    const std::unordered_set<std::string>& holding) {
  if (listing.tip.empty()) return {};
  const auto holds = [&](int32_t index) {
    return index >= 0 && holding.count(listing.blobs[static_cast<std::size_t>(index)].sha) > 0;
  };
  const auto at = listing.tip_tree.find(blob.path);
  if (at != listing.tip_tree.end() && holds(static_cast<int32_t>(at->second))) {
    return {"still_in", listing.tip + ":" + blob.path};
  }
  // Elsewhere in the tip (copied or moved): the first such path, for the same answer on every run.
  const std::string* elsewhere = nullptr;
  for (const auto& sha : holding) {
    const auto index = listing.blob_index.find(sha);
    if (index == listing.blob_index.end()) continue;
    const auto path = listing.tip_first_path.find(index->second);
    if (path != listing.tip_first_path.end() && (elsewhere == nullptr || path->second < *elsewhere)) {
      elsewhere = &path->second;
    }
  }
  if (elsewhere != nullptr) return {"still_in", listing.tip + ":" + *elsewhere};

  const auto changes = listing.changes.find(blob.path);
  const auto self = listing.blob_index.find(blob.sha);
  if (changes != listing.changes.end() && self != listing.blob_index.end()) {
    bool introduced = false;
    for (const auto& change : changes->second) {
      if (!introduced) {
        introduced = change.blob == static_cast<int32_t>(self->second);
      } else if (!holds(change.blob)) {
        return {"removed_in", listing.commit_shas[change.commit]};
      }
    }
  }
  return {"not_in", listing.tip};
}

Status read_git_blobs(const std::string& repo, const std::vector<GitBlob>& blobs,
                      const std::function<void(const GitBlob&, std::string&&)>& on_blob,
                      std::vector<Diagnostic>& diagnostics) {
  if (blobs.empty()) return Status::ok();
  Child child;
  if (auto st = child.spawn({"git", "-C", repo, "cat-file", "--batch"}, true); !st) return st.error();
  // The requests are written from a thread while the answers are read here: git answers
  // as it reads, and both pipes would fill up otherwise.
  // SIGPIPE is ignored so that a git that died makes write() fail instead of killing us.
  ::signal(SIGPIPE, SIG_IGN);
  std::jthread writer([&child, &blobs] {
    std::string batch;
    for (const auto& b : blobs) {
      batch += b.sha;
      batch += '\n';
      if (batch.size() >= 64 * 1024) {
        if (!write_all(child.in(), batch)) break;
        batch.clear();
      }
    }
    write_all(child.in(), batch);
    child.close_stdin();
  });

  // Buffered reads of "<sha> blob <size>\n<bytes>\n" or "<sha> missing\n".
  std::string buf;
  std::size_t pos = 0;
  bool eof = false;
  auto fill = [&](std::size_t need) {
    while (!eof && buf.size() - pos < need) {
      if (pos > 0 && pos == buf.size()) {
        buf.clear();
        pos = 0;
      }
      char chunk[1 << 16];
      const ssize_t n = ::read(child.out(), chunk, sizeof chunk);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        eof = true;
      }
    }
    return buf.size() - pos >= need;
  };
  for (const auto& blob : blobs) {
    std::size_t nl;
    while ((nl = buf.find('\n', pos)) == std::string::npos) {
      if (!fill(buf.size() - pos + 1)) break;
    }
    if (nl == std::string::npos) {
      diagnostics.push_back({blob.path, "io", "git cat-file ended early: " + child.read_stderr(), true});
      break;
    }
    const std::string header = buf.substr(pos, nl - pos);
    pos = nl + 1;
    const std::size_t last_space = header.rfind(' ');
    if (header.find(" blob ") == std::string::npos || last_space == std::string::npos) {
      diagnostics.push_back({blob.path, "io", "git cannot read blob " + blob.sha + ": " + header.substr(41), true});
      continue;
    }
    const std::size_t size = std::stoull(header.substr(last_space + 1));
    if (!fill(size + 1)) {
      diagnostics.push_back({blob.path, "io", "git cat-file ended inside blob " + blob.sha, true});
      break;
    }
    std::string content = buf.substr(pos, size);
    pos += size + 1;
    if (pos > (8U << 20)) {  // keep the buffer small
      buf.erase(0, pos);
      pos = 0;
    }
    on_blob(blob, std::move(content));
  }
  // Stopped early: closing our end makes git exit, which unblocks the writer.
  child.close_stdout();
  writer.join();
  return Status::ok();
}

}  // namespace tokensweep::source
