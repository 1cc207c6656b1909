#include "engine/engine.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <utility>

#include "engine/database_cache.h"
#include "engine/placeholder.h"
#include "engine/relax.h"

namespace tokensweep::engine {
namespace {

// Both engines read rules in multi-line mode: ^ and $ match at line boundaries.
constexpr unsigned kHsFlags = HS_FLAG_MULTILINE;

re2::RE2::Options re2_options() {
  re2::RE2::Options o;
  o.set_encoding(re2::RE2::Options::EncodingLatin1);  // bytes, like Hyperscan without UTF8
  o.set_log_errors(false);
  o.set_never_capture(false);
  // Counted repeats such as {20,1000} make programs of thousands of instructions; with
  // RE2's default 8 MiB budget the DFA cache of such a rule fills and is flushed on every
  // confirmation (measured: a third of a log scan's time). The budget is a cap, allocated
  // only as a rule's DFA grows; 32 MiB measured as fast as 256 MiB.
  o.set_max_mem(int64_t{32} << 20);
  return o;
}

struct CompileErrorDeleter {
  void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
using CompileError = std::unique_ptr<hs_compile_error_t, CompileErrorDeleter>;

std::string rule_location(const rules::Rule& rule) { return rule.origin + " " + rule.id; }

// A rule whose matches can be wider than this searches backwards from a hit for the
// match's start instead of forwards over max_width bytes before it (Scanner::confirm).
constexpr std::size_t kSearchBackFromWidth = 256;

}  // namespace

void Engine::DatabaseDeleter::operator()(hs_database* db) const { hs_free_database(db); }
void Scanner::ScratchDeleter::operator()(hs_scratch* s) const { hs_free_scratch(s); }

Engine::~Engine() = default;

Result<std::shared_ptr<const Engine>> Engine::compile(rules::RuleSet rule_set,
                                                      std::vector<RuleProblem>* problems,
                                                      const CompileOptions& options) {
  std::shared_ptr<Engine> engine(new Engine());  // private constructor: make_shared cannot reach it
  engine->rules_ = std::move(rule_set);
  const auto& rules = engine->rules_.rules();
  engine->programs_ = std::make_unique<Program[]>(rules.size());
  std::vector<RuleProblem> found;
  auto fail = [&]() -> Error {
    Error first = make_error(ErrorCode::kBadRule, found.front().message);
    if (problems) *problems = std::move(found);
    return first;
  };

  // Hyperscan gets each pattern with its large counted repeats relaxed (relax.h): {20,1000}
  // costs its compiler seconds (the 313 built-in rules: 5.1 s against 1.1 s relaxed, what a
  // run with an empty cache pays) and scans no faster. It then reports a superset of the
  // ends; RE2 confirms every hit with the exact pattern, and a rule's width (its window)
  // is still the exact pattern's.
  std::vector<std::string> patterns;
  for (const auto& rule : rules) patterns.push_back(hyperscan_expression(rule));
  for (const auto& t : options.triggers) {
    patterns.push_back("\x01trigger:" + std::to_string(t.bit) + ":" + t.pattern);
    engine->trigger_bits_.push_back(t.bit);
  }
  const DatabaseCache cache(options.cache_dir);
  const std::string key = options.use_cache ? DatabaseCache::key(patterns, kHsFlags) : std::string();
  if (options.use_cache && !patterns.empty()) {
    // Only a rule set that passed every check below is ever stored under its key.
    if (auto cached = cache.load(key, rules.size())) {
      engine->db_.reset(cached->database);
      for (std::size_t i = 0; i < rules.size(); ++i) {
        engine->programs_[i].prefilter = cached->rules[i].prefilter;
        engine->programs_[i].max_width = cached->rules[i].max_width;
        engine->max_window_ = std::max<std::size_t>(engine->max_window_, cached->rules[i].max_width);
      }
      engine->from_cache_ = true;
      return std::shared_ptr<const Engine>(std::move(engine));
    }
  }

  // RE2 first: it is the engine that defines a match and its capture.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const rules::Rule& rule = rules[i];
    const re2::RE2& re = engine->regex(i);
    if (!re.ok()) {
      found.push_back({i, rule_location(rule) + ": pattern rejected by RE2: " + re.error() +
                              (re.error_arg().empty() ? "" : " at '" + re.error_arg() + "'")});
    } else if (const int groups = re.NumberOfCapturingGroups(); groups != 1) {
      found.push_back({i, rule_location(rule) + ": pattern has " + std::to_string(groups) +
                              " capture groups, expected exactly 1 (the secret); use (?:...) for the others"});
    }
  }
  if (!found.empty()) return fail();
  if (rules.empty() && options.triggers.empty()) return std::shared_ptr<const Engine>(std::move(engine));

  for (std::size_t i = 0; i < rules.size(); ++i) {
    const rules::Rule& rule = rules[i];
    Program& prog = engine->programs_[i];
    hs_expr_info_t* raw_info = nullptr;
    hs_compile_error_t* raw_err = nullptr;
    if (hs_expression_info(rule.pattern.c_str(), kHsFlags, &raw_info, &raw_err) != HS_SUCCESS) {
      CompileError exact_err(raw_err);
      raw_err = nullptr;
      prog.prefilter = true;
      if (hs_expression_info(rule.pattern.c_str(), kHsFlags | HS_FLAG_PREFILTER, &raw_info, &raw_err) !=
          HS_SUCCESS) {
        CompileError err(raw_err);
        found.push_back({i, rule_location(rule) + ": pattern rejected by Hyperscan: " + exact_err->message});
        continue;
      }
    }
    // hs_expression_info allocates with the misc allocator, which defaults to malloc.
    std::unique_ptr<hs_expr_info_t, decltype(&free)> info(raw_info, &free);
    if (info->min_width == 0) {
      found.push_back({i, rule_location(rule) + ": pattern can match an empty string"});
      continue;
    }
    prog.max_width = std::min<std::size_t>(info->max_width, kMaxMatchWidth);
    engine->max_window_ = std::max(engine->max_window_, prog.max_width);
  }
  if (!found.empty()) return fail();

  // One database for all rules. A rule that compiles alone can still be too large for
  // Hyperscan's exact engines in context; it then falls back to prefiltering.
  std::vector<const char*> exprs;
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    exprs.push_back(patterns[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  for (std::size_t t = 0; t < options.triggers.size(); ++t) {
    exprs.push_back(options.triggers[t].pattern.c_str());
    ids.push_back(static_cast<unsigned>(rules.size() + t));
  }
  for (std::size_t attempt = 0; attempt <= rules.size(); ++attempt) {
    std::vector<unsigned> flags;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      flags.push_back(kHsFlags | (engine->programs_[i].prefilter ? HS_FLAG_PREFILTER : 0));
    }
    // A trigger needs to be seen once per scan, not at every offset.
    flags.insert(flags.end(), options.triggers.size(), kHsFlags | HS_FLAG_SINGLEMATCH);
    hs_database_t* db = nullptr;
    hs_compile_error_t* raw_err = nullptr;
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                         HS_MODE_BLOCK, nullptr, &db, &raw_err) == HS_SUCCESS) {
      engine->db_.reset(db);
      if (options.use_cache) {
        std::vector<CachedRule> meta;
        for (std::size_t i = 0; i < rules.size(); ++i) {
          meta.push_back({engine->programs_[i].prefilter, static_cast<uint32_t>(engine->programs_[i].max_width)});
        }
        cache.store(key, meta, db);
      }
      return std::shared_ptr<const Engine>(std::move(engine));
    }
    CompileError err(raw_err);
    const int bad = err->expression;
    if (bad >= 0 && static_cast<std::size_t>(bad) >= rules.size()) {
      return make_error(ErrorCode::kInternal, "trigger pattern rejected by Hyperscan: " + std::string(err->message));
    }
    if (bad >= 0 && !engine->programs_[static_cast<std::size_t>(bad)].prefilter) {
      engine->programs_[static_cast<std::size_t>(bad)].prefilter = true;
      continue;
    }
    std::string where = bad >= 0 ? rule_location(rules[static_cast<std::size_t>(bad)]) + ": " : "";
    return make_error(ErrorCode::kBadRule, where + "Hyperscan cannot compile the rule set: " + err->message);
  }
  return make_error(ErrorCode::kInternal, "Hyperscan compile did not converge");
}

std::string Engine::hyperscan_expression(const rules::Rule& rule) {
  return relax_counted_repeats(widen_repeated_classes(rule.pattern));
}

const re2::RE2& Engine::regex(std::size_t rule) const {
  const Program& prog = programs_[rule];
  std::call_once(prog.exact_once,
                 [&] { prog.re = std::make_unique<re2::RE2>("(?m)" + rules_[rule].pattern, re2_options()); });
  return *prog.re;
}

const Engine::Program& Engine::confirming(std::size_t rule) const {
  const Program& prog = programs_[rule];
  std::call_once(prog.confirm_once, [&] {
    // Every rule has one capture group (compile() checks it); a relaxed pattern that RE2
    // reads otherwise is not used.
    const std::string relaxed = relax_counted_repeats(rules_[rule].pattern, &prog.relaxed_exact_up_to);
    if (relaxed != rules_[rule].pattern) {
      auto re = std::make_unique<re2::RE2>("(?m)" + relaxed, re2_options());
      if (re->ok() && re->NumberOfCapturingGroups() == 1) prog.relaxed = std::move(re);
    }
    const re2::RE2& confirm = prog.relaxed ? *prog.relaxed : regex(rule);
    if (!confirm.ok() || prog.max_width <= kSearchBackFromWidth) return;
    // \z (end of text, whatever (?m) says) makes RE2 run its reverse DFA from the end of the
    // text it is given, anchored there, and stop where no match can start.
    auto ending = std::make_unique<re2::RE2>("(?m)(?:" + confirm.pattern() + ")\\z", re2_options());
    if (ending->ok()) prog.ending = std::move(ending);
  });
  return prog;
}

// ---------------------------------------------------------------------------------------

struct Scanner::Context {
  Scanner* self;
  std::string_view data;
  std::vector<Match>* out;
  uint64_t own_begin;
  uint64_t own_end;
  bool failed = false;
};

Scanner::Scanner(std::shared_ptr<const Engine> engine) : engine_(std::move(engine)) {
  covered_until_.assign(engine_->rules().size(), 0);
  if (engine_->db_) {
    hs_scratch_t* scratch = nullptr;
    if (hs_alloc_scratch(engine_->db_.get(), &scratch) == HS_SUCCESS) scratch_.reset(scratch);
  }
}

Scanner::~Scanner() = default;
Scanner::Scanner(Scanner&&) noexcept = default;
Scanner& Scanner::operator=(Scanner&&) noexcept = default;

Status Scanner::scan(std::string_view data, std::vector<Match>& out, uint64_t own_begin,
                     uint64_t own_end) {
  triggers_ = 0;
  if (!engine_->db_) return Status::ok();  // no rules: nothing can match
  if (!scratch_) return make_error(ErrorCode::kInternal, "could not allocate Hyperscan scratch");
  if (data.size() > UINT_MAX) {
    return make_error(ErrorCode::kLimit, "buffer larger than 4 GiB; scan it in blocks");
  }
  std::fill(covered_until_.begin(), covered_until_.end(), 0);
  now_ = static_cast<int64_t>(std::time(nullptr));
  Context ctx{this, data, &out, own_begin, own_end};
  const hs_error_t rc = hs_scan(engine_->db_.get(), data.data(), static_cast<unsigned>(data.size()), 0,
                                scratch_.get(), &Scanner::on_hit, &ctx);
  if (ctx.failed) return make_error(ErrorCode::kInternal, "out of memory while recording matches");
  if (rc != HS_SUCCESS) return make_error(ErrorCode::kInternal, "Hyperscan scan failed (" + std::to_string(rc) + ")");
  return Status::ok();
}

int Scanner::on_hit(unsigned int id, unsigned long long /*from*/, unsigned long long to,
                    unsigned int /*flags*/, void* raw) {
  auto& ctx = *static_cast<Context*>(raw);
  const std::size_t rule_count = ctx.self->engine_->rules_.size();
  if (id >= rule_count) {
    ctx.self->triggers_ |= ctx.self->engine_->trigger_bits_[id - rule_count];
    return 0;
  }
  // Nothing may throw through Hyperscan: a failure stops the scan and is reported after.
  try {
    ctx.self->confirm(ctx, id, to);
    return 0;
  } catch (...) {
    ctx.failed = true;
    return 1;
  }
}

void Scanner::confirm(Context& ctx, uint32_t rule_index, uint64_t to) {
  ++stats_.hits;
  uint64_t& covered = covered_until_[rule_index];
  // A greedy rule reports every end offset inside one token; the first confirmation
  // covered them all.
  if (to <= covered) return;

  const Engine::Program& prog = engine_->confirming(rule_index);
  const std::string_view data = ctx.data;
  uint64_t pos = std::max<uint64_t>(to > prog.max_width ? to - prog.max_width : 0, covered);
  const uint64_t window_end = std::min<uint64_t>(data.size(), to + prog.max_width);

  const re2::RE2* relaxed = prog.relaxed.get();
  re2::StringPiece groups[2];
  // A wide rule first asks where a match ending at `to` starts: RE2's reverse DFA reads
  // about the match's length, where the forward search reads the max_width bytes before
  // it, and a search anchored at that start gets the capture without a DFA pass. Cut at
  // `to`, the text's end stands in for what follows (\b, $); when that makes a
  // difference the unanchored search over the whole window runs as before. (A match that
  // starts earlier and ends past `to` without ending at `to` is not looked for.)
  uint64_t start_at = UINT64_MAX;
  if (const re2::RE2* ending = prog.ending.get(); ending != nullptr && pos < to) {
    ++stats_.confirmations;
    if (ending->Match(re2::StringPiece(data.data(), to), pos, to, re2::RE2::UNANCHORED, groups, 1)) {
      start_at = static_cast<uint64_t>(groups[0].data() - data.data());
    }
  }
  // RE2 searches [from, until) and reads one byte on either side as context, so that \b,
  // ^ and $ at the edges see the real neighbours. Only that byte: RE2 picks its engine by
  // the size of the whole text it is given (one-pass or bit-state for a short one).
  const auto match = [&](const re2::RE2& regex, uint64_t from, uint64_t until, re2::RE2::Anchor anchor,
                         int groups_wanted) {
    const uint64_t begin = from > 0 ? from - 1 : 0;
    const uint64_t end = std::min<uint64_t>(data.size(), until + 1);
    return regex.Match(re2::StringPiece(data.data() + begin, end - begin), from - begin, until - begin, anchor,
                       groups, groups_wanted);
  };
  const auto find = [&](uint64_t from, re2::RE2::Anchor anchor) {
    // The relaxed pattern (relax.h) finds a candidate cheaply; the exact one must match
    // that very span (a DFA-only check, no captures), else it searches on its own.
    if (relaxed != nullptr && match(*relaxed, from, window_end, anchor, 2)) {
      if (groups[0].size() <= prog.relaxed_exact_up_to) return true;  // short: exact as it is
      const auto start = static_cast<uint64_t>(groups[0].data() - data.data());
      if (match(engine_->regex(rule_index), start, start + groups[0].size(), re2::RE2::ANCHOR_BOTH, 0)) return true;
    } else if (relaxed != nullptr) {
      return false;  // the exact pattern matches a subset of what the relaxed one does
    }
    return match(engine_->regex(rule_index), from, window_end, anchor, 2);
  };
  while (pos < to) {
    ++stats_.confirmations;
    const uint64_t hint = std::exchange(start_at, UINT64_MAX);
    if (!(hint != UINT64_MAX && find(hint, re2::RE2::ANCHOR_START)) && !find(pos, re2::RE2::UNANCHORED)) {
      covered = to;  // a prefilter hit RE2 does not confirm: skip the rest of this hit
      return;
    }
    const uint64_t match_start = static_cast<uint64_t>(groups[0].data() - data.data());
    const uint64_t match_end = match_start + groups[0].size();
    if (match_start >= to) {
      covered = to;
      return;
    }
    if (match_end < to) {  // an earlier match Hyperscan did not report here; look past it
      pos = std::max(match_end, match_start + 1);
      continue;
    }
    covered = match_end;
    if (groups[1].data() == nullptr) return;  // the capture did not take part
    if (match_end < ctx.own_begin || match_end >= ctx.own_end) return;  // another block's

    const rules::Rule& rule = engine_->rules_[rule_index];
    const std::string_view secret(groups[1].data(), groups[1].size());
    if (secret.empty() || is_placeholder(secret, rule.public_prefix)) {
      ++stats_.rejected;
      return;
    }
    Validation validation = validate(rule.validate, secret, now_);
    if (validation.verdict == Verdict::kInvalid) {
      ++stats_.rejected;
      return;
    }
    const uint64_t cap_start = static_cast<uint64_t>(groups[1].data() - data.data());
    ctx.out->push_back(Match{rule_index, match_end, cap_start, cap_start + secret.size(), std::move(validation)});
    return;
  }
}

}  // namespace tokensweep::engine
