#include "source/shell_history.h"

#include <cstring>
#include <string>

#include "source/line_format_support.h"

namespace tokensweep::source {
namespace {

using line_support::ContextPool;
using line_support::EntryIndex;
using line_support::LineSplitter;

std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// bash's HIST_TIMESTAMP_START: '#' and a digit; we take the whole line as the epoch, so
// "#12 comment" stays a command.
bool bash_timestamp(std::string_view line, int64_t& epoch) {
  line = without_cr(line);
  return line.size() >= 2 && line[0] == '#' && line[1] >= '0' && line[1] <= '9' &&
         line_support::parse_epoch(line.substr(1), epoch);
}

// ": <epoch>:<seconds>;" at the start of a zsh extended-history entry.
bool zsh_extended_header(std::string_view line, int64_t& epoch) {
  if (!starts_with(line, ": ")) return false;
  line.remove_prefix(2);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto semi = line.find(';', colon + 1);
  if (semi == std::string_view::npos || semi == colon + 1) return false;
  for (char c : line.substr(colon + 1, semi - colon - 1)) {
    if (c < '0' || c > '9') return false;
  }
  int64_t value = 0;
  if (!line_support::parse_epoch(line.substr(0, colon), value)) {
    // Digits, but not a time we can print: still an entry, without a timestamp.
    for (char c : line.substr(0, colon)) {
      if (c < '0' || c > '9') return false;
    }
    epoch = EntryIndex::kNoTime;
    return true;
  }
  epoch = value;
  return true;
}

// What the history formats share: lines, the entry index, contexts and the junk warning.
class HistoryFormat : public LineFormat {
 public:
  void feed(std::string_view in, std::string& out) final {
    contexts_.clear();
    splitter_.feed(in, [&](std::string_view text, bool ends, bool starts) { take(text, ends, starts, out); });
  }

  void finish(std::string& out) final {
    contexts_.clear();
    splitter_.finish([&](std::string_view text, bool ends, bool starts) { take(text, ends, starts, out); });
    end_of_input(out);
  }

  const SourceContext* context(uint64_t line) const final {
    const auto hit = index_.find(line);
    if (hit.entry == 0) return nullptr;
    SourceContext context{{"history_entry", std::to_string(hit.entry)}};
    if (hit.time != EntryIndex::kNoTime) context.emplace_back("timestamp", line_support::format_utc(hit.time));
    return contexts_.add(std::move(context));
  }

  std::vector<std::string> take_warnings() final {
    std::vector<std::string> out;
    out.swap(warnings_);
    return out;
  }

 protected:
  // One line, or a segment of a very long one (LineSplitter); appends what to scan to
  // `out`, and the '\n' when `ends`.
  virtual void on_line(std::string_view text, bool ends, bool starts, std::string& out) = 0;
  virtual void end_of_input(std::string& /*out*/) {}

  // Checks what is scanned for binary junk; warns once per input. A segment of a very long
  // line (`ends` false) may end inside a UTF-8 sequence: its last bytes wait for the next.
  void check(std::string_view scanned, bool ends) {
    if (junk_reported_) return;
    std::string joined;
    if (!utf8_carry_.empty()) {
      joined = utf8_carry_ + std::string(scanned);
      utf8_carry_.clear();
      scanned = joined;
    }
    if (!ends) {
      const std::size_t tail = incomplete_utf8_tail(scanned);
      utf8_carry_.assign(scanned.substr(scanned.size() - tail));
      scanned.remove_suffix(tail);
    }
    if (line_support::is_text(scanned)) return;
    junk_reported_ = true;
    warnings_.push_back("line " + std::to_string(line_) +
                        ": binary data in a shell history (a NUL or bytes that are not UTF-8); the whole "
                        "file is still scanned");
  }

  uint64_t line_ = 1;  // the line being read, 1-based
  EntryIndex index_;

 private:
  void take(std::string_view text, bool ends, bool starts, std::string& out) {
    on_line(text, ends, starts, out);
    if (ends) ++line_;
  }

  // The bytes of a UTF-8 sequence cut at the end of `text` (0 to 3 of them).
  static std::size_t incomplete_utf8_tail(std::string_view text) {
    for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
      const auto c = static_cast<unsigned char>(text[text.size() - back]);
      if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
      const std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      return need > back ? back : 0;
    }
    return 0;
  }

  LineSplitter splitter_;
  mutable ContextPool contexts_;
  std::vector<std::string> warnings_;
  std::string utf8_carry_;
  bool junk_reported_ = false;
};

class BashHistory final : public HistoryFormat {
 protected:
  void on_line(std::string_view text, bool ends, bool starts, std::string& out) override {
    if (starts) {
      int64_t epoch = 0;
      if (bash_timestamp(text, epoch)) {
        index_.begin(line_, epoch);
        timed_ = true;
      } else if (!timed_) {
        index_.begin(line_);
      }
      // else: after a timestamp, lines up to the next one are one entry, as bash reads them.
    }
    out.append(text);
    check(text, ends);
    if (ends) out += '\n';
  }

 private:
  bool timed_ = false;
};

class ZshHistory final : public HistoryFormat {
 protected:
  void on_line(std::string_view text, bool ends, bool starts, std::string& out) override {
    const std::size_t begin = out.size();
    unmetafy(text, out);
    const std::string_view scanned(out.data() + begin, out.size() - begin);
    if (starts && !continued_) {
      int64_t epoch = EntryIndex::kNoTime;
      if (!zsh_extended_header(scanned, epoch)) epoch = EntryIndex::kNoTime;
      index_.begin(line_, epoch);
    }
    check(scanned, ends);
    if (!scanned.empty()) last_ = scanned.back();
    if (ends) {
      // hist.c: a line whose last byte (before '\n') is a backslash continues the entry.
      continued_ = last_ == '\\';
      last_ = 0;
      pending_meta_ = false;  // a Meta right before '\n' is dropped
      out += '\n';
    }
  }

 private:
  static constexpr char kMeta = static_cast<char>(0x83);

  // zsh's unmetafy(): Meta + c stands for c ^ 32. The newline it could produce (from '*')
  // is no byte zsh ever metafies; it becomes a space so lines stay lines.
  void unmetafy(std::string_view text, std::string& out) {
    while (!text.empty()) {
      if (pending_meta_) {
        char c = static_cast<char>(text[0] ^ 32);
        if (c == '\n') c = ' ';
        out += c;
        text.remove_prefix(1);
        pending_meta_ = false;
        continue;
      }
      const void* meta = std::memchr(text.data(), kMeta, text.size());
      if (meta == nullptr) {
        out.append(text);
        return;
      }
      const auto n = static_cast<std::size_t>(static_cast<const char*>(meta) - text.data());
      out.append(text.data(), n);
      text.remove_prefix(n + 1);
      pending_meta_ = true;
    }
  }

  bool continued_ = false;
  bool pending_meta_ = false;
  char last_ = 0;  // the last byte of the current line so far
};

class FishHistory final : public HistoryFormat {
 protected:
  void on_line(std::string_view text, bool ends, bool starts, std::string& out) override {
    if (starts) {
      if (starts_with(text, "- cmd:")) {
        flush(out);
        index_.begin(line_);
      } else if (index_.has_entry()) {
        std::string_view rest = text;
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.size() < text.size() && starts_with(rest, "when:")) {
          rest.remove_prefix(5);
          while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
          int64_t epoch = 0;
          if (line_support::parse_epoch(without_cr(rest), epoch)) index_.set_time(epoch);
        }
      }
    }
    // Before the first entry nothing waits for a time: pass lines on at once.
    std::string& target = index_.has_entry() ? held_ : out;
    const std::size_t begin = target.size();
    unescape(text, target);
    check(std::string_view(target.data() + begin, target.size() - begin), ends);
    if (ends) {
      if (pending_backslash_) target += '\\';  // a lone backslash at the end of a line
      pending_backslash_ = false;
      target += '\n';
    }
    if (held_.size() >= LineSplitter::kMaxHeldLine) flush(out);
  }

  void end_of_input(std::string& out) override {
    if (pending_backslash_) held_ += '\\';
    pending_backslash_ = false;
    flush(out);
  }

 private:
  void flush(std::string& out) {
    out += held_;
    held_.clear();
  }

  // fish's unescape_yaml_fish_2_0: "\\" is a backslash, "\n" a newline (here a space, so
  // the line stays one line); any other backslash stays.
  void unescape(std::string_view text, std::string& out) {
    while (!text.empty()) {
      if (pending_backslash_) {
        pending_backslash_ = false;
        if (text[0] == '\\') {
          out += '\\';
          text.remove_prefix(1);
          continue;
        }
        if (text[0] == 'n') {
          out += ' ';
          text.remove_prefix(1);
          continue;
        }
        out += '\\';
      }
      const void* bs = std::memchr(text.data(), '\\', text.size());
      if (bs == nullptr) {
        out.append(text);
        return;
      }
      const auto n = static_cast<std::size_t>(static_cast<const char*>(bs) - text.data());
      out.append(text.data(), n);
      text.remove_prefix(n + 1);
      pending_backslash_ = true;
    }
  }

  std::string held_;  // the current entry's lines, until its time is known
  bool pending_backslash_ = false;
};

class PowerShellHistory final : public HistoryFormat {
 protected:
  void on_line(std::string_view text, bool ends, bool starts, std::string& out) override {
    if (starts && !continued_) index_.begin(line_);
    out.append(text);
    check(text, ends);
    const std::string_view line = without_cr(text);
    if (!line.empty()) last_ = line.back();
    if (ends) {
      // PSReadLine writes a newline inside a command as "`\n" and reads a line ending in
      // a backtick as continued.
      continued_ = last_ == '`';
      last_ = 0;
      out += '\n';
    }
  }

 private:
  bool continued_ = false;
  char last_ = 0;
};

std::string_view name_of(std::string_view path) { return line_support::file_name(path); }

}  // namespace

bool detect_bash_history(std::string_view path, std::string_view head) {
  const auto name = name_of(path);
  if (name == ".bash_history" || name == "bash_history" || starts_with(name, ".bash_history.")) return true;
  const auto lines = line_support::first_lines(head, 8);
  int64_t epoch = 0;
  if (lines.empty() || !bash_timestamp(lines[0], epoch)) return false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (bash_timestamp(lines[i], epoch)) return true;
  }
  return false;
}

std::unique_ptr<LineFormat> make_bash_history(std::string_view) { return std::make_unique<BashHistory>(); }

bool detect_zsh_history(std::string_view path, std::string_view head) {
  const auto name = name_of(path);
  if (name == ".zsh_history" || name == "zsh_history" || name == ".zhistory" || name == ".histfile") return true;
  const auto lines = line_support::first_lines(head, 1);
  int64_t epoch = 0;
  return !lines.empty() && zsh_extended_header(lines[0], epoch);
}

std::unique_ptr<LineFormat> make_zsh_history(std::string_view) { return std::make_unique<ZshHistory>(); }

bool detect_fish_history(std::string_view path, std::string_view head) {
  const auto name = name_of(path);
  if (name == "fish_history") return true;
  if (name.size() > 8 && name.substr(name.size() - 8) == "_history" && line_support::parent_name(path) == "fish") {
    return true;
  }
  const auto lines = line_support::first_lines(head, 2);
  return lines.size() == 2 && starts_with(lines[0], "- cmd: ") && starts_with(lines[1], "  when: ");
}

std::unique_ptr<LineFormat> make_fish_history(std::string_view) { return std::make_unique<FishHistory>(); }

bool detect_powershell_history(std::string_view path, std::string_view) {
  const auto name = name_of(path);
  if (line_support::equals_nocase(name, "ConsoleHost_history.txt")) return true;
  constexpr std::string_view kSuffix = "_history.txt";
  return name.size() > kSuffix.size() &&
         line_support::equals_nocase(name.substr(name.size() - kSuffix.size()), kSuffix) &&
         line_support::equals_nocase(line_support::parent_name(path), "PSReadLine");
}

std::unique_ptr<LineFormat> make_powershell_history(std::string_view) {
  return std::make_unique<PowerShellHistory>();
}

}  // namespace tokensweep::source
