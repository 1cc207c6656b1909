// Runs a RecordFormat from the catalogue over an input fed in given pieces and keeps what
// it emitted, so tests can compare a whole feed with every split of the same bytes.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "source/format.h"

namespace tokensweep::source {

struct SavedRecord {
  std::string text;
  uint64_t line = 0;
  SourceContext source;
  std::vector<std::string> decoders;

  bool operator==(const SavedRecord&) const = default;
  // The value of context key `key`, or "<none>".
  std::string context(std::string_view key) const {
    for (const auto& [k, v] : source) {
      if (k == key) return v;
    }
    return "<none>";
  }
};

inline std::ostream& operator<<(std::ostream& os, const SavedRecord& r) {
  os << "{line " << r.line << ", text \"" << r.text << "\", source {";
  for (const auto& [k, v] : r.source) os << k << ": " << v << "; ";
  return os << "}}";
}

struct Outcome {
  std::vector<SavedRecord> records;
  bool ok = true;
  std::string error;     // the message, when !ok
  bool at_finish = false;  // the error came from finish(), not feed()
  std::vector<std::string> warnings;  // take_warnings() after finish()

  bool operator==(const Outcome&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << (o.ok ? "ok" : "error: " + o.error) << ", " << o.records.size() << " records";
  for (const auto& r : o.records) os << "\n  " << r;
  return os;
}

// Feeds `input` to a new instance of format `name` in pieces ending at each of `cuts`
// (ascending offsets), then finishes it.
inline Outcome run_format(std::string_view name, std::string_view path, std::string_view input,
                          std::vector<std::size_t> cuts = {}) {
  Outcome out;
  const FormatInfo* info = find_format(name);
  if (info == nullptr || info->make_records == nullptr) {
    out.ok = false;
    out.error = "no record format named " + std::string(name);
    return out;
  }
  auto format = info->make_records(path);
  const RecordSink sink = [&](const Record& r) {
    out.records.push_back({std::string(r.text), r.line, r.source, r.decoders});
  };
  cuts.push_back(input.size());
  std::size_t pos = 0;
  for (const std::size_t cut : cuts) {
    if (Status st = format->feed(input.substr(pos, cut - pos), sink); !st) {
      out.ok = false;
      out.error = st.error().message;
      return out;
    }
    pos = cut;
  }
  if (Status st = format->finish(sink); !st) {
    out.ok = false;
    out.error = st.error().message;
    out.at_finish = true;
  }
  out.warnings = format->take_warnings();
  return out;
}

// The outcome of feeding `input` whole must be the same for every split of it in two and
// for a feed byte by byte.
inline void expect_same_at_every_split(std::string_view name, std::string_view path, std::string_view input) {
  const Outcome whole = run_format(name, path, input);
  for (std::size_t i = 0; i <= input.size(); ++i) {
    ASSERT_EQ(run_format(name, path, input, {i}), whole) << "split at byte " << i;
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
  ASSERT_EQ(run_format(name, path, input, every), whole) << "fed byte by byte";
}

// The 1-based line of the first occurrence of `needle` in `input`.
inline uint64_t line_of(std::string_view input, std::string_view needle) {
  const std::size_t at = input.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  uint64_t line = 1;
  for (std::size_t i = 0; i < at && i < input.size(); ++i) line += input[i] == '\n' ? 1 : 0;
  return line;
}

}  // namespace tokensweep::source
