#include "source/path_glob.h"

namespace tokensweep::source {
namespace {

// Matches one character class at p[0] == '['; advances `p` past it.
bool match_class(std::string_view& p, char c) {
  std::size_t i = 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool hit = false;
  bool first = true;
  for (; i < p.size() && (first || p[i] != ']'); ++i, first = false) {
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hit |= p[i] <= c && c <= p[i + 2];
      i += 2;
    } else {
      hit |= p[i] == c;
    }
  }
  p.remove_prefix(i < p.size() ? i + 1 : p.size());
  return hit != negate && c != '/';
}

// Full match of `p` against `s`.
bool match(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.starts_with("**")) {
      // "**/" matches zero or more whole segments; a trailing "**" matches everything.
      std::string_view rest = p.substr(2);
      if (rest.empty()) return true;
      if (rest.front() == '/') {
        rest.remove_prefix(1);
        if (match(rest, s)) return true;
        for (std::size_t i = 0; i < s.size(); ++i) {
          if (s[i] == '/' && match(rest, s.substr(i + 1))) return true;
        }
        return false;
      }
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (match(rest, s.substr(i))) return true;
      }
      return false;
    }
    const char pc = p.front();
    if (pc == '*') {
      p.remove_prefix(1);
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (match(p, s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') return false;
      }
      return false;
    }
    if (s.empty()) return false;
    if (pc == '?') {
      if (s.front() == '/') return false;
      p.remove_prefix(1);
    } else if (pc == '[') {
      if (!match_class(p, s.front())) return false;
    } else {
      if (pc != s.front()) return false;
      p.remove_prefix(1);
    }
    s.remove_prefix(1);
  }
  return s.empty();
}

}  // namespace

bool glob_match_path(std::string_view pattern, std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  if (pattern.starts_with("./")) pattern.remove_prefix(2);
  if (pattern.starts_with('/')) pattern.remove_prefix(1);  // anchored at the root: the default
  while (pattern.size() > 1 && pattern.back() == '/') pattern.remove_suffix(1);
  const bool anywhere = pattern.find('/') == std::string_view::npos;
  // The path itself, then each parent directory: "vendor/**" and "vendor" both cover
  // "vendor/a/b.js".
  std::string_view prefix = path;
  while (!prefix.empty()) {
    if (anywhere) {
      const std::size_t slash = prefix.rfind('/');
      const std::string_view last = slash == std::string_view::npos ? prefix : prefix.substr(slash + 1);
      if (match(pattern, last)) return true;
    } else if (match(pattern, prefix)) {
      return true;
    }
    const std::size_t slash = prefix.rfind('/');
    if (slash == std::string_view::npos) break;
    prefix = prefix.substr(0, slash);
  }
  return false;
}

const std::string* first_glob_match(const std::vector<std::string>& patterns, std::string_view path) {
  for (const auto& p : patterns) {
    if (glob_match_path(p, path)) return &p;
  }
  return nullptr;
}

std::string glob_problem(std::string_view pattern) {
  if (pattern.empty()) return "empty pattern";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '[') {
      const std::size_t close = pattern.find(']', i + 2);
      if (close == std::string_view::npos) return "unterminated '['";
      i = close;
    }
  }
  return {};
}

}  // namespace tokensweep::source
