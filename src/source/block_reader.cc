#include "source/block_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>

namespace tokensweep::source {

BlockReader::BlockReader(std::size_t block_size, std::size_t overlap)
    : block_size_(block_size), overlap_(overlap) {
  assert(block_size_ > 2 * overlap_);
}

BlockReader::~BlockReader() { close(); }

void BlockReader::close() {
  if (own_fd_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  own_fd_ = false;
}

Status BlockReader::open(const std::string& path, uint64_t limit) {
  close();
  path_ = path;
  filled_ = 0;
  base_ = 0;
  consumed_ = 0;
  limit_ = limit;
  eof_ = false;
  started_ = false;
  truncated_ = false;
  if (path == "-") {
    fd_ = STDIN_FILENO;
    own_fd_ = false;
  } else {
    // O_NONBLOCK would make a FIFO open return at once; we want to wait for its writer.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) return make_error(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(errno), path);
    own_fd_ = true;
  }
  return Status::ok();
}

Result<Block> BlockReader::next() {
  if (started_) {
    if (eof_) return Block{{}, base_ + filled_, true};
    // Keep the tail as the head of the next block.
    const std::size_t keep = std::min(overlap_, filled_);
    std::memmove(buffer_.data(), buffer_.data() + filled_ - keep, keep);
    base_ += filled_ - keep;
    filled_ = keep;
  }
  started_ = true;
  // Allocated on first use and kept: one block buffer per worker, reused for every input.
  if (buffer_.size() < block_size_) buffer_.resize(block_size_);

  while (filled_ < block_size_) {
    std::size_t want = block_size_ - filled_;
    if (limit_ > 0) {
      if (consumed_ >= limit_) {
        // Is there more than the cap? One probe byte tells, without keeping it.
        char probe = 0;
        ssize_t n;
        do { n = ::read(fd_, &probe, 1); } while (n < 0 && errno == EINTR);
        truncated_ = n > 0;
        eof_ = true;
        break;
      }
      want = static_cast<std::size_t>(std::min<uint64_t>(want, limit_ - consumed_));
    }
    const ssize_t n = ::read(fd_, buffer_.data() + filled_, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno), path_);
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    filled_ += static_cast<std::size_t>(n);
    consumed_ += static_cast<uint64_t>(n);
  }
  return Block{{buffer_.data(), filled_}, base_, eof_};
}

}  // namespace tokensweep::source
