#include "pipeline/scan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "report/collector.h"
#include "source/block_reader.h"

namespace tokensweep::pipeline {
namespace {

struct WorkerResult {
  std::vector<report::Finding> findings;
  std::vector<Diagnostic> diagnostics;
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t duplicates = 0;
};

// Scans one input in blocks; a block after the first owns matches ending at or past
// half its overlap, so a match is reported by exactly one block (engine.h).
void scan_input(const source::Input& input, engine::Scanner& scanner, source::BlockReader& reader,
                uint64_t max_file_size, std::vector<engine::Match>& matches, WorkerResult& out) {
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
    collector.add_block(b.data, b.base, next_base, matches);
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
  ++out.files_scanned;
  out.bytes_scanned += scanned;
  out.duplicates += collector.duplicates_merged();
  for (auto& f : collector.take()) out.findings.push_back(std::move(f));
}

}  // namespace

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
    engine::Scanner scanner(engine);
    source::BlockReader reader(block_size, overlap);
    std::vector<engine::Match> matches;
    for (std::size_t i = next.fetch_add(1); i < inputs.size(); i = next.fetch_add(1)) {
      scan_input(inputs[i], scanner, reader, options.max_file_size, matches, results[w]);
    }
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
