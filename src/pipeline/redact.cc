#include "pipeline/redact.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "common/sha256.h"

namespace tokensweep::pipeline {
namespace {

constexpr std::size_t kReadSize = 64 * 1024;
// A "line" longer than this is redacted in pieces of this size (a token split exactly
// at such a cut is missed); lines that long are rare in text worth redacting.
constexpr std::size_t kMaxPending = 8U << 20;

// Writes `text` with each match's capture replaced; overlapping captures are replaced once.
void write_redacted(const engine::Engine& engine, std::string_view text, std::vector<engine::Match>& matches,
                    std::ostream& out, RedactStats& stats) {
  std::sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  std::size_t pos = 0;
  for (const auto& m : matches) {
    if (m.start < pos) continue;  // inside a secret already replaced
    out.write(text.data() + pos, static_cast<std::streamsize>(m.start - pos));
    const std::string_view secret = text.substr(m.start, m.end - m.start);
    out << "[REDACTED:" << engine.rules()[m.rule].id << ":" << sha256_hex(secret).substr(0, 8) << "]";
    pos = m.end;
    ++stats.secrets;
  }
  out.write(text.data() + pos, static_cast<std::streamsize>(text.size() - pos));
}

}  // namespace

Result<RedactStats> redact_stream(std::shared_ptr<const engine::Engine> engine, ByteSource& in, std::ostream& out) {
  engine::Scanner scanner(engine);
  std::vector<engine::Match> matches;
  std::string pending;
  std::vector<char> buf(kReadSize);
  RedactStats stats;
  auto flush_upto = [&](std::size_t n) -> Status {
    matches.clear();
    const std::string_view text(pending.data(), n);
    if (auto st = scanner.scan(text, matches); !st) return st;
    write_redacted(*engine, text, matches, out, stats);
    out.flush();
    pending.erase(0, n);
    return Status::ok();
  };
  while (true) {
    auto n = in.read(buf.data(), buf.size());
    if (!n) return n.error();
    if (n.value() == 0) break;
    stats.bytes += n.value();
    pending.append(buf.data(), n.value());
    // Complete lines go out now; a partial line waits for its end.
    const auto last_nl = pending.rfind('\n');
    if (last_nl != std::string::npos) {
      if (auto st = flush_upto(last_nl + 1); !st) return st.error();
    } else if (pending.size() >= kMaxPending) {
      if (auto st = flush_upto(pending.size()); !st) return st.error();
    }
  }
  if (!pending.empty()) {
    if (auto st = flush_upto(pending.size()); !st) return st.error();
  }
  if (!out) return make_error(ErrorCode::kIo, "cannot write the redacted output");
  return stats;
}

Result<RedactStats> redact_in_place(std::shared_ptr<const engine::Engine> engine, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error(ErrorCode::kIo, std::string("cannot access: ") + std::strerror(errno), path);
  }
  if (!S_ISREG(st.st_mode)) return make_error(ErrorCode::kUnsupported, "not a regular file", path);
  FdSource in;
  if (auto opened = in.open(path); !opened) return opened.error();

  const auto slash = path.rfind('/');
  std::string tmp = (slash == std::string::npos ? std::string(".") : path.substr(0, slash)) + "/.tokensweep-redact-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return make_error(ErrorCode::kIo, std::string("cannot create a temporary file: ") + std::strerror(errno), path);
  auto fail = [&](Error e) -> Error {
    ::unlink(tmp.c_str());
    return e;
  };
  // The copy gets the original's mode and owner before any byte is written to it.
  if (::fchmod(fd, st.st_mode & 07777) != 0 || (::fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM)) {
    ::close(fd);
    return fail(make_error(ErrorCode::kIo, std::string("cannot set mode or owner: ") + std::strerror(errno), path));
  }
  ::close(fd);
  Result<RedactStats> stats = make_error(ErrorCode::kInternal, "not run");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    stats = redact_stream(std::move(engine), in, out);
    out.close();
    if (stats && !out) stats = make_error(ErrorCode::kIo, "cannot write the temporary copy", path);
  }
  if (!stats) return fail(stats.error());
  const int sync_fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (sync_fd >= 0) {
    ::fsync(sync_fd);
    ::close(sync_fd);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(make_error(ErrorCode::kIo, std::string("cannot replace the file: ") + std::strerror(errno), path));
  }
  return stats;
}

}  // namespace tokensweep::pipeline
