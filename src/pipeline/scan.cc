#include "pipeline/scan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <unordered_set>

#include "decode/text_decoders.h"
#include "report/collector.h"
#include "source/block_reader.h"

namespace tokensweep::pipeline {
namespace {

// Decodings of decodings: base64 inside JSON inside base64 (a Kubernetes
// .dockerconfigjson) is three levels.
constexpr std::size_t kMaxTextDecodeDepth = 3;
// All decoded views of one block together may hold at most this many times its bytes.
constexpr uint64_t kDecodeBudgetFactor = 16;

struct WorkerResult {
  std::vector<report::Finding> findings;
  std::vector<Diagnostic> diagnostics;
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t duplicates = 0;
};

// Per worker: the engine's scanner and the buffers reused for every input.
struct Worker {
  engine::Scanner scanner;
  source::BlockReader reader;
  std::vector<engine::Match> matches;
  std::vector<std::string> decoded;  // one buffer per decoding depth
  WorkerResult result;
};

// The decoded views of one block of one input, and the bytes they may cost.
struct DecodeState {
  const source::Input& input;
  std::vector<report::Finding> findings;
  uint64_t budget = 0;
  bool budget_hit = false;
};

// Scans every text decoding of `text` that changes it, and their decodings in turn, up
// to kMaxTextDecodeDepth, through the same engine. `chain` names the decoders so far.
// The decoders worth trying on what `scanner` just scanned: those whose trigger it saw,
// or all of them with an engine compiled without triggers.
uint32_t gate(const engine::Scanner& scanner) {
  return scanner.engine().has_triggers() ? scanner.triggers() : ~0U;
}

// `triggers`: what the scan of `text` saw (engine::Scanner::triggers()); a decoder whose
// trigger is absent is not tried.
void scan_decodings(Worker& w, DecodeState& st, std::string_view text, uint32_t triggers, uint64_t first_line,
                    std::vector<std::string>& chain) {
  const std::size_t depth = chain.size();
  if (depth >= kMaxTextDecodeDepth) return;
  if (w.decoded.size() <= depth) w.decoded.resize(depth + 1);
  for (const decode::TextDecoder d : decode::kTextDecoders) {
    if ((triggers & decode::trigger_bit(d)) == 0) continue;
    std::string& buf = w.decoded[depth];
    if (!decode::decode_text(d, text, buf)) continue;
    if (buf.size() > st.budget) {
      st.budget_hit = true;
      return;
    }
    st.budget -= buf.size();
    chain.emplace_back(decode::decoder_name(d));
    w.matches.clear();
    if (!w.scanner.scan(buf, w.matches)) {
      chain.pop_back();
      continue;
    }
    report::FindingCollector collector(w.scanner.engine().rules(), st.input.path, chain, first_line);
    collector.add_block(buf, 0, buf.size(), w.matches);
    for (auto& f : collector.take()) st.findings.push_back(std::move(f));
    scan_decodings(w, st, buf, gate(w.scanner), first_line, chain);
    chain.pop_back();
  }
}

// Scans one input in blocks; a block after the first owns matches ending at or past
// half its overlap, so a match is reported by exactly one block (engine.h). Each block's
// decoded views are scanned too; a secret found through several routes is one finding,
// from the most direct route.
void scan_input(const source::Input& input, Worker& w, uint64_t max_file_size, bool decode) {
  engine::Scanner& scanner = w.scanner;
  source::BlockReader& reader = w.reader;
  std::vector<engine::Match>& matches = w.matches;
  WorkerResult& out = w.result;
  DecodeState decoding{input, {}, 0, false};
  const uint64_t limit = input.type == source::InputType::kFile ? max_file_size : 0;
  if (auto st = reader.open(input.open_path, limit); !st) {
    out.diagnostics.push_back(Diagnostic::from(st.error(), input.path));
    return;
  }
  const uint64_t margin = scanner.engine().max_window();
  report::FindingCollector collector(scanner.engine().rules(), input.path);
  uint64_t scanned = 0;
  bool first = true;
  while (true) {
    auto block = reader.next();
    if (!block) {
      out.diagnostics.push_back(Diagnostic::from(block.error(), input.path));
      break;
    }
    const source::Block& b = block.value();
    if (b.data.empty() && !first) break;
    matches.clear();
    const uint64_t own_begin = first ? 0 : margin;
    const uint64_t own_end = b.last ? UINT64_MAX : b.data.size() - margin;
    if (auto st = scanner.scan(b.data, matches, own_begin, own_end); !st) {
      out.diagnostics.push_back(Diagnostic::from(st.error(), input.path));
      break;
    }
    const uint64_t next_base = b.last ? b.base + b.data.size() : b.base + b.data.size() - 2 * margin;
    const uint64_t block_line = collector.next_block_line();
    collector.add_block(b.data, b.base, next_base, matches);
    if (decode) {
      decoding.budget = kDecodeBudgetFactor * b.data.size();
      std::vector<std::string> chain;
      scan_decodings(w, decoding, b.data, gate(scanner), block_line, chain);
    }
    scanned = b.base + b.data.size();
    first = false;
    if (b.last) break;
  }
  reader.close();
  if (reader.truncated()) {
    out.diagnostics.push_back({input.path, "limit",
                               "larger than --max-file-size; only the first " + std::to_string(scanned) +
                                   " bytes were scanned",
                               true});
  }
  if (decoding.budget_hit) {
    out.diagnostics.push_back({input.path, "limit",
                               "decoded content exceeded " + std::to_string(kDecodeBudgetFactor) +
                                   "x the input; some nested encodings were not decoded",
                               true});
  }
  ++out.files_scanned;
  out.bytes_scanned += scanned;
  out.duplicates += collector.duplicates_merged();
  std::unordered_set<std::string> seen;
  for (auto& f : collector.take()) {
    seen.insert(f.fingerprint);
    out.findings.push_back(std::move(f));
  }
  // Decoded routes add only secrets the plain bytes did not show (shallowest route first).
  std::stable_sort(decoding.findings.begin(), decoding.findings.end(),
                   [](const auto& a, const auto& b) { return a.decoders.size() < b.decoders.size(); });
  for (auto& f : decoding.findings) {
    if (!seen.insert(f.fingerprint).second) {
      ++out.duplicates;
      continue;
    }
    out.findings.push_back(std::move(f));
  }
}

}  // namespace

engine::CompileOptions scan_compile_options() {
  engine::CompileOptions options;
  for (const auto& t : decode::decoder_triggers()) options.triggers.push_back({t.pattern, decode::trigger_bit(t.decoder)});
  return options;
}

report::Report run_scan(std::shared_ptr<const engine::Engine> engine, const ScanOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  report::Report report;
  std::vector<source::Input> inputs;
  source::collect_inputs(options.paths, options.walk, inputs, report.diagnostics);

  unsigned threads = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, inputs.size())));
  const std::size_t overlap = 2 * engine->max_window();
  const std::size_t block_size = std::max(options.block_size, 4 * overlap + 4096);

  std::atomic<std::size_t> next{0};
  std::vector<WorkerResult> results(threads);
  auto work = [&](unsigned w) {
    Worker worker{engine::Scanner(engine), source::BlockReader(block_size, overlap), {}, {}, {}};
    for (std::size_t i = next.fetch_add(1); i < inputs.size(); i = next.fetch_add(1)) {
      scan_input(inputs[i], worker, options.max_file_size, options.decode);
    }
    results[w] = std::move(worker.result);
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < threads; ++w) pool.emplace_back(work, w);
  }

  for (auto& r : results) {
    for (auto& f : r.findings) report.findings.push_back(std::move(f));
    for (auto& d : r.diagnostics) report.diagnostics.push_back(std::move(d));
    report.summary.files_scanned += r.files_scanned;
    report.summary.bytes_scanned += r.bytes_scanned;
    report.summary.duplicates_merged += r.duplicates;
  }
  // Deterministic whatever the thread count: by path, then offset, then rule id.
  std::sort(report.findings.begin(), report.findings.end(), [](const auto& a, const auto& b) {
    if (a.path != b.path) return a.path < b.path;
    if (a.offset != b.offset) return a.offset < b.offset;
    return a.rule_id < b.rule_id;
  });
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
  collector.add_block(data, 0, data.size(), matches);
  return collector.take();
}

}  // namespace tokensweep::pipeline
