// FindingCollector: turns the engine's matches in one input into findings — line and
// column, fingerprint, redacted hint, validation — and merges duplicates. One per input
// being scanned; not thread-safe.
//
// Inline allow markers (issue 8): a match on a line that contains `tokensweep:allow`, or
// right after a line that contains `tokensweep:allow-next-line`, is not a finding; it is
// counted in suppressed() instead, never dropped silently. Only matches pay for the check
// (a bounded look at their own line and the one before).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_set>
#include <vector>

#include "common/newlines.h"
#include "engine/engine.h"
#include "report/finding.h"

namespace tokensweep::report {

class FindingCollector {
 public:
  // `first_line`: the line number of the first byte (a decoded view of a later block).
  FindingCollector(const rules::RuleSet& rules, std::string path, std::vector<std::string> decoders = {},
                   uint64_t first_line = 1);

  // Whether findings carry the secret itself (Finding::secret), for the broker; without
  // one a scan drops it as soon as the redacted hint is made (an allocation and ~100 bytes
  // less per finding held until the end of the stream). Default: kept.
  void keep_secrets(bool keep) { keep_secrets_ = keep; }

  // Feed the blocks of the input in order. `block` starts at stream offset `base`;
  // `next_base` is where the next block starts (`base` when none follows: the line
  // count then stops at the last match instead of running to the end of the block).
  // Match offsets are relative to `block`.
  // `lines`, when given, indexes this block's line breaks (built over `block`): the lines
  // are then numbered from it instead of by counting every byte of the block.
  void add_block(std::string_view block, uint64_t base, uint64_t next_base,
                 std::vector<engine::Match>& matches, const NewlineIndex* lines = nullptr);

  // The findings, sorted by offset; one per (fingerprint, line): where several rules
  // found the same secret, the most specific one is kept.
  std::vector<Finding> take();
  uint64_t duplicates_merged() const { return duplicates_; }
  // Distinct secrets (by fingerprint and line) an allow marker suppressed, and their
  // fingerprints.
  uint64_t suppressed() const { return suppressed_keys_.size(); }
  const std::vector<std::string>& suppressed_fingerprints() const { return suppressed_fingerprints_; }
  // The line number at the start of the next block to be added.
  uint64_t next_block_line() const { return at_block_start_.line; }

 private:
  struct Cursor {
    uint64_t pos = 0;         // stream offset counted up to
    uint64_t line = 1;        // line number at pos
    uint64_t line_start = 0;  // stream offset of the first byte of that line
    // Advances to `target` over block bytes (block begins at stream offset `base`), through
    // `lines` when given.
    void advance(std::string_view block, uint64_t base, uint64_t target, const NewlineIndex* lines);
  };

  // One secret on one line: the raw digest, so that a duplicate (another rule, another
  // decoded route of the same bytes) costs a hash lookup and no strings.
  struct Key {
    std::array<unsigned char, 32> digest;
    uint64_t line;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      std::size_t h;  // the digest is uniformly distributed already
      std::memcpy(&h, k.digest.data(), sizeof h);
      return h ^ (k.line * 0x9e3779b97f4a7c15ULL);
    }
  };

  // Secret and line -> finding number, by open addressing in one array: no allocation per
  // entry (a dense input adds one per finding) and one probe, mostly, since the digest's
  // bytes are uniformly distributed already.
  class KeyIndex {
   public:
    // The number stored for `key`, or `value` stored for it now: {number, inserted}.
    std::pair<std::size_t, bool> try_emplace(const Key& key, std::size_t value);
    // Keeps the entries whose key `keep` accepts.
    template <class Keep>
    void retain(Keep keep) {
      rebuild(slots_.size(), keep);
    }
    std::size_t size() const { return size_; }
    void clear() {
      slots_.clear();
      size_ = 0;
    }

   private:
    struct Slot {
      Key key{};
      std::size_t value = 0;
      bool used = false;
    };
    // The entries `keep` accepts, placed again in `capacity` slots.
    template <class Keep>
    void rebuild(std::size_t capacity, Keep keep) {
      std::vector<Slot> old = std::move(slots_);
      slots_.assign(capacity, Slot{});
      size_ = 0;
      for (const Slot& s : old) {
        if (s.used && keep(s.key)) try_emplace(s.key, s.value);
      }
    }
    std::vector<Slot> slots_;  // a power of two long, at most half used
    std::size_t size_ = 0;
  };

  // Fills every field of `f` that depends on the rule and the secret (not line/offset).
  void fill(Finding& f, const rules::Rule& rule, const engine::Match& m, std::string_view secret,
            const std::array<unsigned char, 32>& digest) const;

  Finding& finding(std::size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  Finding& add_finding();
  // Drops index_ entries of lines before the next block: no later match can be on them.
  void forget_finished_lines();

  // Findings in chunks of at most kChunk: a long stream's list grows without moving what
  // it holds (a doubling vector of 100,000s of findings copied them all at each step and
  // for a moment took three times their size).
  static constexpr std::size_t kChunk = 4096;

  const rules::RuleSet& rules_;
  bool keep_secrets_ = true;
  std::string path_;
  std::vector<std::string> decoders_;
  Cursor at_block_start_;
  std::vector<std::vector<Finding>> chunks_;
  std::size_t count_ = 0;
  KeyIndex index_;                  // secret and line -> finding(i)
  std::size_t forget_at_ = kChunk;  // index_ size that calls forget_finished_lines()
  uint64_t duplicates_ = 0;
  std::unordered_set<Key, KeyHash> suppressed_keys_;
  std::vector<std::string> suppressed_fingerprints_;
};

// True when the line holding [start, end) of `block` carries `tokensweep:allow`, or the
// line before it `tokensweep:allow-next-line`. `line_start` is where the match's line
// begins in `block` (clamped to 0 when it began in an earlier block).
bool allowed_inline(std::string_view block, std::size_t line_start, std::size_t start, std::size_t end);

Validation to_validation(engine::Verdict verdict);

}  // namespace tokensweep::report
