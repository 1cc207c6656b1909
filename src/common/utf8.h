// UTF-8 validation, one sequence at a time: what the sinks (escaping) and the history
// formats (binary junk) agree is text.
#pragma once

#include <cstddef>
#include <string_view>

namespace tokensweep {

// Length of the valid UTF-8 sequence at the start of `s` (1 for ASCII, NUL included), or 0
// when it is not valid or `s` is empty: RFC 3629 §4 — no overlong forms, no surrogates,
// nothing above U+10FFFF (the sequences nlohmann's decoder accepts too).
inline std::size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 == 0xe0) { n = 3; lo = 0xa0; }
  else if (b0 >= 0xe1 && b0 <= 0xec) n = 3;
  else if (b0 == 0xed) { n = 3; hi = 0x9f; }
  else if (b0 >= 0xee && b0 <= 0xef) n = 3;
  else if (b0 == 0xf0) { n = 4; lo = 0x90; }
  else if (b0 >= 0xf1 && b0 <= 0xf3) n = 4;
  else if (b0 == 0xf4) { n = 4; hi = 0x8f; }
  else return 0;
  if (s.size() < n) return 0;
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

}  // namespace tokensweep
