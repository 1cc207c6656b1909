// What making the decoded views costs, per byte of input, before any of it is scanned: the
// ANSI view of a CI log's coloured lines, the JSON-unescaped, percent- and entity-decoded
// views of the lines that hold an escape, base64 runs, and the line count every block pays.
// 64 MiB generated corpora taken in the pipeline's 8 MiB blocks, single-threaded.
// Run: build/bench/decode_bench
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

#include "common/newlines.h"
#include "corpus.h"
#include "decode/text_decoders.h"
#include "pipeline/scan.h"

namespace tokensweep::bench {
namespace {

constexpr std::size_t kCorpusBytes = 64U << 20;

const std::string& corpus(Shape shape) {
  static std::map<Shape, std::string> cache;
  std::string& c = cache[shape];
  if (c.empty()) c = make_corpus(shape, kCorpusBytes, 64 << 10);
  return c;
}

// Runs `view` over each block of the corpus: it returns the bytes of the view it made.
template <class View>
void run_blocks(benchmark::State& state, Shape shape, View view) {
  const std::string& data = corpus(shape);
  std::string out;
  for (auto _ : state) {
    std::size_t made = 0;
    for (std::size_t off = 0; off < data.size(); off += pipeline::kDefaultBlockSize) {
      made += view(std::string_view(data).substr(off, pipeline::kDefaultBlockSize), out);
    }
    benchmark::DoNotOptimize(made);
    state.counters["view_share"] = static_cast<double>(made) / static_cast<double>(data.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

void BM_AnsiLines(benchmark::State& state, Shape shape) {
  std::vector<uint64_t> lines;
  run_blocks(state, shape, [&](std::string_view block, std::string& out) {
    return decode::decode_ansi_lines(block, out, lines).size();
  });
}

void BM_ChangedLines(benchmark::State& state, Shape shape, decode::TextDecoder decoder) {
  run_blocks(state, shape, [&](std::string_view block, std::string& out) {
    return decode::decode_changed_lines(decoder, block, out) ? out.size() : 0;
  });
}

void BM_Base64Runs(benchmark::State& state, Shape shape) {
  run_blocks(state, shape, [&](std::string_view block, std::string& out) {
    return decode::decode_text(decode::TextDecoder::kBase64, block, out) ? out.size() : 0;
  });
}

void BM_CountNewlines(benchmark::State& state, Shape shape) {
  run_blocks(state, shape, [&](std::string_view block, std::string&) {
    benchmark::DoNotOptimize(count_newlines(block.data(), block.size()));
    return std::size_t{0};
  });
}

BENCHMARK_CAPTURE(BM_AnsiLines, log, Shape::kLog)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ChangedLines, jsonl_json_unescape, Shape::kJsonl, decode::TextDecoder::kJsonUnescape)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ChangedLines, log_percent, Shape::kLog, decode::TextDecoder::kPercent)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ChangedLines, source_html_entities, Shape::kSource, decode::TextDecoder::kHtmlEntities)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Base64Runs, source, Shape::kSource)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_CountNewlines, log, Shape::kLog)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tokensweep::bench

BENCHMARK_MAIN();
