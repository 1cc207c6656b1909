#include "report/collector.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>

#include "common/find_bytes.h"
#include "common/newlines.h"
#include "common/sha256.h"

namespace tokensweep::report {
namespace {

int confidence_rank(std::string_view c) { return c == "high" ? 2 : c == "medium" ? 1 : 0; }

// Which of two findings of the same secret at the same place to keep: the more confident
// rule, then a named provider over "generic", then the one with an offline verdict.
struct Strength {
  int confidence;
  bool named_provider;
  bool checked;
  auto operator<=>(const Strength&) const = default;
};

Strength strength_of(std::string_view confidence, std::string_view provider, Validation validation) {
  return {confidence_rank(confidence), provider != "generic", validation != Validation::kUnchecked};
}

constexpr std::string_view kAllow = "tokensweep:allow";
constexpr std::string_view kNextLine = "-next-line";
// How far a marker is looked for around a match: a comment on the same line, not the
// far end of a minified megabyte.
constexpr std::size_t kMaxMarkerDistance = 4096;
// About what allowed_inline reads for a match on a line of ordinary length.
constexpr std::size_t kMarkerLookBytes = 512;

// Whether `text` has a same-line marker (kAllow not followed by kNextLine) or, with
// `next_line`, an allow-next-line marker.
bool has_marker(std::string_view text, bool next_line) {
  for (std::size_t at = find_bytes(text, kAllow); at != std::string_view::npos;
       at = find_bytes(text, kAllow, at + 1)) {
    const bool is_next = text.substr(at + kAllow.size()).starts_with(kNextLine);
    if (is_next == next_line) return true;
  }
  return false;
}

}  // namespace

bool allowed_inline(std::string_view block, std::size_t line_start, std::size_t start, std::size_t end) {
  const std::size_t from = std::max(line_start, start > kMaxMarkerDistance ? start - kMaxMarkerDistance : 0);
  std::size_t to = block.find('\n', end);
  if (to == std::string_view::npos || to - end > kMaxMarkerDistance) {
    to = std::min(block.size(), end + kMaxMarkerDistance);
  }
  if (has_marker(block.substr(from, to - from), false)) return true;
  if (line_start == 0 || line_start > block.size()) return false;  // the line before is not in this block
  const std::size_t prev_end = line_start - 1;                     // its '\n'
  const std::size_t floor = prev_end > kMaxMarkerDistance ? prev_end - kMaxMarkerDistance : 0;
  std::size_t prev_start = prev_end;
  while (prev_start > floor && block[prev_start - 1] != '\n') --prev_start;
  return has_marker(block.substr(prev_start, prev_end - prev_start), true);
}

Validation to_validation(engine::Verdict verdict) {
  switch (verdict) {
    case engine::Verdict::kValid: return Validation::kValid;
    case engine::Verdict::kInvalid: return Validation::kInvalid;
    case engine::Verdict::kExpired: return Validation::kExpired;
    case engine::Verdict::kUnchecked: return Validation::kUnchecked;
  }
  return Validation::kUnchecked;
}

void FindingCollector::Cursor::advance(std::string_view block, uint64_t base, uint64_t target,
                                       const NewlineIndex* lines) {
  if (target <= pos) return;
  if (lines != nullptr) {
    const auto from = static_cast<std::size_t>(pos - base), to = static_cast<std::size_t>(target - base);
    if (const uint64_t newlines = lines->between(from, to); newlines > 0) {
      line += newlines;
      line_start = base + lines->line_start(to);
    }
    pos = target;
    return;
  }
  const char* from = block.data() + (pos - base);
  const auto n = static_cast<std::size_t>(target - pos);
  // Two vectorised passes (count, then the last newline) instead of one call per line.
  const uint64_t newlines = count_newlines(from, n);
  if (newlines > 0) {
    const void* last = ::memrchr(from, '\n', n);
    line += newlines;
    line_start = pos + static_cast<uint64_t>(static_cast<const char*>(last) - from) + 1;
  }
  pos = target;
}

FindingCollector::FindingCollector(const rules::RuleSet& rules, std::string path,
                                   std::vector<std::string> decoders, uint64_t first_line)
    : rules_(rules), path_(std::move(path)), decoders_(std::move(decoders)) {
  at_block_start_.line = first_line;
}

void FindingCollector::fill(Finding& f, const rules::Rule& rule, const engine::Match& m, std::string_view secret,
                            const std::array<unsigned char, 32>& digest) const {
  f.rule_id = rule.id;
  f.rule_name = rule.name;
  f.kind = std::string(rules::kind_name(rule.kind));
  f.provider = rule.provider;
  f.confidence = std::string(rules::confidence_name(rule.confidence));
  f.fingerprint = hex_encode({reinterpret_cast<const char*>(digest.data()), digest.size()});
  // The hint is made from the bytes where they are (the input's own buffer); a copy is
  // made only when the finding carries the secret itself.
  f.redacted = redact_hint(secret, rule.public_prefix);
  if (keep_secrets_) f.secret = std::make_shared<SecretBytes>(secret);
  f.validation = to_validation(m.validation.verdict);
  f.jwt_issuer = m.validation.jwt_issuer;
}

void FindingCollector::add_block(std::string_view block, uint64_t base, uint64_t next_base,
                                 std::vector<engine::Match>& matches, const NewlineIndex* lines) {
  std::sort(matches.begin(), matches.end(), [](const engine::Match& a, const engine::Match& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
  Cursor cursor = at_block_start_;
  // Each match looks for an allow marker around its own line (a few hundred bytes); with
  // more matches than that adds up to, one look over the whole block first is cheaper, and
  // a block without a marker has no match to look for one around.
  const bool markers_possible =
      matches.size() * kMarkerLookBytes < block.size() || find_bytes(block, kAllow) != std::string_view::npos;
  for (const auto& m : matches) {
    const uint64_t abs_start = base + m.start;
    cursor.advance(block, base, abs_start, lines);
    const rules::Rule& rule = rules_[m.rule];
    const std::string_view secret = block.substr(m.start, m.end - m.start);
    const Key key{sha256(secret), cursor.line};
    const std::size_t line_in_block = cursor.line_start > base ? static_cast<std::size_t>(cursor.line_start - base) : 0;
    if (markers_possible && allowed_inline(block, line_in_block, m.start, m.end)) {
      if (suppressed_keys_.insert(key).second) {
        suppressed_fingerprints_.push_back(hex_encode({reinterpret_cast<const char*>(key.digest.data()), key.digest.size()}));
      }
      continue;
    }
    const uint64_t column = abs_start - cursor.line_start + 1;
    const auto [number, inserted] = index_.try_emplace(key, count_);
    if (!inserted) {
      // The same secret on the same line again: keep one finding, from the best rule, at
      // the first offset (a Finding is built only when this one wins).
      ++duplicates_;
      Finding& kept = finding(number);
      const Validation validation = to_validation(m.validation.verdict);
      if (strength_of(rules::confidence_name(rule.confidence), rule.provider, validation) >
          strength_of(kept.confidence, kept.provider, kept.validation)) {
        fill(kept, rule, m, secret, key.digest);
        kept.column = column;
        kept.offset = std::min(kept.offset, abs_start);
      }
      continue;
    }
    Finding& f = add_finding();
    f.path = path_;
    f.line = cursor.line;
    f.column = column;
    f.offset = abs_start;
    f.decoders = decoders_;
    fill(f, rule, m, secret, key.digest);
  }
  at_block_start_.advance(block, base, std::max(next_base, at_block_start_.pos), lines);
  if (index_.size() >= forget_at_) forget_finished_lines();
}

std::pair<std::size_t, bool> FindingCollector::KeyIndex::try_emplace(const Key& key, std::size_t value) {
  if (2 * (size_ + 1) > slots_.size()) {
    rebuild(std::max<std::size_t>(64, 2 * slots_.size()), [](const Key&) { return true; });
  }
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = KeyHash{}(key) & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (!slot.used) {
      slot = Slot{key, value, true};
      ++size_;
      return {value, true};
    }
    if (slot.key == key) return {slot.value, false};
  }
}

Finding& FindingCollector::add_finding() {
  if (count_ % kChunk == 0) chunks_.emplace_back();  // the first chunk grows as needed, later ones at once
  if (chunks_.size() > 1 && chunks_.back().empty()) chunks_.back().reserve(kChunk);
  ++count_;
  return chunks_.back().emplace_back();
}

void FindingCollector::forget_finished_lines() {
  index_.retain([&](const Key& key) { return key.line >= at_block_start_.line; });
  forget_at_ = std::max(kChunk, 2 * index_.size());
}

std::vector<Finding> FindingCollector::take() {
  std::vector<Finding> findings;
  if (chunks_.size() == 1) {
    findings = std::move(chunks_.front());
  } else if (!chunks_.empty()) {
    findings.reserve(count_);
    for (auto& chunk : chunks_) {
      std::move(chunk.begin(), chunk.end(), std::back_inserter(findings));
      std::vector<Finding>().swap(chunk);  // freed as it is moved: never held twice whole
    }
  }
  chunks_.clear();
  count_ = 0;
  index_.clear();
  forget_at_ = kChunk;
  // Usually in offset order already (blocks come in order and matches are sorted in
  // each); a match owned by the next block may start before one owned by this block, and
  // a merged duplicate keeps the first offset, hence the check.
  const auto by_offset = [](const Finding& a, const Finding& b) { return a.offset < b.offset; };
  if (!std::is_sorted(findings.begin(), findings.end(), by_offset)) {
    std::stable_sort(findings.begin(), findings.end(), by_offset);
  }
  return findings;
}

}  // namespace tokensweep::report
