// Counting '\n' fast: every byte of every block is counted once for line numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tokensweep {

// The number of '\n' in [p, p + n), with AVX2 where the CPU has it (checked once), else
// SSE2 (x86-64's baseline). On a log scan the count reads every byte once more after
// Hyperscan, a tenth of a one-thread run: AVX2 halves the instructions per byte.
uint64_t count_newlines(const char* p, std::size_t n);

namespace detail {
// Each way of counting, for the tests: both give std::count's answer.
uint64_t count_newlines_portable(const char* p, std::size_t n);  // SSE2 where compiled for it
uint64_t count_newlines_avx2(const char* p, std::size_t n);      // only where avx2_usable()
bool avx2_usable();
}  // namespace detail

}  // namespace tokensweep
