#include "report/json_writer.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/utf8.h"

namespace tokensweep::report {
namespace {

// Bytes that a JSON string cannot hold as they are ('"', '\\', controls) or that start a
// multi-byte sequence to check: the rest, nearly every byte of a path or a rule id, is
// passed over with one table lookup.
constexpr std::array<bool, 256> kNeedsALook = [] {
  std::array<bool, 256> look{};
  for (int c = 0; c < 0x20; ++c) look[static_cast<std::size_t>(c)] = true;
  for (int c = 0x80; c < 0x100; ++c) look[static_cast<std::size_t>(c)] = true;
  look['"'] = look['\\'] = true;
  return look;
}();

// True when none of the 8 bytes at `p` needs a look (kNeedsALook), tested on all eight
// at once: a byte needs one when its high bit is set, when it is below 0x20, or when it
// is '"' or '\\'. (x - 0x01..) & ~x has a byte's high bit set when that byte of x is 0,
// with false positives only above a true zero byte, which fail the word anyway.
bool plain_ascii8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHigh;
  return ((w & kHigh) | below_space | has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes))) == 0;
}

// True when `s` is written as it is between quotes: valid UTF-8 with no '"', '\\' or
// control character (DEL and C1 controls are not escaped by JSON or by nlohmann).
bool verbatim(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size() && plain_ascii8(s.data() + i)) {
      i += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kNeedsALook[c]) {
      ++i;
      continue;
    }
    if (c < 0x80) return false;
    const std::size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void newline_indent(std::string& out, int indent) {
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
}

// The keys and separators of one object, compact or pretty.
class ObjectWriter {
 public:
  ObjectWriter(std::string& out, int indent) : out_(out), indent_(indent) { out_ += '{'; }
  void key(std::string_view k) {
    if (!first_) out_ += ',';
    first_ = false;
    if (indent_ >= 0) newline_indent(out_, indent_ + 2);
    append_json_string(out_, k);
    out_ += indent_ >= 0 ? ": " : ":";
  }
  void close() {
    if (indent_ >= 0 && !first_) newline_indent(out_, indent_);
    out_ += '}';
  }

 private:
  std::string& out_;
  int indent_;
  bool first_ = true;
};

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  if (verbatim(s)) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  const nlohmann::ordered_json j = std::string(s);
  out += j.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace);
}

void append_finding_json(std::string& out, const Finding& f, int indent) {
  const bool pretty = indent >= 0;
  ObjectWriter o(out, indent);
  // The fields of design §3.2 (a contract), with rule_name and confidence added.
  o.key("rule_id");
  append_json_string(out, f.rule_id);
  o.key("rule_name");
  append_json_string(out, f.rule_name);
  o.key("kind");
  append_json_string(out, f.kind);
  o.key("provider");
  append_json_string(out, f.provider);
  o.key("confidence");
  append_json_string(out, f.confidence);
  o.key("path");
  append_json_string(out, f.path);
  o.key("line");
  append_uint(out, f.line);
  o.key("column");
  append_uint(out, f.column);
  o.key("decoders");
  out += '[';
  for (std::size_t i = 0; i < f.decoders.size(); ++i) {
    if (i > 0) out += ',';
    if (pretty) newline_indent(out, indent + 4);
    append_json_string(out, f.decoders[i]);
  }
  if (pretty && !f.decoders.empty()) newline_indent(out, indent + 2);
  out += ']';
  o.key("fingerprint");
  append_json_string(out, f.fingerprint);
  o.key("redacted");
  append_json_string(out, f.redacted);
  o.key("validation");
  append_json_string(out, validation_name(f.validation));
  o.key("status");
  append_json_string(out, broker_status_name(f.status));
  if (!f.source.empty()) {
    o.key("source");
    // As an ordered_json object: a repeated key keeps its first position and its last value.
    ObjectWriter s(out, pretty ? indent + 2 : -1);
    for (std::size_t i = 0; i < f.source.size(); ++i) {
      const std::string& key = f.source[i].first;
      bool repeated = false;
      for (std::size_t k = 0; k < i && !repeated; ++k) repeated = f.source[k].first == key;
      if (repeated) continue;
      const std::string* value = &f.source[i].second;
      for (std::size_t k = i + 1; k < f.source.size(); ++k) {
        if (f.source[k].first == key) value = &f.source[k].second;
      }
      s.key(key);
      append_json_string(out, *value);
    }
    s.close();
  }
  o.close();
}

}  // namespace tokensweep::report
