#include "engine/relax.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace tokensweep::engine {
namespace {

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

// A counted repeat: `{n}`, `{m,}` or `{m,n}`, each number at most nine digits.
struct CountedRepeat {
  std::size_t comma = std::string_view::npos;  // where its ',' is; npos for `{n}`
  std::size_t close = std::string_view::npos;  // just past its '}'; npos: no repeat here
  std::size_t upper = 0;                       // n; SIZE_MAX for `{m,}`
};

// The counted repeat at pattern[i], if one starts there (`close` npos if not).
CountedRepeat counted_repeat_at(std::string_view p, std::size_t i) {
  CountedRepeat r;
  if (i >= p.size() || p[i] != '{') return r;
  std::size_t j = i + 1;
  const auto number = [&](std::size_t& value) {
    const std::size_t from = j;
    value = 0;
    while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j])) != 0 && j - from < 9) {
      value = value * 10 + static_cast<std::size_t>(p[j++] - '0');
    }
    return j > from;
  };
  if (!number(r.upper)) return r;
  if (j < p.size() && p[j] == ',') {
    r.comma = j++;
    if (j < p.size() && p[j] == '}') r.upper = SIZE_MAX;
    else if (!number(r.upper)) return r;
  }
  if (j < p.size() && p[j] == '}') r.close = j + 1;
  return r;
}

// Just past the ']' of the class opening at pattern[open] ('['), or the pattern's end. A
// leading '^' and a leading ']' are part of it, and an escaped ']' does not close it.
std::size_t class_end(std::string_view p, std::size_t open) {
  std::size_t j = open + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a member
  while (j < p.size() && p[j] != ']') j += (p[j] == '\\' && j + 1 < p.size()) ? 2 : 1;
  return std::min(p.size(), j + 1);
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
    const CountedRepeat repeat = close == std::string_view::npos ? CountedRepeat{} : counted_repeat_at(p, close + 1);
    const std::size_t after = repeat.close;
    if (after != std::string_view::npos &&
        (repeat.upper <= kWidenRepeatsUpTo || (after < p.size() && std::isalnum(static_cast<unsigned char>(p[after])) != 0))) {
      out += "[0-9A-Za-z_-]";
      i = close + 1;
      continue;
    }
    // Any other class is copied whole, so that its ']' or '[' is never read as a class edge.
    const std::size_t end = class_end(p, i);
    out.append(p.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string relax_counted_repeats(std::string_view p, std::size_t* smallest) {
  if (smallest != nullptr) *smallest = SIZE_MAX;
  std::string out;
  out.reserve(p.size());
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {  // an escape: never a quantifier
      const std::size_t n = escape_length(p, i);
      out.append(p.substr(i, n));
      i += n;
      continue;
    }
    if (p[i] == '[') {  // a class: its braces are members
      const std::size_t end = class_end(p, i);
      out.append(p.substr(i, end - i));
      i = end;
      continue;
    }
    const CountedRepeat repeat = counted_repeat_at(p, i);
    if (repeat.close != std::string_view::npos && repeat.comma != std::string_view::npos &&
        repeat.upper != SIZE_MAX && repeat.upper >= kRelaxRepeatsFrom) {
      if (smallest != nullptr) *smallest = std::min(*smallest, repeat.upper);
      out.append(p.substr(i, repeat.comma + 1 - i));  // "{m,"
      out += '}';
      i = repeat.close;
      continue;
    }
    out += p[i++];
  }
  return out;
}

}  // namespace tokensweep::engine
