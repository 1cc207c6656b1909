#include "source/block_reader.h"

#include <cassert>
#include <cstring>

namespace tokensweep::source {

BlockReader::BlockReader(std::size_t block_size, std::size_t overlap)
    : block_size_(block_size), overlap_(overlap) {
  assert(block_size_ > 2 * overlap_);
}

BlockReader::~BlockReader() { close(); }

void BlockReader::close() {
  file_.close();
  source_ = nullptr;
}

Status BlockReader::open(const std::string& path, uint64_t limit) {
  close();
  if (auto st = file_.open(path); !st) return st;
  open(file_, limit);
  return Status::ok();
}

void BlockReader::open(ByteSource& source, uint64_t limit) {
  source_ = &source;
  filled_ = 0;
  base_ = 0;
  consumed_ = 0;
  limit_ = limit;
  eof_ = false;
  started_ = false;
  truncated_ = false;
  deferred_ = Status::ok();
}

Result<Block> BlockReader::next() {
  if (started_) {
    if (eof_) return Block{{}, base_ + filled_, true};
    // Keep the tail as the head of the next block.
    const std::size_t keep = std::min(overlap_, filled_);
    std::memmove(buffer_.get(), buffer_.get() + filled_ - keep, keep);
    base_ += filled_ - keep;
    filled_ = keep;
  }
  started_ = true;
  // Allocated on first use and kept: one block buffer per worker, reused for every input.
  if (capacity_ < block_size_) {
    buffer_ = std::make_unique_for_overwrite<char[]>(block_size_);
    capacity_ = block_size_;
  }
  const std::size_t fresh_from = filled_;  // bytes before this are the overlap, already seen

  while (filled_ < block_size_) {
    std::size_t want = block_size_ - filled_;
    if (limit_ > 0) {
      if (consumed_ >= limit_) {
        // Is there more than the cap? One probe byte tells, without keeping it.
        char probe = 0;
        auto n = source_->read(&probe, 1);
        truncated_ = n.has_value() && n.value() > 0;
        eof_ = true;
        break;
      }
      want = static_cast<std::size_t>(std::min<uint64_t>(want, limit_ - consumed_));
    }
    auto got = source_->read(buffer_.get() + filled_, want);
    if (!got) {
      // What was read before the failure is still scanned (a truncated gzip keeps its
      // head): the block ends here and the error waits in status().
      if (filled_ == fresh_from) return got.error();
      deferred_ = got.error();
      eof_ = true;
      break;
    }
    const std::size_t n = got.value();
    if (n == 0) {
      eof_ = true;
      break;
    }
    filled_ += n;
    consumed_ += n;
  }
  return Block{{buffer_.get(), filled_}, base_, eof_};
}

}  // namespace tokensweep::source
