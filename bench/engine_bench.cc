// Engine throughput on generated corpora, against Hyperscan's bare scan of the same
// patterns (the ceiling: a callback that does nothing). Run: build/bench/engine_bench
#include <benchmark/benchmark.h>
#include <hs/hs.h>

#include <map>
#include <memory>

#include "corpus.h"
#include "engine/engine.h"
#include "pipeline/scan.h"
#include "rules/loader.h"

namespace tokensweep::bench {
namespace {

constexpr std::size_t kCorpusBytes = 64U << 20;

const std::shared_ptr<const engine::Engine>& builtin_engine() {
  static const auto engine = [] {
    auto rules = rules::load_rule_set(true, {});
    return engine::Engine::compile(std::move(rules).value()).value();
  }();
  return engine;
}

// The same rules with the decoders' triggers, as `tokensweep scan` compiles them.
const std::shared_ptr<const engine::Engine>& scan_engine() {
  static const auto engine = [] {
    auto rules = rules::load_rule_set(true, {});
    return engine::Engine::compile(std::move(rules).value(), nullptr, pipeline::scan_compile_options()).value();
  }();
  return engine;
}

const std::string& corpus(Shape shape, std::size_t token_every) {
  static std::map<std::pair<int, std::size_t>, std::string> cache;
  auto& c = cache[{static_cast<int>(shape), token_every}];
  if (c.empty()) c = make_corpus(shape, kCorpusBytes, token_every);
  return c;
}

void BM_Engine(benchmark::State& state, Shape shape, std::size_t token_every, bool triggers = false) {
  const std::string& data = corpus(shape, token_every);
  engine::Scanner scanner(triggers ? scan_engine() : builtin_engine());
  std::vector<engine::Match> matches;
  const std::size_t block = 8U << 20;
  for (auto _ : state) {
    std::size_t found = 0;
    for (std::size_t off = 0; off < data.size(); off += block) {
      matches.clear();
      if (!scanner.scan(std::string_view(data).substr(off, block), matches)) state.SkipWithError("scan failed");
      found += matches.size();
    }
    benchmark::DoNotOptimize(found);
    state.counters["matches"] = static_cast<double>(found);
  }
  state.counters["hits"] = static_cast<double>(scanner.stats().hits) / static_cast<double>(state.iterations());
  state.counters["re2"] = static_cast<double>(scanner.stats().confirmations) / static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

struct HsDatabase {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
};

const HsDatabase& bare_database() {
  static const HsDatabase h = [] {
    auto rules = rules::load_rule_set(true, {});
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    const auto& set = rules.value();
    for (std::size_t i = 0; i < set.size(); ++i) {
      exprs.push_back(set[i].pattern.c_str());
      flags.push_back(HS_FLAG_MULTILINE | (builtin_engine()->is_prefiltered(i) ? HS_FLAG_PREFILTER : 0));
      ids.push_back(static_cast<unsigned>(i));
    }
    HsDatabase out;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                         nullptr, &out.db, &err) != HS_SUCCESS) {
      hs_free_compile_error(err);
      std::abort();
    }
    hs_alloc_scratch(out.db, &out.scratch);
    return out;
  }();
  return h;
}


void BM_HyperscanBare(benchmark::State& state, Shape shape, std::size_t token_every) {
  const std::string& data = corpus(shape, token_every);
  const HsDatabase& h = bare_database();
  const std::size_t block = 8U << 20;
  for (auto _ : state) {
    unsigned long long hits = 0;
    for (std::size_t off = 0; off < data.size(); off += block) {
      const std::size_t n = std::min(block, data.size() - off);
      hs_scan(h.db, data.data() + off, static_cast<unsigned>(n), 0, h.scratch, bench::count_hit, &hits);
    }
    benchmark::DoNotOptimize(hits);
    state.counters["hits"] = static_cast<double>(hits);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}

// Sparse: a token every ~64 KiB. Dense: every ~100 bytes (the confirmation-cost case).
BENCHMARK_CAPTURE(BM_HyperscanBare, log_sparse, Shape::kLog, 64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, log_sparse, Shape::kLog, 64 << 10)->Unit(benchmark::kMillisecond);
// With the decoders' triggers compiled in: what plain text pays for decoding support.
BENCHMARK_CAPTURE(BM_Engine, log_sparse_with_triggers, Shape::kLog, 64 << 10, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HyperscanBare, source_sparse, Shape::kSource, 64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, source_sparse, Shape::kSource, 64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HyperscanBare, jsonl_sparse, Shape::kJsonl, 64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, jsonl_sparse, Shape::kJsonl, 64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HyperscanBare, log_dense, Shape::kLog, 100)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, log_dense, Shape::kLog, 100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tokensweep::bench

BENCHMARK_MAIN();
