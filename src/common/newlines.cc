#include "common/newlines.h"

#include <string.h>

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TOKENSWEEP_X86 1
#endif

namespace tokensweep {
namespace detail {

// g++ -O2 does not vectorise std::count. Both vector loops compare a register of bytes at a
// time, subtracting each compare's -1s into byte counters that are summed (psadbw) before
// they can overflow, every 255 strides.
uint64_t count_newlines_portable(const char* p, std::size_t n) {
  uint64_t count = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  __m128i total = zero;  // two 64-bit sums
  while (i + 16 <= n) {
    const std::size_t strides = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
    const std::size_t end = i + 16 * strides;
    __m128i bytes = zero;  // per byte lane: newlines seen in this run, at most 255
    for (; i < end; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      bytes = _mm_sub_epi8(bytes, _mm_cmpeq_epi8(v, nl));
    }
    total = _mm_add_epi64(total, _mm_sad_epu8(bytes, zero));
  }
  count = static_cast<uint64_t>(_mm_cvtsi128_si64(total)) +
          static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(total, total)));
#endif
  for (; i < n; ++i) count += p[i] == '\n' ? 1 : 0;
  return count;
}

#if defined(TOKENSWEEP_X86)
// Every CPU with AVX2 has POPCNT.
__attribute__((target("avx2,popcnt"))) uint64_t count_newlines_avx2(const char* p, std::size_t n) {
  if (n < 32) return count_newlines_portable(p, n);
  std::size_t i = 0;
  const __m256i nl = _mm256_set1_epi8('\n');
  const __m256i zero = _mm256_setzero_si256();
  __m256i total = zero;  // four 64-bit sums
  while (i + 32 <= n) {
    const std::size_t strides = (n - i) / 32 < 255 ? (n - i) / 32 : 255;
    const std::size_t end = i + 32 * strides;
    __m256i bytes = zero;
    for (; i < end; i += 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
      bytes = _mm256_sub_epi8(bytes, _mm256_cmpeq_epi8(v, nl));
    }
    total = _mm256_add_epi64(total, _mm256_sad_epu8(bytes, zero));
  }
  const __m128i pairs = _mm_add_epi64(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
  uint64_t count = static_cast<uint64_t>(_mm_cvtsi128_si64(pairs)) +
                   static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(pairs, pairs)));
  if (const std::size_t rest = n - i; rest > 0) {
    // The last 32 bytes, of which the first 32 - rest were counted above: a call per
    // short line (the changed-line views count the gaps between lines) ends here, and a
    // byte loop over the rest cost more than the strides.
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + n - 32));
    const auto hits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl)));
    count += static_cast<uint64_t>(__builtin_popcount(hits >> (32 - rest)));
  }
  return count;
}

bool avx2_usable() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"); }
#else
uint64_t count_newlines_avx2(const char* p, std::size_t n) { return count_newlines_portable(p, n); }
bool avx2_usable() { return false; }
#endif

}  // namespace detail

uint64_t count_newlines(const char* p, std::size_t n) {
  static const auto count = detail::avx2_usable() ? detail::count_newlines_avx2 : detail::count_newlines_portable;
  return count(p, n);
}

void NewlineIndex::build(std::string_view block, std::string_view noted) {
  block_ = block;
  holds_noted_ = 0;
  const unsigned all = (1U << std::min<std::size_t>(noted.size(), 8)) - 1;
  const std::size_t chunks = (block.size() + kChunk - 1) / kChunk;
  before_chunk_.resize(chunks + 1);
  uint64_t total = 0;
  for (std::size_t k = 0; k < chunks; ++k) {
    before_chunk_[k] = total;
    const char* chunk = block.data() + k * kChunk;
    const std::size_t size = std::min(kChunk, block.size() - k * kChunk);
    total += count_newlines(chunk, size);
    for (std::size_t i = 0; holds_noted_ != all && i < noted.size() && i < 8; ++i) {
      if ((holds_noted_ >> i & 1U) == 0 && ::memchr(chunk, noted[i], size) != nullptr) holds_noted_ |= 1U << i;
    }
  }
  before_chunk_[chunks] = total;
}

uint64_t NewlineIndex::before(std::size_t offset) const {
  const std::size_t k = offset / kChunk;
  return before_chunk_[k] + count_newlines(block_.data() + k * kChunk, offset - k * kChunk);
}

uint64_t NewlineIndex::between(std::size_t from, std::size_t to) const {
  if (to <= from) return 0;
  if (to - from <= 2 * kChunk) return count_newlines(block_.data() + from, to - from);
  return before(to) - before(from);
}

std::size_t NewlineIndex::line_start(std::size_t offset) const {
  std::size_t k = offset / kChunk;  // [k * kChunk, end) is looked through first
  std::size_t end = offset;
  while (true) {
    const std::size_t from = k * kChunk;
    if (const void* nl = end > from ? ::memrchr(block_.data() + from, '\n', end - from) : nullptr) {
      return static_cast<std::size_t>(static_cast<const char*>(nl) - block_.data()) + 1;
    }
    if (k == 0) return 0;
    --k;
    while (k > 0 && before_chunk_[k + 1] == before_chunk_[k]) --k;  // chunk k holds no '\n'
    end = (k + 1) * kChunk;
  }
}

}  // namespace tokensweep
