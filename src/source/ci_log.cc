#include "source/ci_log.h"

#include <cstring>
#include <string>
#include <vector>

#include "common/find_bytes.h"
#include "source/line_format_support.h"

namespace tokensweep::source {
namespace {

using line_support::ContextPool;
using line_support::LineSplitter;
using line_support::StepIndex;

constexpr std::size_t kMaxNameBytes = 256;     // a step or section name kept for context
constexpr std::size_t kMaxSectionDepth = 64;   // nesting kept; deeper sections are ignored

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view clip(std::string_view name) { return name.substr(0, kMaxNameBytes); }

// Length of "YYYY-MM-DDTHH:MM:SS[.f{min,max}]Z" at the start of `s`, or 0.
std::size_t iso_time_length(std::string_view s, std::size_t min_frac, std::size_t max_frac) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < kShape.size() + 1) return 0;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(s[i]) : s[i] != kShape[i]) return 0;
  }
  std::size_t i = kShape.size();
  std::size_t frac = 0;
  if (s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac;
    if (frac == 0) return 0;
  }
  if (frac < min_frac || frac > max_frac) return 0;
  if (i >= s.size() || s[i] != 'Z') return 0;
  return i + 1;
}

// GitHub Actions: "2026-01-02T03:04:05.1234567Z " (the runner writes 7 fractional digits;
// 0..9 are taken off).
std::size_t github_prefix_length(std::string_view line) {
  const std::size_t n = iso_time_length(line, 0, 9);
  return n != 0 && n < line.size() && line[n] == ' ' ? n + 1 : 0;
}

// GitLab FF_TIMESTAMPS: "<RFC 3339 time> <2 hex><O|E><' '|'+'>"; sets `continued` for '+'.
std::size_t gitlab_prefix_length(std::string_view line, bool& continued) {
  const std::size_t n = iso_time_length(line, 1, 9);
  if (n == 0 || line.size() < n + 5 || line[n] != ' ') return 0;
  if (!is_hex(line[n + 1]) || !is_hex(line[n + 2])) return 0;
  if (line[n + 3] != 'O' && line[n + 3] != 'E') return 0;
  if (line[n + 4] != ' ' && line[n + 4] != '+') return 0;
  continued = line[n + 4] == '+';
  return n + 5;
}

// What the three formats share: lines, the step index and contexts.
class CiLogFormat : public LineFormat {
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

  const SourceContext* context(uint64_t line) const final { return contexts_.add(steps_.find(line)); }

 protected:
  // One line, or a segment of a very long one; appends what to scan to `out` (without the
  // '\n', which the caller adds — or, for GitLab, defers).
  virtual void on_line(std::string_view text, bool starts, std::string& out) = 0;
  virtual void on_newline(std::string& out) { out += '\n'; }
  virtual void end_of_input(std::string& /*out*/) {}

  uint64_t line_ = 1;
  StepIndex steps_;

 private:
  void take(std::string_view text, bool ends, bool starts, std::string& out) {
    on_line(text, starts, out);
    if (ends) {
      on_newline(out);
      ++line_;
    }
  }

  LineSplitter splitter_;
  mutable ContextPool contexts_;
};

// ---------------------------------------------------------------------------------------
// GitHub Actions

bool is_step_header(std::string_view title) {
  return starts_with(title, "Run ") || starts_with(title, "Pre Run ") || starts_with(title, "Post Run ");
}

// "<job>/<n>_<step>.txt" as an archive member (the run's log zip): the step's name.
std::string_view step_from_member_name(std::string_view path) {
  const auto bang = path.rfind('!');
  if (bang == std::string_view::npos) return {};
  const std::string_view member = path.substr(bang + 1);
  const auto slash = member.find('/');
  if (slash == std::string_view::npos || slash == 0 || member.find('/', slash + 1) != std::string_view::npos) {
    return {};
  }
  std::string_view name = member.substr(slash + 1);
  std::size_t digits = 0;
  while (digits < name.size() && is_digit(name[digits])) ++digits;
  if (digits == 0 || digits >= name.size() || name[digits] != '_' || name.size() < digits + 6 ||
      name.substr(name.size() - 4) != ".txt") {
    return {};
  }
  return name.substr(digits + 1, name.size() - digits - 1 - 4);
}

class GitHubActionsLog final : public CiLogFormat {
 public:
  explicit GitHubActionsLog(std::string_view path) : file_step_(clip(step_from_member_name(path))) {
    step_ = file_step_;
    steps_.set(1, step_, group_);
  }

 protected:
  void on_line(std::string_view text, bool starts, std::string& out) override {
    if (!starts) {
      out.append(text);
      return;
    }
    if (line_ == 1) text = line_support::skip_bom(text);
    text.remove_prefix(github_prefix_length(text));
    const std::string_view content = without_cr(text);
    if (starts_with(content, "##[")) marker(content);
    out.append(text);
  }

 private:
  void marker(std::string_view content) {
    if (starts_with(content, "##[group]")) {
      const std::string_view title = clip(content.substr(9));
      if (is_step_header(title)) {
        if (file_step_.empty()) step_.assign(title);
        group_.clear();
      } else {
        group_.assign(title);
      }
    } else if (starts_with(content, "##[endgroup]")) {
      group_.clear();
    } else if (starts_with(content, "##[section]Starting: ")) {
      if (file_step_.empty()) step_.assign(clip(content.substr(21)));
      group_.clear();
    } else {
      return;
    }
    steps_.set(line_, step_, group_);
  }

  std::string file_step_;  // from a step file's name: wins over the Run header
  std::string step_;
  std::string group_;
};

// ---------------------------------------------------------------------------------------
// GitLab

class GitLabLog final : public CiLogFormat {
 protected:
  void on_line(std::string_view text, bool starts, std::string& out) override {
    if (!starts) {
      out.append(text);
      return;
    }
    if (line_ == 1) text = line_support::skip_bom(text);
    bool continued = false;
    text.remove_prefix(gitlab_prefix_length(text, continued));
    if (!continued || line_ == 1) {
      // A new logical line: the newlines held for the previous one go out first.
      out.append(owed_newlines_, '\n');
      owed_newlines_ = 0;
      logical_line_ = line_;
    }
    if (text.find("section_") != std::string_view::npos) sections(text);
    out.append(text);
  }

  // A continuation's text joins its logical line; the newlines wait until a line that
  // does not continue it starts.
  void on_newline(std::string& /*out*/) override { ++owed_newlines_; }
  void end_of_input(std::string& out) override {
    out.append(owed_newlines_, '\n');
    owed_newlines_ = 0;
  }

 private:
  // "section_start:<epoch>:<name>[options]" and "section_end:<epoch>:<name>", in order.
  void sections(std::string_view text) {
    bool changed = false;
    std::size_t at = 0;
    while ((at = text.find("section_", at)) != std::string_view::npos) {
      std::string_view rest = text.substr(at + 8);
      at += 8;
      bool start = false;
      if (starts_with(rest, "start:")) {
        start = true;
        rest.remove_prefix(6);
      } else if (starts_with(rest, "end:")) {
        rest.remove_prefix(4);
      } else {
        continue;
      }
      std::size_t i = 0;
      while (i < rest.size() && is_digit(rest[i])) ++i;
      if (i == 0 || i >= rest.size() || rest[i] != ':') continue;
      rest.remove_prefix(i + 1);
      std::size_t n = 0;
      while (n < rest.size() && (is_digit(rest[n]) || (rest[n] >= 'a' && rest[n] <= 'z') ||
                                 (rest[n] >= 'A' && rest[n] <= 'Z') || rest[n] == '_' || rest[n] == '-' ||
                                 rest[n] == '.')) {
        ++n;
      }
      if (n == 0) continue;
      const std::string_view name = clip(rest.substr(0, n));
      if (start) {
        if (open_.size() < kMaxSectionDepth) open_.emplace_back(name);
      } else {
        for (std::size_t k = open_.size(); k > 0; --k) {
          if (open_[k - 1] == name) {
            open_.resize(k - 1);
            break;
          }
        }
      }
      changed = true;
    }
    if (changed) steps_.set(logical_line_, open_.empty() ? std::string_view() : open_.back(), {});
  }

  std::vector<std::string> open_;  // open sections, outermost first
  uint64_t logical_line_ = 1;
  std::size_t owed_newlines_ = 0;
};

// ---------------------------------------------------------------------------------------
// Jenkins

constexpr std::string_view kNotePreamble = "\x1b[8mha:";  // hudson.console.ConsoleNote
constexpr std::string_view kNotePostamble = "\x1b[0m";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '/' || c == '=';
}

// Replaces each console note in `text` (preamble, base64, postamble) by spaces.
void blank_console_notes(char* text, std::size_t size) {
  std::string_view view(text, size);
  std::size_t at = 0;
  while ((at = view.find(kNotePreamble, at)) != std::string_view::npos) {
    std::size_t end = at + kNotePreamble.size();
    while (end < size && is_base64_char(text[end])) ++end;
    if (view.substr(end, kNotePostamble.size()) == kNotePostamble) end += kNotePostamble.size();
    std::memset(text + at, ' ', end - at);
    at = end;
  }
}

class JenkinsLog final : public CiLogFormat {
 protected:
  void on_line(std::string_view text, bool starts, std::string& out) override {
    const std::size_t begin = out.size();
    out.append(text);
    if (text.find('\x1b') != std::string_view::npos) blank_console_notes(out.data() + begin, text.size());
    if (starts) pipeline_step(std::string_view(out.data() + begin, text.size()));
  }

 private:
  // "[Pipeline] { (Build)" opens a named block, "[Pipeline] {" an unnamed one (node,
  // withEnv...), "[Pipeline] }" closes the innermost.
  void pipeline_step(std::string_view line) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (!starts_with(line, "[Pipeline] ")) return;
    line = without_cr(line.substr(11));
    if (starts_with(line, "{")) {
      std::string_view name;
      if (starts_with(line, "{ (") && line.back() == ')') name = clip(line.substr(3, line.size() - 4));
      if (blocks_.size() < kMaxSectionDepth) blocks_.emplace_back(name);
    } else if (line == "}") {
      if (!blocks_.empty()) blocks_.pop_back();
    } else {
      return;
    }
    std::string_view step;
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
      if (!it->empty()) {
        step = *it;
        break;
      }
    }
    steps_.set(line_, step, {});
  }

  std::vector<std::string> blocks_;  // open pipeline blocks, outermost first ("" unnamed)
};

// ---------------------------------------------------------------------------------------
// Detection

bool head_has_section_marker(const line_support::FirstLines& lines) {
  constexpr std::string_view kStart = "section_start:";
  const std::string_view text = lines.span();
  for (std::size_t at = find_bytes(text, kStart); at != std::string_view::npos;
       at = find_bytes(text, kStart, at + 1)) {
    const std::string_view rest = text.substr(at + kStart.size());
    std::size_t i = 0;
    while (i < rest.size() && is_digit(rest[i])) ++i;
    if (i > 0 && i < rest.size() && rest[i] == ':') return true;
  }
  return false;
}

std::string_view without_leading_notes(std::string_view line) {
  while (starts_with(line, kNotePreamble)) {
    const auto end = line.find(kNotePostamble);
    if (end == std::string_view::npos) return {};
    line.remove_prefix(end + kNotePostamble.size());
  }
  return line;
}

}  // namespace

bool detect_github_actions_log(std::string_view, std::string_view head) {
  const auto lines = line_support::first_lines(line_support::skip_bom(head), 1);
  // The runner writes seven fractional digits (.NET's round-trip format).
  return !lines.empty() && iso_time_length(lines[0], 7, 7) != 0 && github_prefix_length(lines[0]) != 0;
}

std::unique_ptr<LineFormat> make_github_actions_log(std::string_view path) {
  return std::make_unique<GitHubActionsLog>(path);
}

bool detect_gitlab_log(std::string_view, std::string_view head) {
  const auto lines = line_support::first_lines(line_support::skip_bom(head), 8);
  if (lines.empty()) return false;
  bool continued = false;
  if (gitlab_prefix_length(lines[0], continued) != 0) return true;
  if (lines[0].find("Running with gitlab-runner ") != std::string_view::npos) return true;
  return head_has_section_marker(lines);
}

std::unique_ptr<LineFormat> make_gitlab_log(std::string_view) { return std::make_unique<GitLabLog>(); }

bool detect_jenkins_log(std::string_view path, std::string_view head) {
  const auto name = line_support::file_name(path);
  if (name == "consoleText" || name == "consoleFull") return true;
  if (name == "log") {
    const auto parent = line_support::parent_name(path);
    bool digits = !parent.empty();
    for (char c : parent) digits = digits && is_digit(c);
    if (digits) return true;
  }
  const auto lines = line_support::first_lines(head, 8);
  if (lines.empty()) return false;
  if (starts_with(without_leading_notes(lines[0]), "Started by ")) return true;
  return find_bytes(lines.span(), "\x1b[8mha:////") != std::string_view::npos;
}

std::unique_ptr<LineFormat> make_jenkins_log(std::string_view) { return std::make_unique<JenkinsLog>(); }

}  // namespace tokensweep::source
