// The text sink: what a person reads on a terminal.
//
//   src/config.yml
//     12:5   github.oauth-access-token  access_token  gho_…Ab3d  valid
//     40:17  generic.bearer-header      access_token  …9Zq2      unchecked  status active
//
//   2 findings in 1 file (scanned 12 files, 1.2 MiB in 0.04 s)
//
// Findings are grouped by path in the order the Report gives them (sorted by path, then
// offset); columns are aligned across the whole report. Everything that came from the
// scanned input (paths, archive member names, source context) is made terminal-safe:
// control characters, invalid UTF-8 and bidi overrides are shown as \xNN escapes, so
// a file name cannot move the cursor, recolour the screen or reorder what is shown.
// Diagnostics are not written here: the CLI prints them to stderr.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.h"
#include "report/sink.h"

namespace tokensweep::report {
namespace {

// SGR sequences (ECMA-48 §8.3.117).
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kRed = "\x1b[1;31m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kCyan = "\x1b[36m";

// Text made safe for a terminal, with its width in columns (one per code point; wide
// East Asian characters are rare enough in paths that the misalignment is acceptable).
struct Cell {
  std::string text;
  std::size_t width = 0;
};

void append_escape(Cell& cell, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  cell.text += "\\x";
  cell.text += kHex[byte >> 4];
  cell.text += kHex[byte & 0xf];
  cell.width += 4;
}


uint32_t decode_utf8(std::string_view s, std::size_t n) {
  const auto b = [&](std::size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i])); };
  switch (n) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
    case 3: return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
  }
}

bool is_unsafe_code_point(uint32_t cp) {
  return cp < 0x20 || cp == 0x7f ||           // C0 controls, DEL: ESC starts a sequence
         (cp >= 0x80 && cp <= 0x9f) ||        // C1 controls: CSI is U+009B
         cp == 0x200e || cp == 0x200f ||      // LRM, RLM
         (cp >= 0x202a && cp <= 0x202e) ||    // bidi embeddings and overrides
         (cp >= 0x2066 && cp <= 0x2069);      // bidi isolates
}

// Printable ASCII needs no escape and is one column a byte: rule ids, kinds, line
// numbers, nearly every path. The common case, so it is checked first.
bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

Cell safe(std::string_view s) {
  if (printable_ascii(s)) return Cell{std::string(s), s.size()};
  Cell cell;
  cell.text.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = utf8_sequence_length(s);
    if (n == 0 || is_unsafe_code_point(decode_utf8(s, n))) {
      const std::size_t bad = n == 0 ? 1 : n;
      for (std::size_t i = 0; i < bad; ++i) append_escape(cell, static_cast<unsigned char>(s[i]));
      s.remove_prefix(bad);
      continue;
    }
    cell.text.append(s.substr(0, n));
    cell.width += 1;
    s.remove_prefix(n);
  }
  return cell;
}

std::string plural(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string human_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

std::string_view validation_color(Validation v) {
  switch (v) {
    case Validation::kValid: return kRed;  // a checksum that holds: very likely real
    case Validation::kExpired: return kYellow;
    case Validation::kInvalid:
    case Validation::kUnchecked: return kDim;
  }
  return kDim;
}

std::string_view status_color(BrokerStatus s) {
  switch (s) {
    case BrokerStatus::kActive: return kRed;
    case BrokerStatus::kInactive:
    case BrokerStatus::kRevoked: return kGreen;
    case BrokerStatus::kUnknown:
    case BrokerStatus::kUnchecked: return kYellow;
  }
  return kYellow;
}

// Collects the text in a buffer written out in large pieces: a dense report has
// hundreds of thousands of rows, and an ostream call per cell cost more than the rest.
class Writer {
 public:
  Writer(std::ostream& out, bool color) : out_(out), color_(color) { buf_.reserve(kFlushBytes + 4096); }
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Writes `cell` in `style`, then pads it to `width` columns (when width > 0).
  void cell(const Cell& c, std::string_view style, std::size_t width = 0) {
    if (color_ && !style.empty()) {
      buf_ += style;
      buf_ += c.text;
      buf_ += kReset;
    } else {
      buf_ += c.text;
    }
    if (width > c.width) buf_.append(width - c.width, ' ');
    if (buf_.size() >= kFlushBytes) flush();
  }
  void cell(std::string_view plain, std::string_view style, std::size_t width = 0) {
    cell(Cell{std::string(plain), plain.size()}, style, width);
  }
  void text(std::string_view s) { buf_ += s; }
  // The stream itself, for the summary line: what was buffered goes first.
  std::ostream& raw() {
    flush();
    return out_;
  }
  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushBytes = 1 << 16;
  std::ostream& out_;
  bool color_;
  std::string buf_;
};

struct Row {
  const Finding* finding;
  Cell location, rule, kind, redacted;
  std::string_view validation;
  std::string extras;  // status, decoders, source: shown only when there is something
};

Row make_row(const Finding& f) {
  Row row{&f, {}, safe(f.rule_id), safe(f.kind), safe(f.redacted), validation_name(f.validation), {}};
  const std::string loc = std::to_string(f.line) + ":" + std::to_string(f.column);
  row.location = Cell{loc, loc.size()};
  return row;
}

std::string extras_text(const Finding& f) {
  std::string s;
  if (!f.decoders.empty()) {
    s += "via ";
    for (std::size_t i = 0; i < f.decoders.size(); ++i) {
      if (i > 0) s += ">";
      s += safe(f.decoders[i]).text;
    }
  }
  for (const auto& [key, value] : f.source) {
    if (!s.empty()) s += "  ";
    s += safe(key).text + "=" + safe(value).text;
  }
  return s;
}

}  // namespace

void write_text(const Report& report, const SinkOptions& options, std::ostream& out) {
  Writer w(out, options.color);

  // Group by path, keeping the Report's order of first appearance.
  std::vector<std::string_view> paths;
  std::map<std::string_view, std::vector<Row>> groups;
  std::size_t loc_w = 0, rule_w = 0, kind_w = 0, redacted_w = 0;
  for (const Finding& f : report.findings) {
    auto [it, inserted] = groups.try_emplace(f.path);
    if (inserted) paths.push_back(f.path);
    Row row = make_row(f);
    loc_w = std::max(loc_w, row.location.width);
    rule_w = std::max(rule_w, row.rule.width);
    kind_w = std::max(kind_w, row.kind.width);
    redacted_w = std::max(redacted_w, row.redacted.width);
    it->second.push_back(std::move(row));
  }

  for (std::string_view path : paths) {
    w.cell(safe(path), kBold);
    w.text("\n");
    for (const Row& row : groups[path]) {
      const Finding& f = *row.finding;
      const bool has_status = f.status != BrokerStatus::kUnchecked;
      const std::string extras = extras_text(f);
      w.text("  ");
      w.cell(row.location, {}, loc_w + 2);
      w.cell(row.rule, kCyan, rule_w + 2);
      w.cell(row.kind, {}, kind_w + 2);
      w.cell(row.redacted, kYellow, redacted_w + 2);
      // The last columns are not padded: they are rare, and trailing blanks help no one.
      w.cell(row.validation, validation_color(f.validation));
      if (has_status) {
        w.text("  status ");
        w.cell(broker_status_name(f.status), status_color(f.status));
      }
      if (!extras.empty()) {
        w.text("  ");
        w.cell(Cell{extras, 0}, kDim);
      }
      w.text("\n");
    }
    w.text("\n");
  }

  const Summary& s = report.summary;
  const std::string found =
      report.findings.empty()
          ? std::string("no findings")
          : plural(report.findings.size(), "finding", "findings") + " in " +
                plural(paths.size(), "file", "files");
  // A scan that missed something is not shown as a green all-clear.
  w.cell(found, !report.findings.empty() ? kBold : s.files_skipped > 0 ? kYellow : kGreen);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", std::isfinite(s.seconds) ? s.seconds : 0.0);
  w.raw() << " (scanned " << plural(s.files_scanned, "file", "files") << ", "
          << human_bytes(s.bytes_scanned) << " in " << seconds << " s";
  if (s.files_skipped > 0) {
    w.raw() << "; ";
    w.cell(plural(s.files_skipped, "input", "inputs") + " not fully scanned", kYellow);
  }
  // Suppressions are never silent (issue 8).
  if (s.suppressed_inline > 0) w.raw() << "; " << s.suppressed_inline << " allowed inline";
  if (s.suppressed_baseline > 0) w.raw() << "; " << s.suppressed_baseline << " in the baseline";
  if (s.paths_allowlisted > 0) w.raw() << "; " << plural(s.paths_allowlisted, "path", "paths") << " allowlisted";
  if (s.baseline_stale > 0) w.raw() << "; " << s.baseline_stale << " stale baseline entries";
  w.raw() << ")\n";
}

}  // namespace tokensweep::report
