// JsonStream: a push parser for JSON (RFC 8259) for the formats that read JSON exports
// (Slack day files, Zendesk tickets). It is fed the input in pieces split anywhere and
// calls a Handler for each container, string and scalar, with the path to it (frames:
// each open object's current key, each open array's current index) and the 1-based line
// where a string starts, so records' lines are right; nothing but the string being read
// and the open frames is held, so a many-GB NDJSON file is parsed in bounded memory.
//
// Why not nlohmann_json's SAX parser: it pulls its input (a whole buffer or a stream it
// reads itself) and reports no positions for values, and records need both pieces and lines.
//
// Strings are unescaped as RFC 8259 §7 says (`\/`, `\uXXXX` with surrogate pairs, to
// UTF-8; a lone surrogate becomes U+FFFD). Errors say where ("line 3, column 9: invalid
// JSON (expected ',' or ']')") and never quote the input. With line recovery on (NDJSON),
// an error ends only its line: the value on it is dropped, the handler told, and parsing
// goes on at the next line; a value must then fit on one line.
//
// One instance reads one input, on one thread. Cost: linear in the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tokensweep::source {

class JsonStream {
 public:
  static constexpr std::size_t kMaxString = std::size_t{64} << 20;  // one string's decoded bytes
  static constexpr std::size_t kMaxDepth = 512;

  struct Frame {
    bool object = false;
    uint64_t index = 0;   // array: the current element's index
    std::string key;      // object: the current member's key (decoded)
    uint64_t line = 1;    // where it opened
  };

  // Callbacks; an error from one is handled like a parse error (its message should say
  // where, e.g. with line()).
  class Handler {
   public:
    virtual ~Handler() = default;
    // A container opened; it is frames().back(), its place in the parent is the frame below.
    virtual Status on_begin(bool object) = 0;
    // The container frames().back() is about to close.
    virtual Status on_end(bool object) = 0;
    // A string value (not a key), decoded, starting on `line`; its place is frames().back().
    virtual Status on_string(std::string_view value, uint64_t line) = 0;
    // A number, true, false or null, as written.
    virtual Status on_scalar(std::string_view text) = 0;
    // Line recovery dropped the partial value on a broken line.
    virtual void on_abandon() {}
  };

  // `multiple_values`: a sequence of top-level values (NDJSON, concatenated JSON) rather
  // than exactly one document.
  JsonStream(Handler& handler, bool multiple_values) : handler_(handler), multiple_(multiple_values) {}

  // The next bytes. Without line recovery an error is final: feed no more.
  Status feed(std::string_view in);
  // End of input: an error for a document cut short (with line recovery: recorded, not returned).
  Status finish();

  // NDJSON: an error ends only its line (see above). May be turned on between values.
  void set_line_recovery(bool on) { recover_ = on; }
  bool line_recovery() const { return recover_; }
  // With line recovery: how many lines were dropped, and the first few errors.
  uint64_t broken_lines() const { return broken_lines_; }
  const std::vector<std::string>& first_errors() const { return first_errors_; }

  const std::vector<Frame>& frames() const { return frames_; }
  uint64_t line() const { return line_; }
  uint64_t values() const { return values_; }  // complete top-level values so far

 private:
  // The states before kString are between tokens (feed() skips whitespace runs there).
  enum class State {
    kTop, kValue, kArrayFirst, kObjectFirst, kKey, kColon, kAfter,
    kString, kEscape, kHex, kSurrogateBackslash, kSurrogateU, kScalar, kSkipLine, kFailed,
  };

  // Looks at one byte; leaves `consumed` false to have it seen again in the new state.
  Status step(char c, bool& consumed);
  Status begin_value(char c);
  Status end_container(char c);
  Status end_string();
  Status end_scalar();
  Status value_done();
  void append_code_point(uint32_t cp);
  Status whitespace(char c);
  Status fail(const std::string& what, uint64_t offset);  // at the byte at `offset`
  Status fail(const std::string& what) { return fail(what, offset_); }  // at the current byte
  Status failed(std::string message);    // stops, or with line recovery drops the line

  Handler& handler_;
  bool multiple_;
  bool recover_ = false;
  State state_ = State::kTop;
  std::vector<Frame> frames_;
  std::string str_;          // the string being read
  bool str_is_key_ = false;
  uint64_t str_line_ = 1;
  std::string scalar_;
  uint64_t scalar_offset_ = 0;  // where it starts
  uint32_t hex_ = 0;
  int hex_digits_ = 0;
  uint32_t high_surrogate_ = 0;  // a \uD800-\uDBFF waiting for its low half
  char cur_ = 0;             // the byte being looked at ('\0' in finish())
  int bom_ = 0;              // bytes of a leading UTF-8 BOM seen
  uint64_t line_ = 1;
  uint64_t offset_ = 0;      // of the byte being looked at
  uint64_t line_start_ = 0;  // offset of the current line's first byte
  uint64_t values_ = 0;
  uint64_t broken_lines_ = 0;
  std::vector<std::string> first_errors_;
  Error error_;
};

}  // namespace tokensweep::source
