#include "report/collector.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/newlines.h"

namespace tokensweep::report {
namespace {

int confidence_rank(const std::string& c) { return c == "high" ? 2 : c == "medium" ? 1 : 0; }

// Which of two findings of the same secret at the same place to keep: the more confident
// rule, then a named provider over "generic", then the one with an offline verdict.
bool better(const Finding& a, const Finding& b) {
  if (confidence_rank(a.confidence) != confidence_rank(b.confidence)) {
    return confidence_rank(a.confidence) > confidence_rank(b.confidence);
  }
  if ((a.provider == "generic") != (b.provider == "generic")) return b.provider == "generic";
  if ((a.validation == Validation::kUnchecked) != (b.validation == Validation::kUnchecked)) {
    return b.validation == Validation::kUnchecked;
  }
  return false;
}

constexpr std::string_view kAllow = "tokensweep:allow";
constexpr std::string_view kNextLine = "-next-line";
// How far a marker is looked for around a match: a comment on the same line, not the
// far end of a minified megabyte.
constexpr std::size_t kMaxMarkerDistance = 4096;

// Whether `text` has a same-line marker (kAllow not followed by kNextLine) or, with
// `next_line`, an allow-next-line marker.
bool has_marker(std::string_view text, bool next_line) {
  for (std::size_t at = text.find(kAllow); at != std::string_view::npos; at = text.find(kAllow, at + 1)) {
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

void FindingCollector::Cursor::advance(std::string_view block, uint64_t base, uint64_t target) {
  if (target <= pos) return;
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

void FindingCollector::add_block(std::string_view block, uint64_t base, uint64_t next_base,
                                 std::vector<engine::Match>& matches) {
  std::sort(matches.begin(), matches.end(), [](const engine::Match& a, const engine::Match& b) {
    return a.start != b.start ? a.start < b.start : a.rule < b.rule;
  });
  Cursor cursor = at_block_start_;
  for (const auto& m : matches) {
    const uint64_t abs_start = base + m.start;
    cursor.advance(block, base, abs_start);
    const rules::Rule& rule = rules_[m.rule];
    const std::string_view secret = block.substr(m.start, m.end - m.start);

    Finding f;
    f.rule_id = rule.id;
    f.rule_name = rule.name;
    f.kind = std::string(rules::kind_name(rule.kind));
    f.provider = rule.provider;
    f.confidence = std::string(rules::confidence_name(rule.confidence));
    f.path = path_;
    f.line = cursor.line;
    f.column = abs_start - cursor.line_start + 1;
    f.offset = abs_start;
    f.decoders = decoders_;
    auto bytes = std::make_shared<SecretBytes>(secret);
    f.fingerprint = bytes->fingerprint();
    const std::size_t line_in_block = cursor.line_start > base ? static_cast<std::size_t>(cursor.line_start - base) : 0;
    if (allowed_inline(block, line_in_block, m.start, m.end)) {
      const auto [it, inserted] = suppressed_keys_.emplace(f.fingerprint + ":" + std::to_string(f.line), true);
      if (inserted) suppressed_fingerprints_.push_back(f.fingerprint);
      continue;
    }
    f.redacted = bytes->redacted(rule.public_prefix);
    f.secret = std::move(bytes);
    f.validation = to_validation(m.validation.verdict);
    f.jwt_issuer = m.validation.jwt_issuer;
    add(std::move(f));
  }
  at_block_start_.advance(block, base, std::max(next_base, at_block_start_.pos));
}

void FindingCollector::add(Finding finding) {
  std::string key = finding.fingerprint + ":" + std::to_string(finding.line);
  const auto [it, inserted] = index_.emplace(std::move(key), findings_.size());
  if (inserted) {
    findings_.push_back(std::move(finding));
    return;
  }
  ++duplicates_;
  Finding& kept = findings_[it->second];
  if (better(finding, kept)) {
    const uint64_t offset = std::min(kept.offset, finding.offset);
    kept = std::move(finding);
    kept.offset = offset;
  }
}

std::vector<Finding> FindingCollector::take() {
  std::stable_sort(findings_.begin(), findings_.end(),
                   [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
  index_.clear();
  return std::move(findings_);
}

}  // namespace tokensweep::report
