// Runs a LineFormat over an input fed in given pieces and keeps what it produced, its
// contexts and warnings, so tests can compare a whole feed with every split of the bytes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "source/format.h"

namespace tokensweep::source {

using LineFormatMaker = std::unique_ptr<LineFormat> (*)(std::string_view path);

struct LineOutcome {
  std::string text;                      // what the format produced
  std::vector<SourceContext> contexts;   // per line of `text`, 1-based line i at [i - 1]
  std::vector<std::string> warnings;

  bool operator==(const LineOutcome&) const = default;

  // The value of `key` in line `line`'s context, or "<none>".
  std::string at(uint64_t line, std::string_view key) const {
    if (line == 0 || line > contexts.size()) return "<no line>";
    for (const auto& [k, v] : contexts[line - 1]) {
      if (k == key) return v;
    }
    return "<none>";
  }
  // Line `line` (1-based) of `text`, without its '\n'.
  std::string line(uint64_t line) const {
    std::size_t begin = 0;
    for (uint64_t i = 1; i < line; ++i) {
      begin = text.find('\n', begin);
      if (begin == std::string::npos) return "<no line>";
      ++begin;
    }
    const auto end = text.find('\n', begin);
    return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
};

inline std::size_t count_lines(std::string_view s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')) + 1;
}

// Feeds `input` in pieces ending at each of `cuts` (ascending offsets), then finishes;
// contexts are taken after the end, for every line of the input.
inline LineOutcome run_lines(LineFormatMaker make, std::string_view path, std::string_view input,
                             const std::vector<std::size_t>& cuts = {}) {
  auto format = make(path);
  LineOutcome out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    format->feed(input.substr(at, cut - at), out.text);
    at = cut;
  }
  format->feed(input.substr(at), out.text);
  format->finish(out.text);
  for (uint64_t line = 1; line <= count_lines(input); ++line) {
    const SourceContext* c = format->context(line);
    out.contexts.push_back(c == nullptr ? SourceContext{} : *c);
  }
  out.warnings = format->take_warnings();
  return out;
}

// The same outcome whatever the split: at every single byte position, and byte by byte.
inline void expect_split_invariant(LineFormatMaker make, std::string_view path, std::string_view input) {
  const LineOutcome whole = run_lines(make, path, input);
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    ASSERT_EQ(run_lines(make, path, input, {cut}), whole) << "split at byte " << cut;
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
  ASSERT_EQ(run_lines(make, path, input, every), whole) << "fed byte by byte";
}

}  // namespace tokensweep::source
