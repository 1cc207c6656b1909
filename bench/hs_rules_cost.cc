// What rules cost Hyperscan: compiles subsets of the rules' patterns as the engine gives
// them to Hyperscan (Engine::hyperscan_expression, the engine's flags) and times a bare
// scan of one generated corpus.
//
//   hs_rules_cost [--rules PATH]... [--no-builtin] [--shape source|log|jsonl] [--mib N] [--reps N] MODE
//     total              the whole set
//     alone              each rule on its own, slowest first (Hyperscan may pick a DFA for a
//                        lone pattern that it would not use in the whole set: a hint only)
//     without-file       the whole set against the whole set minus each rule file
//     without-each ID... the whole set against the whole set minus each of these rules
//                        ("generic." = every id starting so, one at a time)
//     without ID...      the whole set against the whole set minus all of these at once
//     only ID...         the whole set against just these rules
//   --pad N outside probe adds the padding to every database (to test the literal count).
//     probe [ID...]      each rule (or each listed one) added alone to --pad N (400) made-up
//                        10-byte literals, against the padding alone. Hyperscan's literal
//                        matcher (FDR) steps 1, 2 or 4 bytes at a time, chosen from the
//                        shortest literal it is given and how many there are (>= 250: a
//                        2-byte literal means 1 byte per step); the padding puts every probe
//                        past that count, so a rule whose best literal is short shows up as
//                        x0.5 or worse, whatever else is in the set
//
// The machine is shared, so a comparison scans the two databases in turn (A, B, A, B, ...)
// and reports the median of the per-pair ratios, timed in thread CPU time. Each line:
// speed-up of the variant, the two median seconds, GB/s of the variant, Hyperscan hits.
// Used to find the rules that make source-like text slow (issue #7); not part of the tests.
#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corpus.h"
#include "engine/engine.h"
#include "rules/loader.h"

namespace {

using tokensweep::rules::Rule;
using tokensweep::bench::median;

class Db {
 public:
  Db(const std::vector<const Rule*>& rules, const std::vector<bool>& prefilter) {
    if (rules.empty()) return;
    std::vector<std::string> patterns;  // what the engine gives Hyperscan for each rule
    for (const Rule* rule : rules) patterns.push_back(tokensweep::engine::Engine::hyperscan_expression(*rule));
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      exprs.push_back(patterns[i].c_str());
      flags.push_back(HS_FLAG_MULTILINE | (prefilter[i] ? HS_FLAG_PREFILTER : 0));
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    const double c0 = tokensweep::bench::thread_cpu_seconds();
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                         nullptr, &db_, &err) != HS_SUCCESS) {
      std::fprintf(stderr, "compile failed: %s\n", err->message);
      hs_free_compile_error(err);
      db_ = nullptr;
      return;
    }
    compile_seconds_ = tokensweep::bench::thread_cpu_seconds() - c0;
    hs_alloc_scratch(db_, &scratch_);
  }
  ~Db() {
    if (scratch_ != nullptr) hs_free_scratch(scratch_);
    if (db_ != nullptr) hs_free_database(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  bool ok() const { return db_ != nullptr; }
  double compile_seconds() const { return compile_seconds_; }
  unsigned long long hits() const { return hits_; }

  // CPU seconds for one scan of `data` in 8 MiB blocks, as engine_bench and hs_bare read.
  double scan(const std::string& data) {
    constexpr std::size_t kBlock = 8U << 20;
    unsigned long long hits = 0;
    const double s0 = tokensweep::bench::thread_cpu_seconds();
    for (std::size_t off = 0; off < data.size(); off += kBlock) {
      const std::size_t n = std::min(kBlock, data.size() - off);
      hs_scan(db_, data.data() + off, static_cast<unsigned>(n), 0, scratch_, tokensweep::bench::count_hit, &hits);
    }
    hits_ = hits;
    return tokensweep::bench::thread_cpu_seconds() - s0;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
  double compile_seconds_ = 0;
  unsigned long long hits_ = 0;
};

std::string file_of(const Rule& r) {
  std::string o = r.origin;
  if (o.rfind("builtin:", 0) == 0) o = o.substr(8);
  const auto colon = o.rfind(':');
  if (colon != std::string::npos) o = o.substr(0, colon);
  const auto slash = o.rfind('/');
  return slash == std::string::npos ? o : o.substr(slash + 1);
}

bool selected(const Rule& r, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (r.id == id) return true;
    if (!id.empty() && id.back() == '.' && r.id.rfind(id, 0) == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  bool builtin = true;
  std::vector<std::string> paths, args;
  std::string shape = "source", mode;
  std::size_t mib = 16;
  int reps = 9;
  int pad = 400;
  bool pad_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) paths.push_back(argv[++i]);
    else if (a == "--no-builtin") builtin = false;
    else if (a == "--shape" && i + 1 < argc) shape = argv[++i];
    else if (a == "--mib" && i + 1 < argc) mib = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--pad" && i + 1 < argc) {
      pad = std::max(0, std::atoi(argv[++i]));
      pad_given = true;
    }
    else if (mode.empty()) mode = a;
    else args.push_back(a);
  }
  if (mode.empty()) {
    std::fprintf(stderr, "usage: hs_rules_cost [--rules PATH]... [--no-builtin] [--shape source|log|jsonl] [--mib N] "
                         "[--reps N] total|alone|without-file|without-each ID...|without ID...|only ID...\n");
    return 2;
  }
  auto set = tokensweep::rules::load_rule_set(builtin, paths);
  if (!set.has_value()) {
    std::fprintf(stderr, "%s\n", set.error().message.c_str());
    return 2;
  }
  const std::vector<Rule> all = set.value().rules();
  // The engine decides which rules Hyperscan only prefilters; keep its verdict.
  auto engine = tokensweep::engine::Engine::compile(set.value());
  if (!engine.has_value()) {
    std::fprintf(stderr, "%s\n", engine.error().message.c_str());
    return 2;
  }
  std::vector<bool> prefiltered;
  for (std::size_t i = 0; i < all.size(); ++i) prefiltered.push_back(engine.value()->is_prefiltered(i));

  tokensweep::bench::Shape corpus_shape{};
  if (!tokensweep::bench::parse_shape(shape, corpus_shape)) {
    std::fprintf(stderr, "hs_rules_cost: unknown --shape '%s' (source, log or jsonl)\n", shape.c_str());
    return 2;
  }
  const std::string data = tokensweep::bench::make_corpus(corpus_shape, mib << 20, 64 << 10);
  const double gb = static_cast<double>(data.size()) / 1e9;
  std::vector<Rule> padding;
  if (mode == "probe" || pad_given) {
    for (int i = 0; i < pad; ++i) {
      Rule r;
      char lit[32];
      std::snprintf(lit, sizeof lit, "Qz%04dXjKw", i);  // 10 bytes, absent from the corpora
      r.id = "pad." + std::to_string(i);
      r.pattern = lit;
      padding.push_back(r);
    }
  }
  auto build = [&](auto keep) {
    std::vector<const Rule*> rules;
    std::vector<bool> pf;
    if (mode != "probe") {
      for (const auto& r : padding) {
        rules.push_back(&r);
        pf.push_back(false);
      }
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (keep(all[i])) {
        rules.push_back(&all[i]);
        pf.push_back(prefiltered[i]);
      }
    }
    return std::make_unique<Db>(rules, pf);
  };

  if (mode == "total" || mode == "alone") {
    auto run = [&](Db& db, const std::string& what) {
      if (!db.ok()) return;
      std::vector<double> t;
      for (int r = 0; r < reps; ++r) t.push_back(db.scan(data));
      const double m = median(t);
      std::printf("%9.4f s %7.2f GB/s %10llu hits  compile %5.2f s  %s\n", m, gb / m, db.hits(), db.compile_seconds(),
                  what.c_str());
      std::fflush(stdout);
    };
    if (mode == "total") {
      run(*build([](const Rule&) { return true; }), "all " + std::to_string(all.size()) + " rules");
    } else {
      for (const auto& rule : all) run(*build([&](const Rule& r) { return &r == &rule; }), rule.id);
    }
    return 0;
  }

  // Comparisons against a base database, interleaved: the whole set, or the padding.
  auto with_padding = [&](const Rule* extra) {
    std::vector<const Rule*> rules;
    std::vector<bool> pf;
    for (const auto& r : padding) {
      rules.push_back(&r);
      pf.push_back(false);
    }
    if (extra != nullptr) {
      rules.push_back(extra);
      pf.push_back(prefiltered[static_cast<std::size_t>(extra - all.data())]);
    }
    return std::make_unique<Db>(rules, pf);
  };
  auto whole = mode == "probe" ? with_padding(nullptr) : build([](const Rule&) { return true; });
  if (!whole->ok()) return 1;
  auto compare = [&](Db& variant, const std::string& what) {
    if (!variant.ok()) {
      std::printf("(did not compile)  %s\n", what.c_str());
      return;
    }
    std::vector<double> ta, tb, ratio;
    for (int r = 0; r < reps; ++r) {
      ta.push_back(whole->scan(data));
      tb.push_back(variant.scan(data));
      ratio.push_back(ta.back() / tb.back());
    }
    std::printf("x%5.2f  all %7.4f s  variant %7.4f s %6.2f GB/s %9llu hits  %s\n", median(ratio), median(ta),
                median(tb), gb / median(tb), variant.hits(), what.c_str());
    std::fflush(stdout);
  };
  if (mode == "without-file") {
    std::map<std::string, int> files;
    for (const auto& r : all) ++files[file_of(r)];
    for (const auto& [file, n] : files) {
      compare(*build([&](const Rule& r) { return file_of(r) != file; }),
              "without " + file + " (" + std::to_string(n) + ")");
    }
  } else if (mode == "without-each") {
    for (const auto& rule : all) {
      if (!selected(rule, args)) continue;
      compare(*build([&](const Rule& r) { return &r != &rule; }), "without " + rule.id);
    }
  } else if (mode == "probe") {
    for (const auto& rule : all) {
      if (!args.empty() && !selected(rule, args)) continue;
      compare(*with_padding(&rule), "padding + " + rule.id);
    }
  } else if (mode == "without") {
    compare(*build([&](const Rule& r) { return !selected(r, args); }), "without the listed rules");
  } else if (mode == "only") {
    compare(*build([&](const Rule& r) { return selected(r, args); }), "only the listed rules");
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  return 0;
}
