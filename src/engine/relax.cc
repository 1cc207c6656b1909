#include "engine/relax.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace tokensweep::engine {
namespace {

// Reads `{m,n}` at pattern[i]; on success sets where the upper bound begins and ends
// (n's digits) and the index just past '}'.
bool counted_repeat(std::string_view p, std::size_t i, std::size_t& upper_begin, std::size_t& upper_end,
                    std::size_t& close) {
  if (p[i] != '{') return false;
  std::size_t j = i + 1;
  const std::size_t lower_begin = j;
  while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j])) != 0) ++j;
  if (j == lower_begin || j >= p.size() || p[j] != ',') return false;
  upper_begin = ++j;
  while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j])) != 0) ++j;
  upper_end = j;
  if (upper_end == upper_begin || j >= p.size() || p[j] != '}') return false;
  close = j + 1;
  return true;
}

}  // namespace

std::string relax_counted_repeats(std::string_view p, std::size_t* smallest) {
  if (smallest != nullptr) *smallest = SIZE_MAX;
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  for (std::size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {  // an escape: two bytes, never a quantifier
      out.append(p.substr(i, 2));
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      ++i;
      if (i < p.size() && p[i] == '^') out += p[i++];
      if (i < p.size() && p[i] == ']') out += p[i++];  // a leading ']' is a member
      continue;
    }
    std::size_t upper_begin = 0, upper_end = 0, close = 0;
    std::size_t upper = 0;
    if (counted_repeat(p, i, upper_begin, upper_end, close) && upper_end - upper_begin <= 9 &&
        (upper = std::stoul(std::string(p.substr(upper_begin, upper_end - upper_begin)))) >= kRelaxRepeatsFrom) {
      if (smallest != nullptr) *smallest = std::min(*smallest, upper);
      out.append(p.substr(i, upper_begin - i));  // "{m,"
      out += '}';
      i = close;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace tokensweep::engine
