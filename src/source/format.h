// Formats: inputs that need parsing, not only a byte scan — shell histories, CI logs,
// ticket and chat exports. A format turns an input's bytes into what the engine scans and
// says where each piece came from (a finding's `source`: history entry and timestamp, CI
// step, channel and message). Formats know nothing of rules; the pipeline drives them.
//
// Two shapes:
//  - a LineFormat keeps lines: it may rewrite bytes inside a line (zsh's metafied bytes,
//    a Jenkins console note) but line N of what it produces is line N of the input, so
//    findings' line numbers refer to the original file. What it produces is scanned
//    instead of the raw bytes, streaming, in the usual overlapping blocks.
//  - a RecordFormat pulls records (a chat message's text, a CSV field) out of structured
//    input; each record is scanned on its own, and the raw bytes are scanned too. The
//    same secret found both ways is one finding, the record's (it says more).
//
// Both are fed the input in pieces split anywhere, so an input never has to fit in memory.
// One instance reads one input, on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/byte_source.h"
#include "common/result.h"

namespace tokensweep::source {

// Copied into a finding's `source`, in order: {"history_entry","42"}, {"channel","general"}.
using SourceContext = std::vector<std::pair<std::string, std::string>>;

class LineFormat {
 public:
  virtual ~LineFormat() = default;
  // The next bytes of the input; appends what to scan to `out`, with exactly the '\n's of
  // `in` (over the whole input: a format may hold back a partial line until it ends).
  virtual void feed(std::string_view in, std::string& out) = 0;
  // End of the input: appends whatever was held back.
  virtual void finish(std::string& out) = 0;
  // The context of 1-based `line` of what was produced; nullptr when there is none. Valid
  // until the next feed/finish.
  virtual const SourceContext* context(uint64_t line) const = 0;
  // Problems worth a diagnostic (binary junk in a history), without the path; each is
  // returned once. The input is still scanned whole.
  virtual std::vector<std::string> take_warnings() { return {}; }
};

struct Record {
  std::string_view text;   // what to scan, decoded by the format (a JSON string, a CSV field)
  uint64_t line = 1;       // 1-based line of the input where `text` starts
  // True when each '\n' of `text` is a line break of the input too (a multi-line CSV
  // field): a finding on the text's third line is on input line `line + 2`. False when the
  // text was decoded from one escaped string (JSON "a\nb"): every finding is on `line`.
  bool lines_are_input_lines = false;
  SourceContext source;    // where it came from
  std::vector<std::string> decoders;  // how `text` was obtained, e.g. {"json-unescape"}
};

using RecordSink = std::function<void(const Record&)>;

class RecordFormat {
 public:
  virtual ~RecordFormat() = default;
  // The next bytes of the input; calls `emit` for each complete record (the record's
  // views are valid during the call). An error means the input is malformed from here on
  // (the message says where, e.g. "line 12: invalid JSON"; the pipeline adds the path);
  // no more bytes are fed, the raw bytes are still scanned to the end.
  virtual Status feed(std::string_view in, const RecordSink& emit) = 0;
  // End of the input: emits what is left; an error for a truncated document.
  virtual Status finish(const RecordSink& emit) = 0;
  // Problems worth a diagnostic that did not stop the records (an NDJSON line skipped),
  // without the path; each is returned once, after finish().
  virtual std::vector<std::string> take_warnings() { return {}; }
};

// The catalogue: every format, by the name `--input-type` takes and findings' `source`
// shows ({"format", name} is not added — the context is).
struct FormatInfo {
  std::string_view name;         // "bash-history", "github-actions-log", "slack-export", ...
  std::string_view description;  // one line for --help and docs
  // True when the input is this format, from its path (the innermost name for an archive
  // member: "export.zip!general/2026-01-02.json") and its first bytes (up to 64 KiB, fewer
  // for a short input). Cheap: called for every input.
  bool (*detect)(std::string_view path, std::string_view head);
  // Exactly one of these is set. `path` is the input's path, as for detect.
  std::unique_ptr<LineFormat> (*make_lines)(std::string_view path);
  std::unique_ptr<RecordFormat> (*make_records)(std::string_view path);
};

// All formats, in detection order (the first whose detect() is true wins).
const std::vector<FormatInfo>& formats();
// The format `path`/`head` is, or nullptr for plain bytes.
const FormatInfo* detect_format(std::string_view path, std::string_view head);
// By name (--input-type); nullptr when unknown.
const FormatInfo* find_format(std::string_view name);

// The bytes a LineFormat produces from `input`, as a ByteSource, so the pipeline's block
// reader scans them like any file.
class LineFormatSource : public ByteSource {
 public:
  LineFormatSource(ByteSource& input, LineFormat& format) : input_(input), format_(format) {}
  Result<std::size_t> read(char* buf, std::size_t n) override;

 private:
  ByteSource& input_;
  LineFormat& format_;
  std::string in_;       // read from input_
  std::string out_;      // produced, not yet returned
  std::size_t out_pos_ = 0;
  bool finished_ = false;
};

}  // namespace tokensweep::source
