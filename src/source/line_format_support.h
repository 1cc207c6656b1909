// Pieces shared by the LineFormats of shell_history.h and ci_log.h: splitting input fed in
// arbitrary pieces into lines, UTC timestamps, a check for binary junk, and the per-input
// maps from a line to its context. Internal to src/source/.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "source/format.h"

namespace tokensweep::source::line_support {

// Splits input fed in pieces into lines and calls
//   on_line(std::string_view text, bool ends_line, bool starts_line)
// once per line, `text` without its '\n'. A line is held until its '\n' (or the end of the
// input) arrives, so a format sees it whole — unless it grows past kMaxHeldLine: then it is
// passed on in segments (starts_line false for all but the first, ends_line false for all
// but the last), so memory stays bounded on input without newlines.
class LineSplitter {
 public:
  static constexpr std::size_t kMaxHeldLine = std::size_t{1} << 20;

  template <class OnLine>
  void feed(std::string_view in, OnLine&& on_line) {
    while (!in.empty()) {
      const void* nl = std::memchr(in.data(), '\n', in.size());
      if (nl == nullptr) {
        held_.append(in);
        if (held_.size() >= kMaxHeldLine) {
          on_line(std::string_view(held_), false, starts_line_);
          held_.clear();
          starts_line_ = false;
        }
        return;
      }
      const auto n = static_cast<std::size_t>(static_cast<const char*>(nl) - in.data());
      if (held_.empty()) {
        on_line(in.substr(0, n), true, starts_line_);
      } else {
        held_.append(in.data(), n);
        on_line(std::string_view(held_), true, starts_line_);
        held_.clear();
      }
      starts_line_ = true;
      in.remove_prefix(n + 1);
    }
  }

  // The end of the input: a last line without '\n', if any.
  template <class OnLine>
  void finish(OnLine&& on_line) {
    if (!held_.empty()) on_line(std::string_view(held_), false, starts_line_);
    held_.clear();
    starts_line_ = true;
  }

 private:
  std::string held_;
  bool starts_line_ = true;
};

// "2026-01-02T03:04:05Z" for seconds since the Unix epoch (UTC, proleptic Gregorian).
std::string format_utc(int64_t epoch_seconds);

// `digits` (only ASCII digits, 1 to 12 of them) as seconds since the epoch, if it names a
// time in years 1970..9999; false otherwise.
bool parse_epoch(std::string_view digits, int64_t& out);

// True when `text` has no NUL and is valid UTF-8 (no overlong forms, no surrogates).
bool is_text(std::string_view text);

// The last component of the innermost name of `path`: "a.tar.gz!home/u/.zsh_history" →
// ".zsh_history"; '/', '\\' and '!' all separate.
std::string_view file_name(std::string_view path);
// The component before the file name ("x.zip!build/2_Run make.txt" → "build"), or "".
std::string_view parent_name(std::string_view path);
// ASCII case-insensitive equality.
bool equals_nocase(std::string_view a, std::string_view b);

// `head` without a UTF-8 byte order mark.
std::string_view skip_bom(std::string_view head);
// Up to FirstLines::kMax lines held in place: every detector of every input asks for some,
// so they cost no allocation.
class FirstLines {
 public:
  static constexpr std::size_t kMax = 8;
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view operator[](std::size_t i) const { return lines_[i]; }
  const std::string_view* begin() const { return lines_.data(); }
  const std::string_view* end() const { return lines_.data() + size_; }
  void push_back(std::string_view line) { lines_[size_++] = line; }
  // The bytes from the first line's start to the last line's end (the lines and the line
  // breaks between them), to search them all at once.
  std::string_view span() const {
    if (empty()) return {};
    const char* begin = lines_[0].data();
    const char* end = lines_[size_ - 1].data() + lines_[size_ - 1].size();
    return {begin, static_cast<std::size_t>(end - begin)};
  }

 private:
  std::array<std::string_view, kMax> lines_{};
  std::size_t size_ = 0;
};

// The first `n` (at most FirstLines::kMax) lines of `head` (without their '\n' and a
// trailing '\r'); a last line with no '\n' in `head` is included only when `head` is the
// whole input (shorter than 64 KiB).
FirstLines first_lines(std::string_view head, std::size_t n);

// Which history entry each line belongs to, and that entry's timestamp. Entries are
// numbered 1, 2, ... in order of their first line; a line before the first entry has
// none. Memory: nothing for a run of one-line entries without a timestamp (a plain bash or
// PowerShell history is one span whatever its size), else 24 bytes per entry.
class EntryIndex {
 public:
  static constexpr int64_t kNoTime = INT64_MIN;

  // A new entry starts at `line` (1-based, not before the current entry's first line).
  void begin(uint64_t line, int64_t time = kNoTime);
  // Sets the current entry's timestamp (fish writes it after the command).
  void set_time(int64_t time);
  bool has_entry() const { return current_.first_line != 0; }
  uint64_t entries() const { return entries_; }

  struct Hit {
    uint64_t entry = 0;  // 0: the line is in no entry
    int64_t time = kNoTime;
  };
  Hit find(uint64_t line) const;

 private:
  static constexpr int64_t kPerLine = INT64_MIN + 1;  // a span of one-line entries
  struct Span {
    uint64_t first_line = 0;  // 0: none
    uint64_t first_entry = 0;
    int64_t time = kNoTime;   // kPerLine: entry = first_entry + (line - first_line)
  };
  void commit(uint64_t next_line);

  std::vector<Span> spans_;  // committed, by first_line
  Span current_;
  uint64_t entries_ = 0;
};

// Which CI step (and, for GitHub, which group inside it) each line belongs to: one span
// per change, names stored once.
class StepIndex {
 public:
  // From `line` on, the step is `step` and the group `group` ("" for none).
  void set(uint64_t line, std::string_view step, std::string_view group);
  // {"ci_step", ...} and {"ci_group", ...} of `line`, each only when known.
  SourceContext find(uint64_t line) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t intern(std::string_view name);
  struct Span {
    uint64_t first_line;
    uint32_t step;
    uint32_t group;
  };
  std::vector<Span> spans_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t> ids_;
};

// Contexts handed out by LineFormat::context(): each stays valid until clear() (called on
// the next feed/finish), as format.h promises.
class ContextPool {
 public:
  const SourceContext* add(SourceContext context) {
    if (context.empty()) return nullptr;
    pool_.push_back(std::move(context));
    return &pool_.back();
  }
  void clear() { pool_.clear(); }

 private:
  std::deque<SourceContext> pool_;
};

}  // namespace tokensweep::source::line_support
