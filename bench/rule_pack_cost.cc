// Issue #7: what the rules added since the first pack cost the engine. Compiles the
// engine (Hyperscan + RE2 confirmation, as `tokensweep scan` uses it) for several rule
// sets, scans one generated corpus with each in turn (A, B, C, C, B, A, ...: the machine
// is shared, so slow spells hit every set alike), timed in thread CPU time, and prints
// each set's median MB/s, its ratio to the first set's, and the median of the per-round
// ratios to the first set ("paired", the steadier figure). bench/rule_pack_cost.sh runs it.
//
//   rule_pack_cost [--shape log|source|jsonl] [--mib N] [--rounds N] [--every BYTES] NAME=DIR|NAME=builtin ...

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "corpus.h"
#include "engine/engine.h"
#include "rules/loader.h"

namespace {

using namespace tokensweep;

struct Set {
  std::string name;
  std::shared_ptr<const engine::Engine> engine;
  std::vector<double> seconds;
  std::size_t matches = 0;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "rule_pack_cost: %s\nusage: rule_pack_cost [--shape log|source|jsonl] [--mib N] [--rounds N] [--every BYTES] "
               "NAME=DIR|NAME=builtin ...\n",
               why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Shape shape = bench::Shape::kSource;
  std::size_t mib = 64;
  int rounds = 9;
  std::size_t every = 64 << 10;
  std::vector<Set> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
      return argv[++i];
    };
    const auto number = [&]() -> std::size_t {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || v[0] < '0' || v[0] > '9' || *end != '\0') usage((arg + " '" + v + "' is not a number").c_str());
      return static_cast<std::size_t>(n);
    };
    if (arg == "--shape") {
      const std::string v = value();
      if (!bench::parse_shape(v, shape)) usage(("unknown --shape '" + v + "' (log, source or jsonl)").c_str());
    } else if (arg == "--mib") {
      mib = number();
    } else if (arg == "--rounds") {
      rounds = static_cast<int>(std::min<std::size_t>(number(), 1000));
    } else if (arg == "--every") {
      every = number();
    } else if (const auto eq = arg.find('='); eq != std::string::npos && eq > 0) {
      const std::string where = arg.substr(eq + 1);
      auto rules = where == "builtin" ? rules::load_rule_set(true, {}) : rules::load_rule_set(false, {where});
      if (!rules) usage((where + ": " + rules.error().to_string()).c_str());
      const std::size_t count = rules.value().size();
      auto engine = engine::Engine::compile(std::move(rules).value());
      if (!engine) usage((where + ": " + engine.error().to_string()).c_str());
      sets.push_back({arg.substr(0, eq) + " (" + std::to_string(count) + " rules)", engine.value(), {}, 0});
    } else {
      usage(("unknown argument " + arg).c_str());
    }
  }
  if (sets.empty() || mib == 0 || rounds < 1) usage("give at least one NAME=DIR, a size and a round count");

  const std::string data = bench::make_corpus(shape, mib << 20, every);
  constexpr std::size_t kBlock = 8U << 20;  // as the pipeline reads
  std::vector<engine::Scanner> scanners;
  for (const Set& s : sets) scanners.emplace_back(s.engine);
  std::vector<engine::Match> matches;
  for (int round = 0; round <= rounds; ++round) {  // round 0 warms up (RE2 programs, caches)
    for (std::size_t i = 0; i < sets.size(); ++i) {
      // Every other round in reverse, so that no set always runs right after another.
      const std::size_t k = round % 2 == 0 ? i : sets.size() - 1 - i;
      std::size_t found = 0;
      const double start = bench::thread_cpu_seconds();
      for (std::size_t off = 0; off < data.size(); off += kBlock) {
        matches.clear();
        if (!scanners[k].scan(std::string_view(data).substr(off, kBlock), matches)) usage("scan failed");
        found += matches.size();
      }
      const double took = bench::thread_cpu_seconds() - start;
      if (round > 0) sets[k].seconds.push_back(took);
      sets[k].matches = found;
    }
  }
  std::printf("%s corpus, %zu MiB, a token every ~%zu bytes; median of %d rounds, thread CPU time\n",
              shape == bench::Shape::kLog ? "log" : shape == bench::Shape::kSource ? "source" : "jsonl", mib, every, rounds);
  // The machine's speed drifts from minute to minute; the ratio of one round's two times,
  // taken a moment apart, drifts far less than the ratio of two medians.
  const double first_mbps = static_cast<double>(data.size()) / bench::median(sets[0].seconds) / 1e6;
  for (const Set& s : sets) {
    const double mbps = static_cast<double>(data.size()) / bench::median(s.seconds) / 1e6;
    std::vector<double> ratios;
    for (std::size_t r = 0; r < s.seconds.size(); ++r) ratios.push_back(sets[0].seconds[r] / s.seconds[r]);
    std::printf("%-34s %8.1f MB/s  x%.2f  paired x%.2f  (%zu matches)\n", s.name.c_str(), mbps, mbps / first_mbps,
                bench::median(ratios), s.matches);
  }
  return 0;
}
