#include "pipeline/scan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "common/newlines.h"
#include "decode/archive.h"
#include "decode/text_decoders.h"
#include "pipeline/image_scan.h"
#include "report/collector.h"
#include "source/block_reader.h"
#include "source/format.h"

namespace tokensweep::pipeline {
namespace {

// Decodings of decodings: base64 inside JSON inside base64 (a Kubernetes
// .dockerconfigjson) is three levels.
constexpr std::size_t kMaxTextDecodeDepth = 3;
// An archive inside an archive inside ... this many levels is scanned; deeper ones are
// scanned as raw bytes, with a diagnostic (a 10,000-deep nesting ends quickly).
constexpr std::size_t kMaxArchiveDepth = 8;
// Blocks this large get a NewlineIndex (a block of a small file is counted where needed).
constexpr std::size_t kIndexLinesFrom = 64U << 10;
// All decoded views of one block together may hold at most this many times its bytes.
constexpr uint64_t kDecodeBudgetFactor = 16;

struct WorkerResult {
  std::vector<report::Finding> findings;
  std::vector<Diagnostic> diagnostics;
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t duplicates = 0;
  uint64_t suppressed_inline = 0;
};

// Per worker: the engine's scanner and the buffers reused for every input.
struct Worker {
  engine::Scanner scanner;
  std::size_t block_size;
  std::size_t overlap;
  uint64_t max_file_size;
  bool decode;
  const source::FormatInfo* forced_format;  // --input-type, for inputs named on the command line
  bool detect_formats;                      // false: those inputs are plain bytes
  std::vector<std::unique_ptr<source::BlockReader>> readers;  // one per archive nesting level
  std::vector<engine::Match> matches;
  std::vector<std::string> decoded;  // one buffer per text-decoding depth
  std::vector<std::vector<uint64_t>> line_maps;  // per depth: where a view's lines start in its text
  WorkerResult result;
  ScanProgress* progress;  // optional live counters
  ImageScan* image = nullptr;  // the innermost archive being scanned, watched for an image
  bool keep_secrets = true;    // ScanOptions::keep_secrets

  source::BlockReader& reader(std::size_t depth) {
    while (readers.size() <= depth) readers.push_back(std::make_unique<source::BlockReader>(block_size, overlap));
    return *readers[depth];
  }
};

// One stream being scanned (a file, stdin, an archive member): where its findings go.
struct Stream {
  std::string path;                   // with '!' for archive members
  std::vector<std::string> decoders;  // how its bytes were produced, outermost first
  uint64_t limit = 0;                 // bytes to scan at most (0: all)
  std::vector<report::Finding> decoded_findings;  // found in text decodings of its blocks
  std::vector<std::string> decoded_suppressed;    // fingerprints an allow marker hid there
  uint64_t decode_budget = 0;
  bool decode_budget_hit = false;
  source::SourceContext source;         // appended to the `source` of every finding in it
  bool format_checked = false;          // its format was detected (or forced) already
  source::LineFormat* lines = nullptr;  // its bytes come through this format
  std::unique_ptr<source::RecordFormat> records;  // fed its bytes while they are scanned
  std::string records_error;                      // why the records stopped, if they did
  std::vector<std::string> record_warnings;       // what the records skipped
  uint64_t records_fed = 0;                       // stream offset fed to `records` so far
  std::vector<report::Finding> record_findings;   // found in the records' texts
  std::vector<std::string> record_suppressed;     // fingerprints an allow marker hid there
  // A segment of a big file (run_scan splits one so that every worker shares it): it owns
  // the matches ending in [own_begin, own_end) of its bytes, counts the newlines before
  // `count_until` (for the segments after it), and started at `offset` of the file.
  bool segment = false;
  bool last_segment = false;
  uint64_t offset = 0;
  uint64_t own_begin = 0;
  uint64_t own_end = UINT64_MAX;
  uint64_t count_until = 0;
  uint64_t newlines = 0;
};

// The bytes NewlineIndex notes for gate(): kByteLedDecoders' lead bytes, in that order.
const std::string& lead_bytes() {
  static const std::string bytes = [] {
    std::string b;
    for (const decode::TextDecoder d : decode::kByteLedDecoders) b += decode::lead_byte(d);
    return b;
  }();
  return bytes;
}

// The decoders worth trying on `text`, which `scanner` just scanned: those whose Hyperscan
// trigger it saw, and those whose byte-led trigger `text` holds (decode::holds_trigger;
// `lines`, when given, indexes `text` and noted which lead bytes it holds, so that a block
// without one is not read again for it); all of them with an engine compiled without
// triggers.
uint32_t gate(const engine::Scanner& scanner, std::string_view text, const NewlineIndex* lines = nullptr) {
  if (!scanner.engine().has_triggers()) return ~0U;
  uint32_t bits = scanner.triggers();
  for (std::size_t i = 0; i < decode::kByteLedDecoders.size(); ++i) {
    const decode::TextDecoder d = decode::kByteLedDecoders[i];
    if ((lines == nullptr || lines->holds_noted(i)) && decode::holds_trigger(d, text)) bits |= decode::trigger_bit(d);
  }
  return bits;
}

// Scans every text decoding of `text` that changes it, and their decodings in turn, up
// to kMaxTextDecodeDepth, through the same engine. `chain` names the decoders so far;
// `triggers` is what the scan of `text` saw (a decoder whose trigger is absent is skipped).
void scan_decodings(Worker& w, Stream& st, std::string_view text, uint32_t triggers, uint64_t first_line,
                    std::vector<std::string>& chain, std::size_t depth) {
  if (depth >= kMaxTextDecodeDepth) return;
  // Sized once for every depth: a deeper call must not move the buffers this one is using.
  if (w.decoded.size() < kMaxTextDecodeDepth) {
    w.decoded.resize(kMaxTextDecodeDepth);
    w.line_maps.resize(kMaxTextDecodeDepth);
  }
  for (const decode::TextDecoder d : decode::kTextDecoders) {
    if ((triggers & decode::trigger_bit(d)) == 0) continue;
    std::string& buf = w.decoded[depth];
    // ANSI escapes change only the lines they are on: the view holds just those lines, and
    // its findings' lines are mapped back through `lines`.
    std::vector<uint64_t>& lines = w.line_maps[depth];
    const bool ansi_view = d == decode::TextDecoder::kAnsi;
    // JSON escapes, %XX and entities stay inside their line: the view keeps only the lines
    // they change, the others empty (so line numbers still count every line).
    std::string_view view;
    if (ansi_view) {
      view = decode::decode_ansi_lines(text, buf, lines);
    } else if (decode::line_marker(d) != 0 ? decode::decode_changed_lines(d, text, buf)
                                           : decode::decode_text(d, text, buf)) {
      view = buf;
    }
    if (view.empty()) continue;
    const uint64_t view_line = ansi_view ? 1 : first_line;
    if (view.size() > st.decode_budget) {
      st.decode_budget_hit = true;
      return;
    }
    st.decode_budget -= view.size();
    w.matches.clear();
    if (!w.scanner.scan(view, w.matches)) continue;
    chain.emplace_back(decode::decoder_name(d));
    const std::size_t found_before = st.decoded_findings.size();
    if (!w.matches.empty()) {
      report::FindingCollector collector(w.scanner.engine().rules(), st.path, chain, view_line);
      collector.keep_secrets(w.keep_secrets);
      collector.add_block(view, 0, 0, w.matches);  // a one-block view: nothing follows
      for (auto& f : collector.take()) st.decoded_findings.push_back(std::move(f));
      for (const auto& fp : collector.suppressed_fingerprints()) st.decoded_suppressed.push_back(fp);
    }
    scan_decodings(w, st, view, gate(w.scanner, view), view_line, chain, depth + 1);
    if (ansi_view && found_before < st.decoded_findings.size()) {
      // A view line's start in `text`, then its line number there: counted only now, for
      // the few lines that hold a finding.
      std::vector<uint64_t> at;
      for (std::size_t i = found_before; i < st.decoded_findings.size(); ++i) {
        at.push_back(lines[std::min<uint64_t>(st.decoded_findings[i].line - 1, lines.size() - 1)]);
      }
      decode::offsets_to_lines(text, at);
      for (std::size_t i = found_before; i < st.decoded_findings.size(); ++i) {
        st.decoded_findings[i].line = first_line + at[i - found_before];
      }
    }
    chain.pop_back();
  }
}

// `newlines`, when given, receives the newlines a segment counted (Stream::count_until).
void scan_stream(Worker& w, ByteSource& bytes, Stream stream, std::size_t archive_depth,
                 uint64_t* newlines = nullptr);

// Scans one record of a RecordFormat (a chat message, a CSV field) and its text decodings.
// Its findings carry the record's line and context.
void scan_record(Worker& w, Stream& st, const source::Record& record) {
  w.matches.clear();
  if (!w.scanner.scan(record.text, w.matches)) return;
  // Most records hold nothing: no collector, no decoder chain for them.
  const uint32_t triggers = w.decode ? gate(w.scanner, record.text) : 0;
  if (w.matches.empty() && triggers == 0) return;
  std::vector<std::string> chain = st.decoders;
  chain.insert(chain.end(), record.decoders.begin(), record.decoders.end());
  report::FindingCollector collector(w.scanner.engine().rules(), st.path, chain, record.line);
  collector.keep_secrets(w.keep_secrets);
  collector.add_block(record.text, 0, 0, w.matches);  // one block: nothing follows
  const std::size_t first = st.record_findings.size();
  for (auto& f : collector.take()) st.record_findings.push_back(std::move(f));
  for (const auto& fp : collector.suppressed_fingerprints()) st.record_suppressed.push_back(fp);
  if (w.decode) {
    // The decodings' findings land in decoded_findings; move the new ones over so that
    // they carry the record's context too.
    const std::size_t decoded_before = st.decoded_findings.size();
    const std::size_t suppressed_before = st.decoded_suppressed.size();
    st.decode_budget = kDecodeBudgetFactor * record.text.size();
    scan_decodings(w, st, record.text, triggers, record.line, chain, 0);
    for (std::size_t i = decoded_before; i < st.decoded_findings.size(); ++i) {
      st.record_findings.push_back(std::move(st.decoded_findings[i]));
    }
    st.decoded_findings.resize(decoded_before);
    for (std::size_t i = suppressed_before; i < st.decoded_suppressed.size(); ++i) {
      st.record_suppressed.push_back(std::move(st.decoded_suppressed[i]));
    }
    st.decoded_suppressed.resize(suppressed_before);
  }
  for (std::size_t i = first; i < st.record_findings.size(); ++i) {
    auto& f = st.record_findings[i];
    if (!record.lines_are_input_lines) f.line = record.line;
    f.source.insert(f.source.end(), record.source.begin(), record.source.end());
  }
}

// Feeds the bytes of `block` (at stream offset `base`) not fed before to the stream's
// RecordFormat, scanning each record it completes. A format error stops the records (the
// raw bytes are still scanned) and is reported once the stream ends.
void feed_records(Worker& w, Stream& st, std::string_view block, uint64_t base, bool last) {
  if (!st.records) return;
  const source::RecordSink emit = [&](const source::Record& r) { scan_record(w, st, r); };
  const uint64_t skip = st.records_fed - base;  // the overlap with the previous block
  Status status = st.records->feed(block.substr(std::min<uint64_t>(skip, block.size())), emit);
  st.records_fed = base + block.size();
  if (status && last) {
    status = st.records->finish(emit);
    st.record_warnings = st.records->take_warnings();
  }
  if (!status) {
    st.records_error = status.error().message;
    st.records.reset();
  }
}

// Picks the format of a stream from its path and first bytes (or --input-type for inputs
// named on the command line). A LineFormat rescans the stream through the format (from
// `first`, the block already read) and returns true; a RecordFormat is attached to `st`.
bool apply_format(Worker& w, source::BlockReader& reader, std::string_view first, Stream& st,
                  std::size_t archive_depth) {
  st.format_checked = true;
  if (archive_depth == 0 && !w.detect_formats) return false;
  constexpr std::size_t kHead = 64U << 10;
  const source::FormatInfo* format = archive_depth == 0 && w.forced_format != nullptr
                                         ? w.forced_format
                                         : source::detect_format(st.path, first.substr(0, kHead));
  if (format == nullptr) return false;
  if (format->make_records != nullptr) {
    st.records = format->make_records(st.path);
    return false;
  }
  auto lines = format->make_lines(st.path);
  PrefixedSource whole(first, reader.source());
  source::LineFormatSource view(whole, *lines);
  Stream inner;
  inner.path = st.path;
  inner.decoders = st.decoders;
  inner.limit = st.limit;
  inner.source = st.source;
  inner.format_checked = true;
  inner.lines = lines.get();
  scan_stream(w, view, std::move(inner), archive_depth + 1);
  return true;
}

// `first` is the head of an archive already read from `reader`: hands the whole stream to
// libarchive and scans each member as a stream of its own.
void scan_archive(Worker& w, source::BlockReader& reader, std::string_view first, const Stream& outer,
                  std::size_t archive_depth) {
  PrefixedSource whole(first, reader.source());
  decode::ArchiveLimits limits;
  ImageScan image(w.image, outer.path, "!");  // a container image gets layer context at the end
  const Status st = decode::read_archive(first, whole, limits, [&](const decode::ArchiveMember& m, ByteSource& member) {
    Stream inner;
    inner.path = m.name.empty() ? outer.path : outer.path + "!" + m.name;
    inner.decoders = outer.decoders;
    inner.decoders.insert(inner.decoders.end(), m.decoders.begin(), m.decoders.end());
    inner.limit = w.max_file_size;
    ByteSource& bytes = image.member(m.name, member, w.result.findings.size());
    scan_stream(w, bytes, std::move(inner), archive_depth + 1);
    image.member_done(w.result.findings.size());
  });
  if (!st) w.result.diagnostics.push_back(Diagnostic::from(st.error(), outer.path));
  image.finish(w.result.findings, w.result.diagnostics);
}

// Scans one stream in blocks; a block after the first owns matches ending at or past half
// its overlap, so a match is reported by exactly one block (engine.h). Each block's
// decoded views are scanned too, and a secret found through several routes is one
// finding, from the most direct route. A stream that is an archive is scanned member by
// member instead, up to kMaxArchiveDepth levels of nesting.
void scan_stream(Worker& w, ByteSource& bytes, Stream stream, std::size_t archive_depth, uint64_t* newlines) {
  engine::Scanner& scanner = w.scanner;
  source::BlockReader& reader = w.reader(archive_depth);
  WorkerResult& out = w.result;
  reader.open(bytes, stream.limit);
  const uint64_t margin = scanner.engine().max_window();
  report::FindingCollector collector(scanner.engine().rules(), stream.path, stream.decoders);
  collector.keep_secrets(w.keep_secrets);
  uint64_t scanned = 0;
  bool first = true;
  NewlineIndex lines;  // of the current block, when it is large enough to be worth one
  while (true) {
    auto block = reader.next();
    if (!block) {
      out.diagnostics.push_back(Diagnostic::from(block.error(), stream.path));
      break;
    }
    const source::Block& b = block.value();
    if (first && w.decode && !stream.segment && decode::looks_like_archive(b.data)) {
      if (archive_depth < kMaxArchiveDepth) {
        scan_archive(w, reader, b.data, stream, archive_depth);
        return;
      }
      out.diagnostics.push_back({stream.path, "limit",
                                 "archives nested deeper than " + std::to_string(kMaxArchiveDepth) +
                                     " levels; this one was scanned as raw bytes",
                                 true});
    }
    if (first && !stream.format_checked && apply_format(w, reader, b.data, stream, archive_depth)) return;
    if (b.data.empty() && !first) break;
    // Indexed now, while the bytes just read are in cache; a small block is counted as it is.
    const NewlineIndex* index = nullptr;
    if (b.data.size() >= kIndexLinesFrom) {
      lines.build(b.data, lead_bytes());  // and which lead bytes it holds, for gate()
      index = &lines;
    }
    w.matches.clear();
    uint64_t own_begin = first ? 0 : margin;
    uint64_t own_end = b.last ? UINT64_MAX : b.data.size() - margin;
    if (stream.segment) {
      if (stream.own_begin > b.base) own_begin = std::max(own_begin, stream.own_begin - b.base);
      own_end = stream.own_end <= b.base ? 0 : std::min(own_end, stream.own_end - b.base);
      const uint64_t from = std::max(b.base, scanned), to = std::min(b.base + b.data.size(), stream.count_until);
      if (from < to) {
        stream.newlines += index != nullptr ? index->between(from - b.base, to - b.base)
                                            : count_newlines(b.data.data() + (from - b.base), to - from);
      }
    }
    if (auto st = scanner.scan(b.data, w.matches, own_begin, own_end); !st) {
      out.diagnostics.push_back(Diagnostic::from(st.error(), stream.path));
      break;
    }
    const uint64_t next_base = b.last ? b.base : b.base + b.data.size() - 2 * margin;
    const uint64_t block_line = collector.next_block_line();
    collector.add_block(b.data, b.base, next_base, w.matches, index);
    if (w.decode) {
      stream.decode_budget = kDecodeBudgetFactor * b.data.size();
      std::vector<std::string> chain = stream.decoders;
      scan_decodings(w, stream, b.data, gate(scanner, b.data, index), block_line, chain, 0);
    }
    feed_records(w, stream, b.data, b.base, b.last);
    const uint64_t end = b.base + b.data.size();
    if (w.progress != nullptr) w.progress->bytes.fetch_add(end - scanned, std::memory_order_relaxed);
    scanned = end;
    first = false;
    if (b.last) break;
  }
  if (newlines != nullptr) *newlines = stream.newlines;
  if (!reader.status()) out.diagnostics.push_back(Diagnostic::from(reader.status().error(), stream.path));
  if (reader.truncated() && (!stream.segment || stream.last_segment)) {
    out.diagnostics.push_back({stream.path, "limit",
                               "larger than --max-file-size; only the first " + std::to_string(stream.offset + scanned) +
                                   " bytes were scanned",
                               true});
  }
  if (stream.decode_budget_hit) {
    out.diagnostics.push_back({stream.path, "limit",
                               "decoded content exceeded " + std::to_string(kDecodeBudgetFactor) +
                                   "x the input; some nested encodings were not decoded",
                               true});
  }
  if (!stream.records_error.empty()) {
    out.diagnostics.push_back({stream.path, "malformed",
                               stream.records_error + "; the rest was scanned as plain bytes", false});
  }
  for (auto& warning : stream.record_warnings) {
    out.diagnostics.push_back({stream.path, "malformed", std::move(warning), false});
  }
  if (stream.lines != nullptr) {
    for (auto& warning : stream.lines->take_warnings()) {
      out.diagnostics.push_back({stream.path, "malformed", std::move(warning), false});
    }
  }
  const std::size_t findings_before = out.findings.size();
  if (!stream.segment || stream.offset == 0) ++out.files_scanned;
  out.bytes_scanned += stream.segment ? std::min(scanned, stream.own_end) - stream.own_begin : scanned;
  out.duplicates += collector.duplicates_merged();
  std::vector<report::Finding> raw = collector.take();
  std::unordered_set<std::string> seen;
  if (out.findings.empty() && stream.record_findings.empty()) {
    // The worker's first stream, without records (a long stdin, one big log): its findings
    // become the worker's as they are, never held twice.
    // `seen` only filters decoded routes: skip it when there are none (a dense file).
    if (!stream.decoded_findings.empty() || !stream.decoded_suppressed.empty()) {
      for (const auto& f : raw) seen.insert(f.fingerprint);
    }
    out.findings = std::move(raw);
    raw.clear();
  } else {
    // Room for this stream's findings at once, and geometric growth across streams: a
    // reserve to the exact size made every later stream with a finding move all the
    // worker's findings again (100,000 small files: thousands of moves of the whole list).
    const std::size_t need = out.findings.size() + stream.record_findings.size() + raw.size() +
                             stream.decoded_findings.size();
    if (need > out.findings.capacity()) out.findings.reserve(std::max(need, 2 * out.findings.capacity()));
  }
  // Records first: the same secret in the raw bytes is the record's finding, which says
  // where it came from (channel, ticket); a secret repeated in two records is two findings.
  std::unordered_set<std::string> record_hidden(stream.record_suppressed.begin(), stream.record_suppressed.end());
  std::unordered_set<std::string> record_keys;
  std::stable_sort(stream.record_findings.begin(), stream.record_findings.end(),
                   [](const auto& a, const auto& b) { return a.decoders.size() < b.decoders.size(); });
  for (auto& f : stream.record_findings) {
    if (!record_keys.insert(f.fingerprint + ":" + std::to_string(f.line)).second) {
      ++out.duplicates;
      continue;
    }
    seen.insert(f.fingerprint);
    out.findings.push_back(std::move(f));
  }
  for (auto& f : raw) {
    // Hidden by an allow marker in its record, or reported from its record already.
    if (record_hidden.count(f.fingerprint) != 0 || (!record_keys.empty() && seen.count(f.fingerprint) != 0)) {
      ++out.duplicates;
      continue;
    }
    seen.insert(f.fingerprint);
    out.findings.push_back(std::move(f));
  }
  raw = {};
  // Allow markers: counted once per secret and line in the bytes, once per secret for a
  // decoded route that shows only what the bytes did not.
  out.suppressed_inline += collector.suppressed();
  std::unordered_set<std::string> hidden(collector.suppressed_fingerprints().begin(),
                                         collector.suppressed_fingerprints().end());
  for (const auto& fp : record_hidden) {
    if (hidden.insert(fp).second) ++out.suppressed_inline;
  }
  for (const auto& fp : stream.decoded_suppressed) {
    if (seen.count(fp) == 0 && hidden.insert(fp).second) ++out.suppressed_inline;
  }
  // Decoded routes add only secrets the plain bytes did not show (shallowest route first).
  std::stable_sort(stream.decoded_findings.begin(), stream.decoded_findings.end(),
                   [](const auto& a, const auto& b) { return a.decoders.size() < b.decoders.size(); });
  for (auto& f : stream.decoded_findings) {
    if (hidden.count(f.fingerprint) != 0 || !seen.insert(f.fingerprint).second) {
      ++out.duplicates;
      continue;
    }
    out.findings.push_back(std::move(f));
  }
  for (std::size_t i = findings_before; i < out.findings.size(); ++i) {
    auto& src = out.findings[i].source;
    if (stream.lines != nullptr) {
      if (const source::SourceContext* context = stream.lines->context(out.findings[i].line)) {
        src.insert(src.end(), context->begin(), context->end());
      }
    }
    src.insert(src.end(), stream.source.begin(), stream.source.end());
  }
  if (w.progress != nullptr) {
    if (!stream.segment || stream.last_segment) w.progress->files.fetch_add(1, std::memory_order_relaxed);
    w.progress->findings.fetch_add(out.findings.size() - findings_before, std::memory_order_relaxed);
  }
}

void scan_file(const source::Input& input, Worker& w) {
  FdSource file;
  if (auto st = file.open(input.open_path); !st) {
    w.result.diagnostics.push_back(Diagnostic::from(st.error(), input.path));
    return;
  }
  Stream stream;
  stream.path = input.path;
  // Files are capped by --max-file-size; a stream (stdin, a named pipe) is read to its end.
  stream.limit = input.type == source::InputType::kFile ? w.max_file_size : 0;
  scan_stream(w, file, std::move(stream), 0);
  w.reader(0).close();
}

// The bytes of a kMemory input, read like a file.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : rest_(data) {}
  Result<std::size_t> read(char* buf, std::size_t n) override {
    n = std::min(n, rest_.size());
    std::copy_n(rest_.data(), n, buf);
    rest_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view rest_;
};

// An OCI image layout directory: its files are scanned like the members of an image archive.
void scan_image_layout(const source::Input& input, Worker& w) {
  std::string root = input.path;
  while (root.size() > 1 && root.ends_with('/')) root.pop_back();
  ImageScan image(w.image, root, "/");
  const std::string dir = root == "/" ? root : root + "/";
  for (const auto& name : list_image_layout(input.open_path, input.path, w.result.diagnostics)) {
    FdSource file;
    if (auto st = file.open(input.open_path + "/" + name); !st) {
      w.result.diagnostics.push_back(Diagnostic::from(st.error(), dir + name));
      continue;
    }
    Stream stream;
    stream.path = dir + name;
    stream.limit = w.max_file_size;
    ByteSource& bytes = image.member(name, file, w.result.findings.size());
    scan_stream(w, bytes, std::move(stream), 0);
    w.reader(0).close();
    image.member_done(w.result.findings.size());
  }
  image.finish(w.result.findings, w.result.diagnostics);
}

// One piece of a big plain file, so that all workers share it (run_scan): it reads from
// `read_begin` (a max-window before `own_begin`, where the previous segment's matches end)
// to `read_end` (a max-window past `own_end`), and owns the matches ending in between.
struct Segment {
  std::size_t input = 0;
  uint64_t read_begin = 0;
  uint64_t own_begin = 0;
  uint64_t own_end = 0;
  uint64_t read_end = 0;
  uint64_t next_read_begin = 0;  // the next segment's read_begin (newlines are counted up to it)
  bool last = false;
  // Filled by the worker that scans it:
  unsigned worker = 0;
  std::size_t first_finding = 0;  // its findings are [first_finding, end_finding) of the
  std::size_t end_finding = 0;    // worker's result
  uint64_t newlines = 0;          // in [read_begin, next_read_begin)
  uint64_t line_shift = 0;        // bytes from the start of the line holding read_begin to it
};

// Bytes between the last '\n' before `offset` of `file` and `offset` (0 when the byte
// before it is a newline); read backwards, at most 1 MiB.
uint64_t distance_to_line_start(FdSource& file, uint64_t offset) {
  constexpr uint64_t kChunk = 64U << 10, kMax = 1U << 20;
  std::string buf;
  for (uint64_t back = 0; back < kMax && back < offset;) {
    const uint64_t n = std::min(kChunk, offset - back);
    buf.resize(n);
    if (!file.seek(offset - back - n)) return 0;
    auto got = read_up_to(file, buf.data(), n);
    if (!got || got.value() != n) return 0;
    const auto nl = buf.rfind('\n');
    if (nl != std::string::npos) return back + (n - nl - 1);
    back += n;
  }
  return std::min(offset, kMax);
}

void scan_segment(const source::Input& input, Segment& seg, Worker& w, unsigned worker_index) {
  seg.worker = worker_index;
  seg.first_finding = w.result.findings.size();
  FdSource file;
  Status opened = file.open(input.open_path);
  if (opened) opened = file.seek(seg.read_begin);
  if (!opened) {
    // Reported once, by the first segment; the others fail the same way.
    if (seg.read_begin == 0) w.result.diagnostics.push_back(Diagnostic::from(opened.error(), input.path));
    seg.end_finding = seg.first_finding;
    return;
  }
  Stream stream;
  stream.path = input.path;
  stream.limit = seg.read_end != UINT64_MAX ? seg.read_end - seg.read_begin
                 : w.max_file_size == 0   ? 0  // no cap
                                          : w.max_file_size - seg.read_begin;
  stream.format_checked = true;  // run_scan split it because it is plain bytes
  stream.segment = true;
  stream.last_segment = seg.last;
  stream.offset = seg.read_begin;
  stream.own_begin = seg.own_begin - seg.read_begin;
  stream.own_end = seg.last ? UINT64_MAX : seg.own_end - seg.read_begin;
  stream.count_until = seg.next_read_begin - seg.read_begin;
  uint64_t newlines = 0;
  scan_stream(w, file, std::move(stream), 0, &newlines);
  w.reader(0).close();
  seg.newlines = newlines;
  seg.end_finding = w.result.findings.size();
  bool first_line_found = false;
  for (std::size_t i = seg.first_finding; i < seg.end_finding; ++i) first_line_found |= w.result.findings[i].line == 1;
  if (first_line_found && seg.read_begin > 0) seg.line_shift = distance_to_line_start(file, seg.read_begin);
}

void scan_input(const source::Input& input, Worker& w) {
  if (input.type == source::InputType::kImageLayout) {
    scan_image_layout(input, w);
    return;
  }
  if (input.type != source::InputType::kMemory && input.source.empty()) {
    scan_file(input, w);
    return;
  }
  const std::size_t first_finding = w.result.findings.size();
  if (input.type == source::InputType::kMemory) {
    MemorySource memory(input.data ? std::string_view(*input.data) : std::string_view());
    Stream stream;
    stream.path = input.path;
    stream.limit = w.max_file_size;
    scan_stream(w, memory, std::move(stream), 0);
    w.reader(0).close();
  } else {
    scan_file(input, w);
  }
  // The input's own context (git: commit, author) first, then what was found inside it
  // (an image layer, a history entry).
  for (std::size_t i = first_finding; i < w.result.findings.size(); ++i) {
    auto& src = w.result.findings[i].source;
    src.insert(src.begin(), input.source.begin(), input.source.end());
  }
}

}  // namespace

engine::CompileOptions scan_compile_options() {
  engine::CompileOptions options;
  for (const auto& t : decode::decoder_triggers()) options.triggers.push_back({t.pattern, decode::trigger_bit(t.decoder)});
  return options;
}

// Cuts `input` into segments (appended to `segments`) when it is a regular file big enough
// to share between threads and plain bytes: not an archive, not a format (those are read
// from their start). Returns false when it is scanned whole.
bool plan_segments(const source::Input& input, std::size_t index, const ScanOptions& options, unsigned threads,
                   uint64_t margin, std::vector<Segment>& segments) {
  if (threads < 2 || input.type != source::InputType::kFile || !input.source.empty()) return false;
  const uint64_t size = options.max_file_size == 0 ? input.size : std::min(input.size, options.max_file_size);
  const uint64_t min_segment = std::max<uint64_t>(options.min_segment, 4 * margin);
  if (size < 2 * min_segment || options.input_format != nullptr) return false;
  FdSource file;
  if (!file.open(input.open_path)) return false;  // scanned whole, which reports the error
  std::string head(64U << 10, '\0');
  auto got = read_up_to(file, head.data(), head.size());
  if (!got) return false;  // scanned whole, which reports the error
  head.resize(got.value());
  if (options.decode && decode::looks_like_archive(head)) return false;
  if (options.detect_formats && source::detect_format(input.path, head) != nullptr) return false;
  // Four segments per thread keep the threads busy to the end.
  const uint64_t length = std::max<uint64_t>(min_segment, size / (4ULL * threads) + 1);
  const std::size_t first = segments.size();
  for (uint64_t begin = 0; begin < size; begin += length) {
    Segment seg;
    seg.input = index;
    seg.own_begin = begin;
    seg.own_end = std::min(size, begin + length);
    seg.last = seg.own_end == size;
    seg.read_begin = begin == 0 ? 0 : begin - margin;
    // The last reads on like a whole file would: to --max-file-size (which it then reports)
    // or, uncapped, to the end, even if the file grew since it was listed.
    seg.read_end = seg.last ? UINT64_MAX : seg.own_end + margin;
    seg.next_read_begin = seg.read_end;  // the last keeps this; the others get their successor's start below
    segments.push_back(seg);
  }
  for (std::size_t k = first; k + 1 < segments.size(); ++k) segments[k].next_read_begin = segments[k + 1].read_begin;
  return true;
}

// Turns each segment's findings into the file's: lines counted from the file's start,
// offsets from it, columns on a segment's first line from its line's real start; and a
// secret found in a decoded view of the bytes two segments share is one finding (as
// within one stream, a decoded route only adds a secret the raw bytes did not show).
void join_segments(const std::deque<Segment>& segments, std::vector<WorkerResult>& results) {
  std::vector<std::vector<char>> drop(results.size());
  for (std::size_t w = 0; w < results.size(); ++w) drop[w].assign(results[w].findings.size(), 0);
  for (std::size_t k = 0; k < segments.size();) {
    std::size_t end = k;
    while (end < segments.size() && segments[end].input == segments[k].input) ++end;
    uint64_t lines_before = 0;
    std::unordered_set<std::string> raw;
    for (std::size_t j = k; j < end; ++j) {
      const Segment& seg = segments[j];
      for (std::size_t i = seg.first_finding; i < seg.end_finding; ++i) {
        report::Finding& f = results[seg.worker].findings[i];
        if (f.line == 1) f.column += seg.line_shift;
        f.line += lines_before;
        if (f.decoders.empty()) {
          f.offset += seg.read_begin;  // a decoded finding's offset is in its decoded text
          raw.insert(f.fingerprint);
        }
      }
      lines_before += seg.newlines;
    }
    std::unordered_set<std::string> decoded;
    for (std::size_t j = k; j < end; ++j) {
      const Segment& seg = segments[j];
      for (std::size_t i = seg.first_finding; i < seg.end_finding; ++i) {
        const report::Finding& f = results[seg.worker].findings[i];
        if (f.decoders.empty()) continue;
        if (raw.count(f.fingerprint) != 0 || !decoded.insert(f.fingerprint).second) {
          drop[seg.worker][i] = 1;
          ++results[seg.worker].duplicates;
        }
      }
    }
    k = end;
  }
  for (std::size_t w = 0; w < results.size(); ++w) {
    auto& findings = results[w].findings;
    std::size_t out = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
      if (drop[w][i] == 0) {
        if (out != i) findings[out] = std::move(findings[i]);
        ++out;
      }
    }
    findings.resize(out);
  }
}

report::Report run_scan(std::shared_ptr<const engine::Engine> engine, const ScanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  report::Report report;
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  const std::size_t overlap = 2 * engine->max_window();
  const std::size_t block_size = std::max(options.block_size, 4 * overlap + 4096);

  // The work: each input, except that a big plain file is cut into segments that any
  // worker may take, so that two cores share one huge log as well as many small files.
  // With several threads the workers start on the first inputs while this thread walks
  // on (a tree of 100,000 files takes a good part of a second to list and stat). Deques:
  // what a worker holds a reference to stays put while the walk appends; indexing and
  // appending both take `mutex`.
  std::deque<source::Input> inputs;
  std::deque<Segment> segments;
  std::deque<std::pair<std::size_t, std::ptrdiff_t>> items;  // input, segment (-1: whole)
  std::size_t next = 0;                                       // the next item to hand out
  bool walked = false;
  std::mutex mutex;
  std::condition_variable more;
  const auto add = [&](source::Input input) {
    std::vector<Segment> planned;  // may open the file and read its head: outside the lock
    const bool split = plan_segments(input, 0, options, threads, engine->max_window(), planned);
    {
      const std::lock_guard lock(mutex);
      const std::size_t index = inputs.size();
      inputs.push_back(std::move(input));
      if (!split) items.emplace_back(index, -1);
      for (Segment& seg : planned) {
        seg.input = index;
        items.emplace_back(index, static_cast<std::ptrdiff_t>(segments.size()));
        segments.push_back(seg);
      }
    }
    more.notify_all();
  };

  std::vector<WorkerResult> results(threads);
  auto work = [&](unsigned w) {
    // Made on the first item: a thread that finds none (one small file, many cores) never
    // allocates a Hyperscan scratch.
    std::optional<Worker> worker;
    for (;;) {
      source::Input* input = nullptr;
      Segment* segment = nullptr;
      {
        std::unique_lock lock(mutex);
        more.wait(lock, [&] { return next < items.size() || walked; });
        if (next == items.size()) break;
        const auto [index, seg] = items[next++];
        input = &inputs[index];
        if (seg >= 0) segment = &segments[static_cast<std::size_t>(seg)];
      }
      if (!worker) {
        worker.emplace(Worker{engine::Scanner(engine), block_size, overlap, options.max_file_size, options.decode,
                              options.input_format, options.detect_formats, {}, {}, {}, {}, {}, options.progress});
        worker->keep_secrets = options.keep_secrets;
      }
      if (segment == nullptr) {
        scan_input(*input, *worker);
      } else {
        scan_segment(*input, *segment, *worker, w);
      }
    }
    if (worker) results[w] = std::move(worker->result);
  };
  const auto walk = [&] {
    source::WalkStats walk_stats;
    source::collect_inputs(options.paths, options.walk, add, report.diagnostics, &walk_stats);
    for (const auto& input : options.inputs) add(input);
    report.summary.paths_allowlisted = walk_stats.excluded;
  };
  const auto walk_done = [&] {
    {
      const std::lock_guard lock(mutex);
      walked = true;
    }
    more.notify_all();
  };
  if (threads == 1) {
    walk();
    walk_done();
    work(0);
  } else {
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < threads; ++w) pool.emplace_back(work, w);
    try {
      walk();
    } catch (...) {
      walk_done();  // the workers finish what was handed out and stop; the pool joins them
      throw;
    }
    walk_done();
  }
  join_segments(segments, results);

  // The biggest worker's findings become the report's as they are; the others are moved
  // in and freed at once, so that a stream with hundreds of thousands of findings is not
  // held twice.
  std::size_t total = 0, biggest = 0;
  for (std::size_t w = 0; w < results.size(); ++w) {
    total += results[w].findings.size();
    if (results[w].findings.size() > results[biggest].findings.size()) biggest = w;
  }
  if (!results.empty()) report.findings = std::move(results[biggest].findings);
  report.findings.reserve(total);
  for (std::size_t w = 0; w < results.size(); ++w) {
    if (w == biggest) continue;
    for (auto& f : results[w].findings) report.findings.push_back(std::move(f));
    results[w].findings = {};
  }
  for (auto& r : results) {
    for (auto& d : r.diagnostics) report.diagnostics.push_back(std::move(d));
    report.summary.files_scanned += r.files_scanned;
    report.summary.bytes_scanned += r.bytes_scanned;
    report.summary.duplicates_merged += r.duplicates;
    report.summary.suppressed_inline += r.suppressed_inline;
  }
  // Deterministic whatever the thread count: by path, line, column, offset (in its own
  // decoded text or record), rule id, and the secret's fingerprint.
  report::sort_findings(report.findings);
  std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(),
                   [](const auto& a, const auto& b) { return a.path < b.path; });
  // Inputs, not diagnostics: one input may have several (a read error after a cap).
  std::set<std::string_view> incomplete;
  for (const auto& d : report.diagnostics) {
    if (d.incomplete) incomplete.insert(d.path);
  }
  report.summary.files_skipped = incomplete.size();
  report.summary.findings = report.findings.size();
  report.summary.rules = engine->rules().size();
  report.summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

Result<std::vector<report::Finding>> scan_buffer(engine::Scanner& scanner, std::string_view data,
                                                 const std::string& path) {
  std::vector<engine::Match> matches;
  if (auto st = scanner.scan(data, matches); !st) return st.error();
  report::FindingCollector collector(scanner.engine().rules(), path);
  collector.add_block(data, 0, 0, matches);  // one block: nothing follows
  return collector.take();
}

}  // namespace tokensweep::pipeline
