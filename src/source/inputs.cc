#include "source/inputs.h"

#include "source/path_glob.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace tokensweep::source {
namespace {

std::string errno_message(int err) { return std::strerror(err); }

std::string join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

class Walker {
 public:
  Walker(const WalkOptions& options, const std::function<void(Input)>& emit, std::vector<Diagnostic>& diags)
      : options_(options), emit_(emit), diags_(diags) {}

  uint64_t excluded() const { return excluded_; }

  void root(const std::string& path) {
    root_ = path;
    if (path == "-") {
      emit_({"<stdin>", "-", InputType::kStream, 0, {}, {}});
      return;
    }
    struct stat st {};
    // A path the user named is followed even when it is a symlink.
    if (::stat(path.c_str(), &st) != 0) {
      diags_.push_back({path, "io", "cannot access: " + errno_message(errno), true});
      return;
    }
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
      // `scan <(cmd)` and `scan /dev/stdin` name streams on purpose: read them to EOF.
      emit_({path, path, InputType::kStream, 0, {}, {}});
      return;
    }
    if (!S_ISDIR(st.st_mode) && is_excluded(path)) return;
    entry(path, st, /*named=*/true);
  }

 private:
  void entry(const std::string& path, const struct stat& st, bool named) {
    if (S_ISREG(st.st_mode)) {
      emit_({path, path, InputType::kFile, static_cast<uint64_t>(st.st_size), {}, {}});
    } else if (S_ISDIR(st.st_mode)) {
      // An OCI image layout is one input, scanned as one image (pipeline/image_scan.h).
      struct stat marker {};
      if (::stat(join(path, "oci-layout").c_str(), &marker) == 0 && S_ISREG(marker.st_mode)) {
        emit_({path, path, InputType::kImageLayout, 0, {}, {}});
        return;
      }
      directory(path, st);
    } else if (!named) {
      // Reading a FIFO, socket or device met during a walk could block forever or never end.
      const char* what = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device";
      diags_.push_back({path, "unsupported", std::string("not scanned: ") + what, true});
    } else {
      diags_.push_back({path, "unsupported", "not a regular file or directory", true});
    }
  }

  void directory(const std::string& path, const struct stat& st) {
    // With --follow-symlinks a link back up the tree must not loop forever.
    if (!visited_.emplace(st.st_dev, st.st_ino).second) return;
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) {
      diags_.push_back({path, "io", "cannot read directory: " + errno_message(errno), true});
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(dir)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      names.push_back(name);
    }
    const int read_err = errno;
    ::closedir(dir);
    if (read_err != 0) {
      diags_.push_back({path, "io", "error while listing directory: " + errno_message(read_err), true});
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      const std::string child = join(path, name);
      struct stat cst {};
      if (::lstat(child.c_str(), &cst) != 0) {
        diags_.push_back({child, "io", "vanished or unreadable: " + errno_message(errno), true});
        continue;
      }
      if (S_ISDIR(cst.st_mode) && name == ".git") continue;  // git internals: a later issue reads history
      if (S_ISLNK(cst.st_mode)) {
        if (!options_.follow_symlinks) continue;
        if (::stat(child.c_str(), &cst) != 0) continue;  // a dangling link holds nothing to scan
        if (S_ISDIR(cst.st_mode) && name == ".git") continue;
      }
      if (is_excluded(relative(child))) continue;
      entry(child, cst, /*named=*/false);
    }
  }

  // `child` relative to the root being walked.
  std::string_view relative(std::string_view child) const {
    std::string_view rel = child.substr(std::min(child.size(), root_.size()));
    while (rel.starts_with('/')) rel.remove_prefix(1);
    return rel;
  }

  bool is_excluded(std::string_view rel) {
    if (options_.exclude.empty() || first_glob_match(options_.exclude, rel) == nullptr) return false;
    ++excluded_;
    return true;
  }

  const WalkOptions& options_;
  const std::function<void(Input)>& emit_;
  std::vector<Diagnostic>& diags_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  std::string root_;
  uint64_t excluded_ = 0;
};

}  // namespace

void collect_inputs(const std::vector<std::string>& roots, const WalkOptions& options,
                    const std::function<void(Input)>& emit, std::vector<Diagnostic>& diagnostics,
                    WalkStats* stats) {
  Walker walker(options, emit, diagnostics);
  for (const auto& root : roots) walker.root(root);
  if (stats != nullptr) stats->excluded += walker.excluded();
}

void collect_inputs(const std::vector<std::string>& roots, const WalkOptions& options,
                    std::vector<Input>& inputs, std::vector<Diagnostic>& diagnostics, WalkStats* stats) {
  collect_inputs(
      roots, options, [&](Input input) { inputs.push_back(std::move(input)); }, diagnostics, stats);
}

}  // namespace tokensweep::source
