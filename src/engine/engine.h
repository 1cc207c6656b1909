// The engine: every rule in one Hyperscan database, each hit confirmed by RE2 on a
// bounded window around it, which also yields the capture (the secret).
//
// Engine is immutable after compile() and shared by all threads. Scanner holds the
// per-thread state (Hyperscan scratch, reusable buffers) and is not thread-safe: make one
// per thread. Scanning costs one Hyperscan pass over the bytes plus, per hit, one RE2
// search over at most 2 * max_width(rule) bytes — for a wide rule, RE2 first runs the
// pattern backwards from the hit to find where the match starts and searches from there,
// so a hit costs about its match's length; hits inside an already confirmed match of
// the same rule cost a comparison. Nothing is allocated per match once the output vector
// has grown to its working size.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/validators.h"
#include "rules/rule_set.h"

struct hs_database;
struct hs_scratch;
namespace re2 { class RE2; }

namespace tokensweep::engine {

// Matches longer than this are not supported; the window RE2 searches is bounded by it.
inline constexpr std::size_t kMaxMatchWidth = 8192;

struct Match {
  uint32_t rule = 0;         // index into Engine::rules()
  uint64_t match_end = 0;    // end of the whole pattern match (block ownership)
  uint64_t start = 0;        // the capture: [start, end) in the scanned bytes
  uint64_t end = 0;
  Validation validation;
};

// An auxiliary pattern compiled into the same database as the rules. Its hits produce no
// match; they set `bit` in Scanner::triggers(), so a caller learns from the one Hyperscan
// pass what else a buffer contains (the decoders use it to run only where they apply).
struct Trigger {
  std::string pattern;
  uint32_t bit = 0;
};

struct CompileOptions {
  bool use_cache = true;   // the on-disk database cache (engine/database_cache.h)
  std::string cache_dir;   // empty: the default location
  std::vector<Trigger> triggers;
};

struct RuleProblem {
  std::size_t rule;
  std::string message;  // "rules/x.yaml:3 x.y: pattern has 2 captures, expected exactly 1"
};

class Engine {
 public:
  // Compiles every rule. Fails when any rule cannot be used, naming each one; nothing is
  // returned half-built. Rules Hyperscan cannot compile exactly are compiled with
  // HS_FLAG_PREFILTER and rely on RE2 for exactness.
  // `problems`, when given, receives every bad rule, not only the first.
  static Result<std::shared_ptr<const Engine>> compile(rules::RuleSet rules,
                                                       std::vector<RuleProblem>* problems = nullptr,
                                                       const CompileOptions& options = {});
  // The expression Hyperscan is given for `rule`: its pattern with small word classes
  // widened and large counted repeats relaxed (relax.h: a superset, which RE2 narrows to
  // the pattern on every hit), compiled with HS_FLAG_MULTILINE, and HS_FLAG_PREFILTER when
  // is_prefiltered().
  static std::string hyperscan_expression(const rules::Rule& rule);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const rules::RuleSet& rules() const { return rules_; }
  // The longest match any rule can produce (capped at kMaxMatchWidth): a scan of data in
  // blocks must overlap them by 2 * max_window() for every match to be found once.
  std::size_t max_window() const { return max_window_; }
  bool is_prefiltered(std::size_t rule) const { return programs_[rule].prefilter; }
  // The longest match of one rule, capped at kMaxMatchWidth: what one confirmation reads.
  std::size_t max_width(std::size_t rule) const { return programs_[rule].max_width; }
  bool has_triggers() const { return !trigger_bits_.empty(); }
  // True when the Hyperscan database came from the on-disk cache.
  bool from_cache() const { return from_cache_; }

 private:
  friend class Scanner;
  struct Program {
    std::size_t max_width = 0;
    bool prefilter = false;
    // The exact pattern: built by compile() when it validates the rule, else only when a
    // confirmation needs it (regex()). With counted repeats such as {20,4096} RE2 takes
    // 10-80 ms to build one, and a relaxed program stands in for it on most hits.
    mutable std::once_flag exact_once;
    mutable std::unique_ptr<re2::RE2> re;
    // What a hit is confirmed with, built on the rule's first hit (confirming()): a cached
    // database lets a run skip the RE2 programs of rules that never hit.
    mutable std::once_flag confirm_once;
    mutable std::unique_ptr<re2::RE2> relaxed;  // relax.h; null when the pattern has no large repeat
    mutable std::size_t relaxed_exact_up_to = 0;  // a relaxed match this long is exact (relax.h)
    // The confirming pattern (relaxed if any) anchored at the end of the text: RE2 runs it
    // backwards from a hit to find where the match starts. Only for wide rules.
    mutable std::unique_ptr<re2::RE2> ending;
  };
  // The exact pattern's program, built on first use.
  const re2::RE2& regex(std::size_t rule) const;
  // The rule's Program with `relaxed` and `ending` built (and `re` when there is no relaxed
  // program to stand in for it). Needs max_width, so only once compile() has it.
  const Program& confirming(std::size_t rule) const;
  struct DatabaseDeleter { void operator()(hs_database* db) const; };

  Engine() = default;

  rules::RuleSet rules_;
  std::unique_ptr<Program[]> programs_;
  std::unique_ptr<hs_database, DatabaseDeleter> db_;
  std::size_t max_window_ = 0;
  bool from_cache_ = false;
  std::vector<uint32_t> trigger_bits_;  // by Hyperscan id - rules_.size()
};

class Scanner {
 public:
  explicit Scanner(std::shared_ptr<const Engine> engine);
  ~Scanner();
  Scanner(Scanner&&) noexcept;
  Scanner& operator=(Scanner&&) noexcept;

  // Appends the confirmed matches in `data` to `out`, in order of match end. Only
  // matches whose match_end lies in [own_begin, own_end) are kept, so that overlapping
  // blocks of one stream report each match exactly once.
  Status scan(std::string_view data, std::vector<Match>& out, uint64_t own_begin = 0,
              uint64_t own_end = UINT64_MAX);

  const Engine& engine() const { return *engine_; }
  // The bits of the triggers (CompileOptions::triggers) seen by the last scan().
  uint32_t triggers() const { return triggers_; }

  // Counters since construction, for --verbose and benchmarks.
  struct Stats {
    uint64_t hits = 0;           // Hyperscan reports
    uint64_t confirmations = 0;  // RE2 searches run
    uint64_t rejected = 0;       // confirmed but dropped (checksum, placeholder)
  };
  const Stats& stats() const { return stats_; }

 private:
  struct ScratchDeleter { void operator()(hs_scratch* s) const; };
  struct Context;
  static int on_hit(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void* ctx);
  void confirm(Context& ctx, uint32_t rule, uint64_t to);

  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<hs_scratch, ScratchDeleter> scratch_;
  std::vector<uint64_t> covered_until_;  // per rule: end of its last confirmed match
  int64_t now_ = 0;
  uint32_t triggers_ = 0;
  Stats stats_;
};

}  // namespace tokensweep::engine
