#include "decode/text_decoders.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>

#include "common/base64.h"
#include "common/newlines.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tokensweep::decode {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Four hex digits at s[i..i+4), or -1.
long hex4(std::string_view s, std::size_t i) {
  if (i + 4 > s.size()) return -1;
  long v = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const int h = hex_value(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// RFC 8259 §7: \" \\ \/ \b \f \n \r \t and \uXXXX, with UTF-16 surrogate pairs.
// Appends in[i, next) to `out`, where `next` is the next `c` at or after i (or the end),
// and returns `next`: the plain stretches between escapes are copied in bulk.
std::size_t copy_until(std::string_view in, std::size_t i, char c, std::string& out) {
  const void* hit = std::memchr(in.data() + i, c, in.size() - i);
  const std::size_t next = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - in.data()) : in.size();
  out.append(in.data() + i, next - i);
  return next;
}

// Starts a decoded copy: false when nothing is encoded (`first` is npos); otherwise `out`
// holds the untouched text before the first encoded byte.
bool start_copy(std::string_view in, std::size_t first, std::string& out) {
  if (first == std::string_view::npos) return false;
  out.clear();
  out.reserve(in.size());
  out.append(in.substr(0, first));
  return true;
}

// The first backslash that starts an escape JSON writers put around or inside a token
// (\" \/ \\ \uXXXX), or npos. "\n" alone hides nothing, and source code is full of it.
std::size_t first_json_escape(std::string_view in) {
  for (std::size_t i = 0; i + 1 < in.size();) {
    const void* hit = std::memchr(in.data() + i, '\\', in.size() - 1 - i);
    if (hit == nullptr) return std::string_view::npos;
    i = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
    const char e = in[i + 1];
    if (e == '"' || e == '/' || e == '\\' || (e == 'u' && hex4(in, i + 2) >= 0)) return i;
    i += 2;
  }
  return std::string_view::npos;
}

bool json_unescape(std::string_view in, std::string& out) {
  const std::size_t first = first_json_escape(in);
  if (!start_copy(in, first, out)) return false;
  bool changed = false;
  for (std::size_t i = first; i < in.size(); ++i) {
    i = copy_until(in, i, '\\', out);
    if (i >= in.size()) break;
    const char c = in[i];
    if (i + 1 >= in.size()) {
      out += c;
      continue;
    }
    const char e = in[i + 1];
    char simple = 0;
    switch (e) {
      case '"': simple = '"'; break;
      case '\\': simple = '\\'; break;
      case '/': simple = '/'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      default: break;
    }
    if (simple != 0) {
      out += simple;
      ++i;
      changed = true;
      continue;
    }
    if (e == 'u') {
      long cp = hex4(in, i + 2);
      if (cp >= 0) {
        std::size_t consumed = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && in.substr(i + 6, 2) == "\\u") {
          const long low = hex4(in, i + 8);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            consumed = 12;
          }
        }
        append_utf8(out, static_cast<uint32_t>(cp));
        i += consumed - 1;
        changed = true;
        continue;
      }
    }
    out += c;  // not an escape we know: keep it as it is
  }
  return changed;
}

// RFC 3986 §2.1 percent-encoding. '+' is left alone: tokens contain it.
// A %XX that encodes a URL delimiter or quote — what percent-encoding hides a token's
// context with (=, &, /, :, ", ...). "%d" and "%5s" in format strings do not count.
bool is_percent_delimiter(std::string_view in, std::size_t i) {
  if (i + 2 >= in.size() || hex_value(in[i + 1]) < 0 || hex_value(in[i + 2]) < 0) return false;
  const int c = hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]);
  return std::strchr("=&/:?\"'+%#@, {}[];\\|", c) != nullptr && c != 0;
}

std::size_t first_percent_escape(std::string_view in) {
  for (std::size_t i = 0; i < in.size();) {
    const void* hit = std::memchr(in.data() + i, '%', in.size() - i);
    if (hit == nullptr) return std::string_view::npos;
    i = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
    if (is_percent_delimiter(in, i)) return i;
    ++i;
  }
  return std::string_view::npos;
}

bool percent_decode(std::string_view in, std::string& out) {
  const std::size_t first = first_percent_escape(in);
  if (!start_copy(in, first, out)) return false;
  bool changed = false;
  for (std::size_t i = first; i < in.size(); ++i) {
    i = copy_until(in, i, '%', out);
    if (i >= in.size()) break;
    if (i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
      changed = true;
    } else {
      out += in[i];
    }
  }
  return changed;
}

// The entities that hide token characters and their context in HTML and XML exports.
struct NamedEntity {
  std::string_view name;
  char value;
};
constexpr NamedEntity kNamedEntities[] = {{"quot;", '"'}, {"amp;", '&'},     {"lt;", '<'},
                                          {"gt;", '>'},   {"apos;", '\''},   {"sol;", '/'},
                                          {"equals;", '='}, {"colon;", ':'}, {"plus;", '+'}};

// The first '&' that starts a named entity above or a numeric one ("&#"), or npos.
std::size_t first_entity(std::string_view in) {
  for (std::size_t i = 0; i < in.size();) {
    const void* hit = std::memchr(in.data() + i, '&', in.size() - i);
    if (hit == nullptr) return std::string_view::npos;
    i = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
    const std::string_view rest = in.substr(i + 1, 8);
    if (!rest.empty() && rest[0] == '#') return i;
    for (const auto& n : kNamedEntities) {
      if (rest.substr(0, n.name.size()) == n.name) return i;
    }
    ++i;
  }
  return std::string_view::npos;
}

bool html_unescape(std::string_view in, std::string& out) {
  const std::size_t first = first_entity(in);
  if (!start_copy(in, first, out)) return false;
  const auto& kNamed = kNamedEntities;
  bool changed = false;
  for (std::size_t i = first; i < in.size(); ++i) {
    i = copy_until(in, i, '&', out);
    if (i >= in.size()) break;
    const std::string_view rest = in.substr(i + 1, 12);
    bool done = false;
    for (const auto& n : kNamed) {
      if (rest.substr(0, n.name.size()) == n.name) {
        out += n.value;
        i += n.name.size();
        done = changed = true;
        break;
      }
    }
    if (!done && !rest.empty() && rest[0] == '#') {
      // &#NN; or &#xHH;
      const bool hex = rest.size() > 1 && (rest[1] == 'x' || rest[1] == 'X');
      std::size_t k = hex ? 2 : 1;
      uint32_t cp = 0;
      std::size_t digits = 0;
      for (; k < rest.size() && digits < 7; ++k, ++digits) {
        const int v = hex ? hex_value(rest[k]) : (rest[k] >= '0' && rest[k] <= '9' ? rest[k] - '0' : -1);
        if (v < 0) break;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      if (digits > 0 && k < rest.size() && rest[k] == ';' && cp > 0 && cp <= 0x10FFFF) {
        append_utf8(out, cp);
        i += k + 1;
        done = changed = true;
      }
    }
    if (!done) out += '&';
  }
  return changed;
}

// ECMA-48: CSI (ESC [ … final byte 0x40–0x7E), OSC (ESC ] … BEL or ESC \), and two-byte
// escapes. A token split by a colour code comes out whole.
// Where the sequence that the ESC at in[i] starts ends (the index after it), or i when it
// has none: cut short by the end of `in`, by a line break (no sequence holds one), or by
// its length.
std::size_t sequence_end(std::string_view in, std::size_t i) {
  if (i + 1 >= in.size() || in[i + 1] == '\n') return i;
  const char kind = in[i + 1];
  std::size_t j = i + 2;
  if (kind == '[') {
    while (j < in.size() && j - i < 64 && in[j] != '\n' && !(in[j] >= 0x40 && in[j] <= 0x7E)) ++j;
    return j >= in.size() || j - i >= 64 || in[j] == '\n' ? i : j + 1;  // past the final byte
  }
  if (kind == ']') {
    while (j < in.size() && j - i < 512 && in[j] != '\n' && in[j] != '\x07' &&
           !(in[j] == '\x1b' && j + 1 < in.size() && in[j + 1] == '\\')) {
      ++j;
    }
    if (j >= in.size() || j - i >= 512 || in[j] == '\n') return i;
    return in[j] == '\x07' ? j + 1 : j + 2;
  }
  return i + 2;  // ESC plus one byte
}

// Appends `in` to `out` without its escape sequences, from `first`, an ESC byte (the
// bytes before it are the caller's). True when a sequence was removed.
bool ansi_strip_from(std::string_view in, std::size_t first, std::string& out) {
  bool changed = false;
  for (std::size_t i = first; i < in.size();) {
    i = copy_until(in, i, '\x1b', out);
    if (i >= in.size()) break;
    const std::size_t next = sequence_end(in, i);
    if (next == i) {
      out += in[i++];  // an ESC that starts no sequence stays
    } else {
      i = next;
      changed = true;
    }
  }
  return changed;
}

// Copies in[i, …) to `w` up to the next ESC or '\n' (or the end of `in`); returns where
// it stopped, and moves `w` past what it wrote. Reads and writes 16 bytes at a time, so `w`
// must have 16 bytes of room past what it is given.
std::size_t copy_plain(std::string_view in, std::size_t i, char*& w) {
#if defined(__SSE2__)
  const __m128i esc = _mm_set1_epi8('\x1b');
  const __m128i nl = _mm_set1_epi8('\n');
  for (; i + 16 <= in.size(); i += 16, w += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in.data() + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
    const auto stop = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, esc), _mm_cmpeq_epi8(v, nl))));
    if (stop != 0) {
      const auto k = static_cast<std::size_t>(std::countr_zero(stop));
      w += k;
      return i + k;
    }
  }
#endif
  for (; i < in.size() && in[i] != '\x1b' && in[i] != '\n'; ++i) *w++ = in[i];
  return i;
}

bool ansi_strip(std::string_view in, std::string& out) {
  const void* esc = std::memchr(in.data(), '\x1b', in.size());
  const std::size_t first =
      esc == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char*>(esc) - in.data());
  if (!start_copy(in, first, out)) return false;
  return ansi_strip_from(in, first, out);
}

constexpr std::array<bool, 256> make_base64_table() {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['+'] = t['/'] = t['-'] = t['_'] = true;
  return t;
}
constexpr auto kBase64Alphabet = make_base64_table();

bool is_base64_char(unsigned char c) { return kBase64Alphabet[c]; }

// Decoded bytes worth scanning: text, not the noise that decoding a random token yields.
bool mostly_text(std::string_view s) {
  if (s.empty()) return false;
  std::size_t printable = 0;
  for (unsigned char c : s) printable += (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t';
  return printable * 100 >= s.size() * 95;
}

#if defined(__SSE2__)
// Bit k set when byte k of the 16 at `p` is in the base64 or base64url alphabet.
uint16_t alphabet_mask16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed compares are right here: every bound is ASCII, and bytes >= 0x80 are negative,
  // so they fall outside all the ranges.
  __m128i m = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
  m = _mm_or_si128(m, _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1))));
  m = _mm_or_si128(m, _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1))));
  m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')), _mm_cmpeq_epi8(v, _mm_set1_epi8('/'))));
  m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
  return static_cast<uint16_t>(_mm_movemask_epi8(m));
}
#else
uint16_t alphabet_mask16(const char* p) {
  uint16_t mask = 0;
  for (int k = 0; k < 16; ++k) mask |= static_cast<uint16_t>(is_base64_char(static_cast<unsigned char>(p[k])) << k);
  return mask;
}
#endif

// The start of the first run of at least kMinBase64Run alphabet bytes at or after `from`,
// or in.size(). A run that long always covers one whole 16-byte cell of a grid laid from
// `from`, so only full cells need a closer look: text without long runs costs a few
// vector instructions per 16 bytes.
std::size_t find_alphabet_run(std::string_view in, std::size_t from) {
  static_assert(kMinBase64Run >= 31, "a shorter run need not cover a whole 16-byte cell");
  for (std::size_t i = from; i + 16 <= in.size(); i += 16) {
    if (alphabet_mask16(in.data() + i) != 0xFFFF) continue;
    std::size_t start = i;
    while (start > from && is_base64_char(static_cast<unsigned char>(in[start - 1]))) --start;
    std::size_t end = i + 16;
    while (end < in.size() && is_base64_char(static_cast<unsigned char>(in[end]))) ++end;
    if (end - start >= kMinBase64Run) return start;
    i = end - 16;  // resume the grid after this run (the loop adds 16)
  }
  return in.size();
}

// Runs of the base64 or base64url alphabet (with optional '=' padding) at least
// kMinBase64Run long that decode to text are replaced by that text.
bool base64_runs(std::string_view in, std::string& out) {
  out.clear();
  bool changed = false;
  std::size_t copied = 0;
  std::size_t i = 0;
  while (i < in.size()) {
    // Jump to the next place where kMinBase64Run alphabet bytes stand in a row.
    i = find_alphabet_run(in, i);
    if (i >= in.size()) break;
    std::size_t j = i;
    while (j < in.size() && is_base64_char(static_cast<unsigned char>(in[j]))) ++j;
    std::size_t end = j;
    while (end < in.size() && end - j < 2 && in[end] == '=') ++end;
    if (j - i >= kMinBase64Run) {
      auto decoded = base64_decode(in.substr(i, end - i));
      if (decoded && mostly_text(*decoded)) {
        if (!changed) out.reserve(in.size());
        out.append(in.substr(copied, i - copied));
        out += *decoded;
        copied = end;
        changed = true;
      }
    }
    i = end;
  }
  if (changed) out.append(in.substr(copied));
  return changed;
}

bool is_hex_digit(char c) { return hex_value(c) >= 0; }

// Whether `rest`, the bytes after one of `decoder`'s lead_byte, starts its trigger (the
// pattern in the comment; written out, since Hyperscan no longer looks for it).
bool starts_trigger(TextDecoder decoder, std::string_view rest) {
  const auto at = [&](std::size_t i) { return i < rest.size() ? rest[i] : '\0'; };
  const auto one_of = [](char c, std::string_view set) { return c != '\0' && set.find(c) != std::string_view::npos; };
  switch (decoder) {
    case TextDecoder::kAnsi:  // \x1b[\[\]]: CSI and OSC
      return one_of(at(0), "[]");
    case TextDecoder::kJsonUnescape:  // \\["/] and \\u[0-9A-Fa-f]{4}
      return one_of(at(0), "\"/") ||
             (at(0) == 'u' && is_hex_digit(at(1)) && is_hex_digit(at(2)) && is_hex_digit(at(3)) && is_hex_digit(at(4)));
    case TextDecoder::kPercent:  // %(?:2[0-9A-Fa-f]|3[A-Fa-f]|40|5[BbCcDd]|7[BbCcDd])
      switch (at(0)) {
        case '2': return is_hex_digit(at(1));
        case '3': return one_of(at(1), "ABCDEFabcdef");
        case '4': return at(1) == '0';
        case '5':
        case '7': return one_of(at(1), "BbCcDd");
        default: return false;
      }
    case TextDecoder::kHtmlEntities: {  // &(?:quot|amp|lt|gt|apos|sol|equals|colon|plus); and &#…;
      for (const std::string_view name : {"quot;", "amp;", "lt;", "gt;", "apos;", "sol;", "equals;", "colon;", "plus;"}) {
        if (rest.starts_with(name)) return true;
      }
      if (at(0) != '#') return false;
      // &#[0-9]{1,7}; or &#[xX][0-9A-Fa-f]{1,6};
      const bool hex = at(1) == 'x' || at(1) == 'X';
      const std::size_t first = hex ? 2 : 1, most = hex ? 6 : 7;
      std::size_t n = 0;
      while (n <= most && (hex ? is_hex_digit(at(first + n)) : (at(first + n) >= '0' && at(first + n) <= '9'))) ++n;
      return n >= 1 && n <= most && at(first + n) == ';';
    }
    case TextDecoder::kBase64: return false;
  }
  return false;
}

}  // namespace

char lead_byte(TextDecoder decoder) {
  switch (decoder) {
    case TextDecoder::kAnsi: return '\x1b';
    case TextDecoder::kJsonUnescape:
    case TextDecoder::kPercent:
    case TextDecoder::kHtmlEntities: return line_marker(decoder);
    case TextDecoder::kBase64: return 0;
  }
  return 0;
}

bool holds_trigger(TextDecoder decoder, std::string_view in) {
  const char lead = lead_byte(decoder);
  if (lead == 0) return false;
  for (std::size_t at = 0; at < in.size();) {
    const void* hit = std::memchr(in.data() + at, lead, in.size() - at);
    if (hit == nullptr) return false;
    at = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data()) + 1;
    if (starts_trigger(decoder, in.substr(at))) return true;
  }
  return false;
}

const std::vector<DecoderTrigger>& decoder_triggers() {
  static const std::vector<DecoderTrigger> triggers = {
      // A run that starts as the base64 of '{"', '{\n' or '[{': JSON hidden in base64.
      {R"((?:^|[^A-Za-z0-9+/_-])(?:eyJ|ewo|W3s)[A-Za-z0-9+/_-]{29})", TextDecoder::kBase64},
      {R"((?i)\bbasic\s+[A-Za-z0-9+/]{16})", TextDecoder::kBase64},
      {R"((?i)["']?auth["']?\s*[:=]\s*["']?[A-Za-z0-9+/]{16})", TextDecoder::kBase64},
      {R"((?i)base64|dockerconfigjson|kind:\s*Secret)", TextDecoder::kBase64},
  };
  return triggers;
}

namespace {

// Where the line of `in` holding `pos` begins, looked for back to `from` only (where an
// earlier line ended): one past the last '\n' in [from, pos), else `from`.
std::size_t line_begin(std::string_view in, std::size_t from, std::size_t pos) {
  const void* prev = pos > from ? ::memrchr(in.data() + from, '\n', pos - from) : nullptr;
  return prev != nullptr ? static_cast<std::size_t>(static_cast<const char*>(prev) - in.data()) + 1 : from;
}

// The line of `in` holding `pos`: [line_begin, end), `end` at its '\n' or the end of `in`.
std::pair<std::size_t, std::size_t> line_around(std::string_view in, std::size_t from, std::size_t pos) {
  const void* nl = std::memchr(in.data() + pos, '\n', in.size() - pos);
  const std::size_t end = nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - in.data()) : in.size();
  return {line_begin(in, from, pos), end};
}

}  // namespace

std::string_view decode_ansi_lines(std::string_view in, std::string& out, std::vector<uint64_t>& line_starts) {
  line_starts.clear();
  // Written in place, not appended: a CI log has a colour code on every other line, and
  // three library calls and the appends of each line were a fifth of a scan. The view is
  // never longer than `in` and a '\n' after its last line; 16 bytes more for copy_plain.
  // `out` is not shrunk to the view after: growing it again would zero what is written over.
  if (out.size() < in.size() + 1 + 16) out.resize(in.size() + 1 + 16);
  char* const start = out.data();
  char* w = start;
  bool changed = false;
  for (std::size_t at = 0; at < in.size();) {
    const void* esc = std::memchr(in.data() + at, '\x1b', in.size() - at);
    if (esc == nullptr) break;
    std::size_t i = static_cast<std::size_t>(static_cast<const char*>(esc) - in.data());
    const std::size_t begin = line_begin(in, at, i);
    line_starts.push_back(begin);
    std::memcpy(w, in.data() + begin, i - begin);
    w += i - begin;
    while (i < in.size() && in[i] != '\n') {  // at an ESC
      const std::size_t next = sequence_end(in, i);
      if (next == i) {
        *w++ = in[i++];  // an ESC that starts no sequence stays
      } else {
        i = next;
        changed = true;
      }
      i = copy_plain(in, i, w);
    }
    *w++ = '\n';
    at = i + 1;
  }
  return changed ? std::string_view(start, static_cast<std::size_t>(w - start)) : std::string_view();
}

char line_marker(TextDecoder decoder) {
  switch (decoder) {
    case TextDecoder::kJsonUnescape: return '\\';
    case TextDecoder::kPercent: return '%';
    case TextDecoder::kHtmlEntities: return '&';
    case TextDecoder::kAnsi:
    case TextDecoder::kBase64: return 0;
  }
  return 0;
}

bool decode_changed_lines(TextDecoder decoder, std::string_view in, std::string& out) {
  const char marker = line_marker(decoder);  // every encoded line holds this byte
  if (marker == 0) return false;
  out.clear();
  thread_local std::string line_out;
  bool changed = false;
  std::size_t done = 0;  // `in` is represented in `out` up to here
  for (std::size_t at = 0; at < in.size();) {
    const void* hit = std::memchr(in.data() + at, marker, in.size() - at);
    if (hit == nullptr) break;
    const auto pos = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
    const auto [begin, end] = line_around(in, done, pos);
    out.append(count_newlines(in.data() + done, begin - done), '\n');  // the lines before: empty
    if (decode_text(decoder, in.substr(begin, end - begin), line_out)) {
      out += line_out;
      changed = true;
    }
    done = end;
    at = end + 1;
  }
  out.append(count_newlines(in.data() + done, in.size() - done), '\n');
  return changed;
}

void offsets_to_lines(std::string_view in, std::vector<uint64_t>& offsets) {
  std::vector<std::size_t> order(offsets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
  uint64_t line = 0;
  std::size_t counted = 0;
  for (const std::size_t i : order) {
    const auto to = static_cast<std::size_t>(std::min<uint64_t>(offsets[i], in.size()));
    line += count_newlines(in.data() + counted, to - counted);
    counted = to;
    offsets[i] = line;
  }
}

const char* decoder_name(TextDecoder decoder) {
  switch (decoder) {
    case TextDecoder::kJsonUnescape: return "json-unescape";
    case TextDecoder::kPercent: return "percent";
    case TextDecoder::kHtmlEntities: return "html-entities";
    case TextDecoder::kAnsi: return "ansi";
    case TextDecoder::kBase64: return "base64";
  }
  return "?";
}

bool decode_text(TextDecoder decoder, std::string_view in, std::string& out) {
  switch (decoder) {
    case TextDecoder::kJsonUnescape: return json_unescape(in, out);
    case TextDecoder::kPercent: return percent_decode(in, out);
    case TextDecoder::kHtmlEntities: return html_unescape(in, out);
    case TextDecoder::kAnsi: return ansi_strip(in, out);
    case TextDecoder::kBase64: return base64_runs(in, out);
  }
  return false;
}

}  // namespace tokensweep::decode
