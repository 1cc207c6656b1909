// The in-process phases of `tokensweep scan FILE` with a warm database cache, each timed
// on its own: what bench/startup.sh's whole-process figure is made of, minus exec and
// dynamic linking. Usage: startup_phases FILE [RUNS=20]; prints each phase's time in the
// first round (what a process pays: first-touch page faults, library initialisation) and
// its median over all rounds (the work itself).
// Uses the default database cache location (or $TOKENSWEEP_CACHE_DIR), like the scanner.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/database_cache.h"
#include "engine/engine.h"
#include "pipeline/scan.h"
#include "report/sink.h"
#include "rules/loader.h"

namespace ts = tokensweep;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: startup_phases FILE [RUNS=20]\n");
    return 2;
  }
  const std::string file = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  const char* names[] = {"load built-in rules", "cache key (sha256)", "engine from cache",
                         "scan (scratch, read, scan)", "report (text)"};
  constexpr int kPhases = 5;
  std::vector<double> times[kPhases];
  for (int r = 0; r < runs; ++r) {
    auto t = std::chrono::steady_clock::now();
    auto rules = ts::rules::load_rule_set(true, {});
    if (!rules) return std::fprintf(stderr, "%s\n", rules.error().to_string().c_str()), 2;
    times[0].push_back(ms_since(t));

    const ts::engine::CompileOptions options = ts::pipeline::scan_compile_options();
    t = std::chrono::steady_clock::now();
    std::vector<std::string> patterns;
    for (const auto& rule : rules.value().rules()) patterns.push_back(rule.pattern);
    for (const auto& trigger : options.triggers) patterns.push_back(trigger.pattern);
    (void)ts::engine::DatabaseCache::key(patterns, 0);  // what compile() computes first
    times[1].push_back(ms_since(t));

    t = std::chrono::steady_clock::now();
    auto engine = ts::engine::Engine::compile(std::move(rules).value(), nullptr, options);
    if (!engine) return std::fprintf(stderr, "%s\n", engine.error().to_string().c_str()), 2;
    times[2].push_back(ms_since(t));
    if (!engine.value()->from_cache()) {
      std::fprintf(stderr, "startup_phases: the database was compiled, not loaded: run again\n");
      continue;
    }

    t = std::chrono::steady_clock::now();
    ts::pipeline::ScanOptions scan;
    scan.paths = {file};
    scan.threads = 1;
    const ts::report::Report report = ts::pipeline::run_scan(engine.value(), scan);
    times[3].push_back(ms_since(t));

    t = std::chrono::steady_clock::now();
    std::ostringstream out;
    ts::report::write_report(ts::report::Format::kText, report, engine.value()->rules(), {}, out);
    times[4].push_back(ms_since(t));
  }
  std::printf("%-28s %10s %10s\n", "phase", "first", "median");
  for (int p = 0; p < kPhases; ++p) {
    auto& v = times[p];
    if (v.empty()) continue;
    const double first = v.front();
    std::sort(v.begin(), v.end());
    std::printf("%-28s %7.3f ms %7.3f ms\n", names[p], first, v[v.size() / 2]);
  }
  return 0;
}
