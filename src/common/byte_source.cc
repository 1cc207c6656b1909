#include "common/byte_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tokensweep {

FdSource::~FdSource() { close(); }

void FdSource::close() {
  if (own_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  own_ = false;
}

Status FdSource::open(const std::string& path) {
  close();
  path_ = path;
  if (path == "-") {
    fd_ = STDIN_FILENO;
    return Status::ok();
  }
  // No O_NONBLOCK: a FIFO named on the command line is waited on for its writer.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd_ < 0) return make_error(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(errno), path);
  own_ = true;
  return Status::ok();
}

Result<std::size_t> read_up_to(ByteSource& source, char* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    auto r = source.read(buf + got, n - got);
    if (!r) return r.error();
    if (r.value() == 0) break;
    got += r.value();
  }
  return got;
}

Status FdSource::seek(uint64_t offset) {
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    return make_error(ErrorCode::kIo, std::string("seek failed: ") + std::strerror(errno), path_);
  }
  return Status::ok();
}

Result<std::size_t> FdSource::read(char* buf, std::size_t n) {
  while (true) {
    const ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno != EINTR) return make_error(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno), path_);
  }
}

Result<std::size_t> PrefixedSource::read(char* buf, std::size_t n) {
  if (!prefix_.empty()) {
    const std::size_t k = std::min(n, prefix_.size());
    std::memcpy(buf, prefix_.data(), k);
    prefix_.remove_prefix(k);
    return k;
  }
  return rest_.read(buf, n);
}

}  // namespace tokensweep
