#include "source/line_format_support.h"

#include <algorithm>
#include <cstring>

#include "common/utf8.h"

namespace tokensweep::source::line_support {

namespace {

// Days since 1970-01-01 → civil date (the proleptic Gregorian calendar), after Howard
// Hinnant's "chrono-compatible low-level date algorithms".
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

void put_digits(std::string& out, int64_t value, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

constexpr int64_t kLastSecondOf9999 = 253402300799;

}  // namespace

std::string format_utc(int64_t epoch_seconds) {
  const int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : (epoch_seconds - 86399) / 86400;
  const int64_t secs = epoch_seconds - days * 86400;
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  std::string out;
  out.reserve(20);
  put_digits(out, y, 4);
  out += '-';
  put_digits(out, m, 2);
  out += '-';
  put_digits(out, d, 2);
  out += 'T';
  put_digits(out, secs / 3600, 2);
  out += ':';
  put_digits(out, secs / 60 % 60, 2);
  out += ':';
  put_digits(out, secs % 60, 2);
  out += 'Z';
  return out;
}

bool parse_epoch(std::string_view digits, int64_t& out) {
  if (digits.empty() || digits.size() > 12) return false;
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > kLastSecondOf9999) return false;
  out = value;
  return true;
}

bool is_text(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Eight ASCII bytes with no NUL at a time: the common case.
    if (end - p >= 8) {
      uint64_t word = 0;
      std::memcpy(&word, p, 8);
      const bool ascii = (word & 0x8080808080808080ULL) == 0;
      const bool has_zero = ((word - 0x0101010101010101ULL) & ~word & 0x8080808080808080ULL) != 0;
      if (ascii && !has_zero) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c == 0) return false;
    if (c < 0x80) {
      ++p;
      continue;
    }
    const std::size_t len = utf8_sequence_length(
        std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)));
    if (len == 0) return false;
    p += len;
  }
  return true;
}

std::string_view file_name(std::string_view path) {
  const auto cut = path.find_last_of("/\\!");
  return cut == std::string_view::npos ? path : path.substr(cut + 1);
}

std::string_view parent_name(std::string_view path) {
  const auto cut = path.find_last_of("/\\!");
  if (cut == std::string_view::npos || path[cut] == '!') return {};
  path = path.substr(0, cut);
  return file_name(path);
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view skip_bom(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  return head;
}

FirstLines first_lines(std::string_view head, std::size_t n) {
  constexpr std::size_t kHeadMax = std::size_t{64} << 10;
  n = std::min(n, FirstLines::kMax);
  FirstLines lines;
  while (lines.size() < n && !head.empty()) {
    const auto nl = head.find('\n');
    if (nl == std::string_view::npos && head.size() >= kHeadMax) break;  // cut by the head
    std::string_view line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  return lines;
}

// EntryIndex

void EntryIndex::commit(uint64_t next_line) {
  if (current_.first_line == 0) return;
  const bool one_line = next_line == current_.first_line + 1 && current_.time == kNoTime;
  if (one_line && !spans_.empty()) {
    const Span& last = spans_.back();
    if (last.time == kPerLine && last.first_entry + (current_.first_line - last.first_line) == current_.first_entry) {
      return;  // the last run of one-line entries covers it
    }
  }
  Span span = current_;
  if (one_line) span.time = kPerLine;
  spans_.push_back(span);
}

void EntryIndex::begin(uint64_t line, int64_t time) {
  commit(line);
  current_ = Span{line, ++entries_, time};
}

void EntryIndex::set_time(int64_t time) {
  if (current_.first_line != 0) current_.time = time;
}

EntryIndex::Hit EntryIndex::find(uint64_t line) const {
  if (current_.first_line != 0 && line >= current_.first_line) return {current_.first_entry, current_.time};
  auto it = std::upper_bound(spans_.begin(), spans_.end(), line,
                             [](uint64_t l, const Span& s) { return l < s.first_line; });
  if (it == spans_.begin()) return {};
  --it;
  if (it->time == kPerLine) return {it->first_entry + (line - it->first_line), kNoTime};
  return {it->first_entry, it->time};
}

// StepIndex

uint32_t StepIndex::intern(std::string_view name) {
  if (name.empty()) return kNone;
  auto [it, added] = ids_.try_emplace(std::string(name), static_cast<uint32_t>(names_.size()));
  if (added) names_.emplace_back(name);
  return it->second;
}

void StepIndex::set(uint64_t line, std::string_view step, std::string_view group) {
  const uint32_t s = intern(step);
  const uint32_t g = intern(group);
  if (!spans_.empty()) {
    Span& last = spans_.back();
    if (last.step == s && last.group == g) return;
    if (last.first_line == line) {  // changed again on the same line: the last state wins
      last.step = s;
      last.group = g;
      return;
    }
  }
  spans_.push_back({line, s, g});
}

SourceContext StepIndex::find(uint64_t line) const {
  auto it = std::upper_bound(spans_.begin(), spans_.end(), line,
                             [](uint64_t l, const Span& s) { return l < s.first_line; });
  if (it == spans_.begin()) return {};
  --it;
  SourceContext context;
  if (it->step != kNone) context.emplace_back("ci_step", names_[it->step]);
  if (it->group != kNone) context.emplace_back("ci_group", names_[it->group]);
  return context;
}

}  // namespace tokensweep::source::line_support
