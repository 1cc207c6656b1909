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

// The length of the escape at pattern[i] (a '\\'): two bytes, or for \Q a quoted run up
// to and including its \E (or the pattern's end): its brackets and braces are literal
// text, never a class or a repeat.
std::size_t escape_length(std::string_view p, std::size_t i) {
  if (i + 1 < p.size() && p[i + 1] == 'Q') {
    const std::size_t end = p.find("\\E", i + 2);
    return end == std::string_view::npos ? p.size() - i : end + 2 - i;
  }
  return std::min<std::size_t>(2, p.size() - i);
}

bool is_word_or_dash(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

// `{n}`, `{m,}` or `{m,n}` at pattern[i]: where it closes (the index past '}') and its
// upper bound (SIZE_MAX for `{m,}`), else npos.
std::size_t counted_repeat_at(std::string_view p, std::size_t i, std::size_t& upper) {
  if (i >= p.size() || p[i] != '{') return std::string_view::npos;
  std::size_t j = i + 1;
  const auto number = [&](std::size_t& value) {
    const std::size_t from = j;
    value = 0;
    while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j])) != 0 && j - from < 9) {
      value = value * 10 + static_cast<std::size_t>(p[j++] - '0');
    }
    return j > from;
  };
  if (!number(upper)) return std::string_view::npos;
  if (j < p.size() && p[j] == ',') {
    ++j;
    if (j < p.size() && p[j] == '}') upper = SIZE_MAX;
    else if (!number(upper)) return std::string_view::npos;
  }
  return j < p.size() && p[j] == '}' ? j + 1 : std::string_view::npos;
}

// The class opening at pattern[open] ('['): where it closes (the index of its ']') when
// every member lies in [0-9A-Za-z_-], else npos. A member is a character (an escaped '-'
// included) or a range of two alphanumerics of one kind that ascend (a-f, 0-9); any other
// range (--a, _-a, A-z) may hold other characters, and is refused.
std::size_t plain_word_class(std::string_view p, std::size_t open) {
  std::size_t i = open + 1;
  if (i < p.size() && (p[i] == '^' || p[i] == ']')) return std::string_view::npos;
  const auto kind = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isdigit(u) != 0 ? 1 : std::islower(u) != 0 ? 2 : std::isupper(u) != 0 ? 3 : 0;
  };
  while (i < p.size() && p[i] != ']') {
    char lo = p[i];
    if (lo == '\\') {
      if (i + 1 >= p.size() || p[i + 1] != '-') return std::string_view::npos;
      lo = '-';
      ++i;
    }
    ++i;  // past lo
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {  // a range lo-hi
      const char hi = p[i + 1];
      if (kind(lo) == 0 || kind(lo) != kind(hi) || hi < lo) return std::string_view::npos;
      i += 2;
    } else if (!is_word_or_dash(lo)) {
      return std::string_view::npos;
    }
  }
  return i < p.size() ? i : std::string_view::npos;
}

}  // namespace

std::string widen_repeated_classes(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {  // an escape outside a class
      const std::size_t n = escape_length(p, i);
      out.append(p.substr(i, n));
      i += n;
      continue;
    }
    if (p[i] != '[') {
      out += p[i++];
      continue;
    }
    const std::size_t close = plain_word_class(p, i);
    std::size_t upper = 0;
    const std::size_t after = close == std::string_view::npos ? close : counted_repeat_at(p, close + 1, upper);
    if (after != std::string_view::npos &&
        (upper <= kWidenRepeatsUpTo || (after < p.size() && std::isalnum(static_cast<unsigned char>(p[after])) != 0))) {
      out += "[0-9A-Za-z_-]";
      i = close + 1;
      continue;
    }
    // Any other class is copied whole, so that its ']' or '[' is never read as a class edge.
    std::size_t j = i + 1;
    if (j < p.size() && p[j] == '^') ++j;
    if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a member
    while (j < p.size() && p[j] != ']') j += (p[j] == '\\' && j + 1 < p.size()) ? 2 : 1;
    j = std::min(p.size(), j + 1);
    out.append(p.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string relax_counted_repeats(std::string_view p, std::size_t* smallest) {
  if (smallest != nullptr) *smallest = SIZE_MAX;
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  for (std::size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' && !in_class) {  // an escape: never a quantifier
      const std::size_t n = escape_length(p, i);
      out.append(p.substr(i, n));
      i += n;
      continue;
    }
    if (c == '\\' && i + 1 < p.size()) {  // inside a class: two bytes
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
