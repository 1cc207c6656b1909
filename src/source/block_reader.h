// BlockReader: reads a file or stream as a sequence of overlapping blocks in one reused
// buffer, so that inputs of any size (a 10 GB log, an endless pipe) are scanned in bounded
// memory and a match that crosses a block boundary still lies whole inside one block.
//
// Block k covers stream bytes [base, base + data.size()); consecutive blocks share
// `overlap` bytes. Not thread-safe; one per worker, reused across inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/byte_source.h"

namespace tokensweep::source {

struct Block {
  std::string_view data;
  uint64_t base = 0;   // stream offset of data[0]
  bool last = false;   // no further block follows
};

class BlockReader {
 public:
  BlockReader(std::size_t block_size, std::size_t overlap);
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // Opens `path` ("-" for stdin). At most `limit` bytes are read (0: no limit).
  Status open(const std::string& path, uint64_t limit);
  // Reads from `source`, which must outlive the reading.
  void open(ByteSource& source, uint64_t limit);
  // The source being read (to hand the stream on, e.g. to an archive reader).
  ByteSource& source() { return *source_; }
  // The next block; an empty, last block at end of input. Fails on a read error.
  Result<Block> next();
  // True when the input had more bytes than `limit` (known once the last block is read).
  bool truncated() const { return truncated_; }
  // A read error that ended the input after some of its bytes were delivered.
  const Status& status() const { return deferred_; }
  void close();

 private:
  std::size_t block_size_;
  std::size_t overlap_;
  // Not a std::vector: resizing one zero-fills all 8 MiB, which was a quarter of the CPU
  // of a scan of a small file (page faults on memory nothing reads before it is written).
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t filled_ = 0;   // bytes of buffer_ holding the current block
  uint64_t base_ = 0;
  uint64_t consumed_ = 0;    // bytes read from the input so far
  uint64_t limit_ = 0;
  FdSource file_;
  ByteSource* source_ = nullptr;
  bool eof_ = false;
  bool started_ = false;
  bool truncated_ = false;
  Status deferred_;
};

}  // namespace tokensweep::source
