#include "source/json_stream.h"

#include <bit>
#include <cstring>

namespace tokensweep::source {
namespace {

constexpr std::size_t kMaxScalar = 256;  // a number longer than this is not a real export's
constexpr uint32_t kReplacement = 0xFFFD;

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_scalar_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-' ||
         c == '.';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool valid_number(std::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// Eight bytes at a time (SWAR, little-endian): the offset of the first byte that ends a
// string's plain run ('"', '\\' or a control character), or 8 when there is none. The
// lowest flagged byte of these bit tricks is exact (only bytes above it can be false hits).
static_assert(std::endian::native == std::endian::little, "first_string_stop() reads bytes little-endian");
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline unsigned first_string_stop(uint64_t v) {
  const uint64_t quote = v ^ (kOnes * '"');
  const uint64_t backslash = v ^ (kOnes * '\\');
  const uint64_t flagged = (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                            ((v - kOnes * 0x20) & ~v)) & kHighs;
  return flagged == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(flagged)) / 8;
}

// The offset of the first byte that is not a space, or 8.
inline unsigned first_non_space(uint64_t v) {
  const uint64_t other = v ^ (kOnes * ' ');
  return other == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(other)) / 8;
}

// What an error message may show of a byte: printable ASCII, else its hex value. One byte
// of the input never reveals a secret.
std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

Status JsonStream::feed(std::string_view in) {
  if (state_ == State::kFailed) return error_;
  const char* p = in.data();
  const char* const end = p + in.size();
  while (p < end) {
    // Fast paths: the bytes of a string up to a quote, backslash or control character;
    // a dropped line up to its end.
    if (state_ == State::kString) {
      const char* s = p;
      while (end - p >= 8) {
        const unsigned n = first_string_stop(load8(p));
        p += n;
        if (n < 8) break;
      }
      while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++p;
      }
      const auto n = static_cast<std::size_t>(p - s);
      offset_ += n;
      if (str_.size() + n > kMaxString) {
        cur_ = 0;
        if (Status st = failed("line " + std::to_string(str_line_) + ": a JSON string longer than " +
                               std::to_string(kMaxString >> 20) + " MiB");
            !st) {
          return st;
        }
        continue;
      }
      str_.append(s, n);
      if (p == end) break;
    } else if (state_ == State::kScalar) {
      const char* s = p;
      while (p < end && is_scalar_char(*p)) ++p;
      const auto n = static_cast<std::size_t>(p - s);
      if (scalar_.size() + n > kMaxScalar) {
        cur_ = *s;
        if (Status st = fail("a number or literal longer than 256 bytes", scalar_offset_); !st) return st;
        offset_ += n;
        continue;
      }
      scalar_.append(s, n);
      offset_ += n;
      if (p == end) break;
    } else if (state_ != State::kSkipLine && state_ < State::kString) {
      // Between tokens: a run of whitespace (pretty-printed exports are much of it). A
      // newline inside a value with line recovery on is an error: step() reports it.
      const char* s = p;
      while (p < end) {
        const char c = *p;
        if (c == ' ' && end - p >= 8) {
          p += first_non_space(load8(p));  // indentation
        } else if (c == ' ' || c == '\t' || c == '\r') {
          ++p;
        } else if (c == '\n' && (!recover_ || frames_.empty())) {
          ++p;
          ++line_;
          line_start_ = offset_ + static_cast<uint64_t>(p - s);
        } else {
          break;
        }
      }
      offset_ += static_cast<uint64_t>(p - s);
      if (p == end) break;
    } else if (state_ == State::kSkipLine) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      const char* q = nl == nullptr ? end : static_cast<const char*>(nl);
      offset_ += static_cast<uint64_t>(q - p);
      p = q;
      if (p == end) break;
    }
    cur_ = *p;
    bool consumed = true;
    if (Status st = step(*p, consumed); !st) return st;
    if (consumed) {
      if (*p == '\n') {
        ++line_;
        line_start_ = offset_ + 1;
      }
      ++offset_;
      ++p;
    }
  }
  return {};
}

Status JsonStream::step(char c, bool& consumed) {
  consumed = true;
  switch (state_) {
    case State::kTop:
      if (is_ws(c)) return {};
      // A UTF-8 byte order mark before the first value.
      if (values_ == 0 && offset_ < 3 && static_cast<uint64_t>(bom_) == offset_ && c == "\xEF\xBB\xBF"[bom_]) {
        ++bom_;
        return {};
      }
      if (values_ > 0 && !multiple_) return fail("data after the end of the document");
      return begin_value(c);
    case State::kValue:
      if (is_ws(c)) return whitespace(c);
      return begin_value(c);
    case State::kArrayFirst:
      if (is_ws(c)) return whitespace(c);
      if (c == ']') return end_container(c);
      return begin_value(c);
    case State::kObjectFirst:
    case State::kKey:
      if (is_ws(c)) return whitespace(c);
      if (c == '"') {
        str_.clear();
        str_is_key_ = true;
        str_line_ = line_;
        state_ = State::kString;
        return {};
      }
      if (c == '}' && state_ == State::kObjectFirst) return end_container(c);
      return fail(state_ == State::kObjectFirst ? "expected a string key or '}'" : "expected a string key");
    case State::kColon:
      if (is_ws(c)) return whitespace(c);
      if (c != ':') return fail("expected ':' after a key");
      state_ = State::kValue;
      return {};
    case State::kAfter: {
      if (is_ws(c)) return whitespace(c);
      Frame& f = frames_.back();
      if (c == ',') {
        if (f.object) {
          state_ = State::kKey;
        } else {
          ++f.index;
          state_ = State::kValue;
        }
        return {};
      }
      if (c == (f.object ? '}' : ']')) return end_container(c);
      return fail(f.object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    case State::kString:
      if (c == '"') return end_string();
      if (c == '\\') {
        state_ = State::kEscape;
        return {};
      }
      return fail(c == '\n' ? "the line ends inside a string" : "a control character in a string");
    case State::kEscape: {
      char out = 0;
      switch (c) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u':
          hex_ = 0;
          hex_digits_ = 0;
          state_ = State::kHex;
          return {};
        default:
          return fail("invalid escape " + describe(c) + " in a string");
      }
      str_ += out;
      state_ = State::kString;
      if (str_.size() > kMaxString) return fail("a JSON string longer than " + std::to_string(kMaxString >> 20) + " MiB");
      return {};
    }
    case State::kHex: {
      const int v = hex_value(c);
      if (v < 0) return fail("invalid \\u escape in a string");
      hex_ = hex_ * 16 + static_cast<uint32_t>(v);
      if (++hex_digits_ < 4) return {};
      state_ = State::kString;
      if (high_surrogate_ != 0) {
        const uint32_t high = high_surrogate_;
        high_surrogate_ = 0;
        if (hex_ >= 0xDC00 && hex_ <= 0xDFFF) {
          append_code_point(0x10000 + ((high - 0xD800) << 10) + (hex_ - 0xDC00));
          return {};
        }
        append_code_point(kReplacement);
      }
      if (hex_ >= 0xD800 && hex_ <= 0xDBFF) {
        high_surrogate_ = hex_;
        state_ = State::kSurrogateBackslash;
      } else {
        append_code_point(hex_ >= 0xDC00 && hex_ <= 0xDFFF ? kReplacement : hex_);
      }
      if (str_.size() > kMaxString) return fail("a JSON string longer than " + std::to_string(kMaxString >> 20) + " MiB");
      return {};
    }
    case State::kSurrogateBackslash:
      if (c == '\\') {
        state_ = State::kSurrogateU;
        return {};
      }
      append_code_point(kReplacement);  // a lone high surrogate
      high_surrogate_ = 0;
      state_ = State::kString;
      consumed = false;
      return {};
    case State::kSurrogateU:
      if (c == 'u') {
        hex_ = 0;
        hex_digits_ = 0;
        state_ = State::kHex;
        return {};
      }
      append_code_point(kReplacement);  // a lone high surrogate, then another escape
      high_surrogate_ = 0;
      state_ = State::kEscape;
      consumed = false;
      return {};
    case State::kScalar:
      if (is_scalar_char(c)) {
        if (scalar_.size() >= kMaxScalar) return fail("a number or literal longer than 256 bytes");
        scalar_ += c;
        return {};
      }
      consumed = false;
      return end_scalar();
    case State::kSkipLine:
      if (c == '\n') state_ = State::kTop;
      return {};
    case State::kFailed:
      return error_;
  }
  return {};
}

Status JsonStream::whitespace(char c) {
  // NDJSON: a value ends on its line; one that does not is broken (a truncated line).
  if (c == '\n' && recover_ && !frames_.empty()) {
    return fail(frames_.back().object ? "the line ends inside an object" : "the line ends inside an array");
  }
  return {};
}

Status JsonStream::begin_value(char c) {
  switch (c) {
    case '{':
    case '[': {
      if (frames_.size() >= kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
      const bool object = c == '{';
      Frame f;
      f.object = object;
      f.line = line_;
      frames_.push_back(std::move(f));
      state_ = object ? State::kObjectFirst : State::kArrayFirst;
      if (Status st = handler_.on_begin(object); !st) return failed(st.error().message);
      return {};
    }
    case '"':
      str_.clear();
      str_is_key_ = false;
      str_line_ = line_;
      state_ = State::kString;
      return {};
    case '-':
    case 't':
    case 'f':
    case 'n':
      break;
    default:
      if (c < '0' || c > '9') return fail("expected a value, found " + describe(c));
  }
  scalar_.assign(1, c);
  scalar_offset_ = offset_;
  state_ = State::kScalar;
  return {};
}

Status JsonStream::end_container(char c) {
  const bool object = c == '}';
  if (Status st = handler_.on_end(object); !st) return failed(st.error().message);
  frames_.pop_back();
  return value_done();
}

Status JsonStream::end_string() {
  if (str_is_key_) {
    frames_.back().key.assign(str_);
    state_ = State::kColon;
    return {};
  }
  if (Status st = handler_.on_string(str_, str_line_); !st) return failed(st.error().message);
  return value_done();
}

Status JsonStream::end_scalar() {
  if (scalar_ != "true" && scalar_ != "false" && scalar_ != "null" && !valid_number(scalar_)) {
    return fail("not a valid number or literal", scalar_offset_);
  }
  if (Status st = handler_.on_scalar(scalar_); !st) return failed(st.error().message);
  return value_done();
}

Status JsonStream::value_done() {
  if (frames_.empty()) {
    ++values_;
    state_ = State::kTop;
  } else {
    state_ = State::kAfter;
  }
  return {};
}

void JsonStream::append_code_point(uint32_t cp) {
  if (cp < 0x80) {
    str_ += static_cast<char>(cp);
  } else if (cp < 0x800) {
    str_ += static_cast<char>(0xC0 | (cp >> 6));
    str_ += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    str_ += static_cast<char>(0xE0 | (cp >> 12));
    str_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    str_ += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    str_ += static_cast<char>(0xF0 | (cp >> 18));
    str_ += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    str_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    str_ += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

Status JsonStream::fail(const std::string& what, uint64_t offset) {
  return failed("line " + std::to_string(line_) + ", column " + std::to_string(offset - line_start_ + 1) +
                ": invalid JSON (" + what + ")");
}

Status JsonStream::failed(std::string message) {
  if (!recover_) {
    error_ = make_error(ErrorCode::kMalformed, std::move(message));
    state_ = State::kFailed;
    return error_;
  }
  ++broken_lines_;
  if (first_errors_.size() < 3) first_errors_.push_back(std::move(message));
  handler_.on_abandon();
  frames_.clear();
  str_.clear();
  scalar_.clear();
  high_surrogate_ = 0;
  // Go on at the next line; when the byte that broke this one is its newline, that is now.
  state_ = cur_ == '\n' ? State::kTop : State::kSkipLine;
  return {};
}

Status JsonStream::finish() {
  if (state_ == State::kFailed) return error_;
  cur_ = '\0';
  if (state_ == State::kScalar) {
    if (Status st = end_scalar(); !st) return st;
  }
  if (state_ == State::kTop || state_ == State::kSkipLine) return {};
  const bool in_string = state_ == State::kString || state_ == State::kEscape || state_ == State::kHex ||
                         state_ == State::kSurrogateBackslash || state_ == State::kSurrogateU;
  const uint64_t open_line = in_string ? str_line_ : frames_.back().line;
  const char* what = in_string ? "string" : frames_.back().object ? "object" : "array";
  return failed("line " + std::to_string(open_line) + ": invalid JSON (the input ends inside the " + what +
                " that starts here)");
}

}  // namespace tokensweep::source
