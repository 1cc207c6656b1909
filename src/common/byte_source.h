// ByteSource: anything bytes are read from in order — a file, stdin, a pipe, an archive
// member being decompressed. BlockReader reads every input through one, so nested inputs
// (a tar inside a gzip inside a zip) are scanned exactly like files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tokensweep {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; 0 at the end. An error names the input.
  virtual Result<std::size_t> read(char* buf, std::size_t n) = 0;
};

// Reads from `source` into `buf` until `n` bytes or the end: how many were read.
Result<std::size_t> read_up_to(ByteSource& source, char* buf, std::size_t n);

// A file or stdin ("-"), by descriptor.
class FdSource : public ByteSource {
 public:
  FdSource() = default;
  ~FdSource() override;
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  Status open(const std::string& path);
  // Moves to `offset` of a regular file (the next read starts there).
  Status seek(uint64_t offset);
  void close();
  Result<std::size_t> read(char* buf, std::size_t n) override;

 private:
  int fd_ = -1;
  bool own_ = false;
  std::string path_;
};

// `prefix` (bytes already read from `rest`), then the rest of `rest`: lets a reader that
// looked at the head of a stream hand the whole stream on.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string_view prefix, ByteSource& rest) : prefix_(prefix), rest_(rest) {}
  Result<std::size_t> read(char* buf, std::size_t n) override;

 private:
  std::string_view prefix_;
  ByteSource& rest_;
};

}  // namespace tokensweep
