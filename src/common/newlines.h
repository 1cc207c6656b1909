// Counting '\n' fast: every byte of every block is counted once for line numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tokensweep {

// The number of '\n' in [p, p + n), with AVX2 where the CPU has it (checked once), else
// SSE2 (x86-64's baseline). On a log scan the count reads every byte once more after
// Hyperscan, a tenth of a one-thread run: AVX2 halves the instructions per byte.
uint64_t count_newlines(const char* p, std::size_t n);

// Where the line breaks of one block are, counted per kChunk bytes in one pass while the
// block is fresh in cache (just read): a count between two offsets then reads at most two
// partial chunks. A log scan read every byte of every block again, after Hyperscan, to
// number the lines of a few findings: 11% of a one-thread run with that pass cold, half
// that counted just after the read.
class NewlineIndex {
 public:
  static constexpr std::size_t kChunk = 4096;

  // Indexes `block`, which must outlive the index's use (nothing is copied), and notes
  // which of the bytes `noted` (at most 8) it holds, chunk by chunk while each is in cache:
  // the decoders ask whether a block holds their marker (ESC, '\\', '%', '&'), and a pass
  // of its own for one over a block without it was 4% of a scan of source text.
  void build(std::string_view block, std::string_view noted);
  // Whether the block holds noted[i].
  bool holds_noted(std::size_t i) const { return (holds_noted_ >> i & 1U) != 0; }
  // The '\n's in [0, offset) of the block.
  uint64_t before(std::size_t offset) const;
  // The '\n's in [from, to): from the index, or counted when the two are close.
  uint64_t between(std::size_t from, std::size_t to) const;
  // Where the line holding `offset` starts: one past the last '\n' before it, or 0. Reads
  // back only to that '\n', skipping chunks that have none.
  std::size_t line_start(std::size_t offset) const;

 private:
  std::string_view block_;
  std::vector<uint64_t> before_chunk_;  // [k]: the '\n's before chunk k; one past the last
  unsigned holds_noted_ = 0;  // bit i: noted[i] is in the block
};

namespace detail {
// Each way of counting, for the tests: both give std::count's answer.
uint64_t count_newlines_portable(const char* p, std::size_t n);  // SSE2 where compiled for it
uint64_t count_newlines_avx2(const char* p, std::size_t n);      // only where avx2_usable()
bool avx2_usable();
}  // namespace detail

}  // namespace tokensweep
