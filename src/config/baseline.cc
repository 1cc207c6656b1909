#include "config/baseline.h"

#include <algorithm>
#include <fstream>

namespace tokensweep::config {
namespace {

constexpr std::string_view kHeader = "# tokensweep baseline v1: <sha256 of the secret> <rule id>, sorted";

bool is_fingerprint(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<Baseline> Baseline::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot read baseline file", path);
  Baseline b;
  std::string line;
  for (uint64_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // checked out with CRLF
    if (line.empty() || line.front() == '#') continue;
    const std::size_t space = line.find(' ');
    const std::string fp = line.substr(0, space);
    const std::string rule = space == std::string::npos ? "" : line.substr(space + 1);
    if (!is_fingerprint(fp) || rule.empty() || rule.find(' ') != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument,
                        "expected '<64 hex digits> <rule id>' (no line numbers or other fields)",
                        path + ":" + std::to_string(n));
    }
    b.entries_.insert({fp, rule});
  }
  return b;
}

Baseline Baseline::from_findings(const std::vector<report::Finding>& findings) {
  Baseline b;
  for (const auto& f : findings) b.entries_.insert({f.fingerprint, f.rule_id});
  return b;
}

void Baseline::write(std::ostream& out) const {
  out << kHeader << '\n';
  for (const auto& e : entries_) out << e.fingerprint << ' ' << e.rule_id << '\n';
}

BaselineResult apply_baseline(const Baseline& baseline, report::Report& report) {
  BaselineResult result;
  std::set<BaselineEntry> matched;
  std::vector<report::Finding> kept;
  kept.reserve(report.findings.size());
  for (auto& f : report.findings) {
    if (baseline.contains(f)) {
      ++result.suppressed;
      matched.insert({f.fingerprint, f.rule_id});
    } else {
      kept.push_back(std::move(f));
    }
  }
  report.findings = std::move(kept);
  for (const auto& e : baseline.entries()) {
    if (matched.count(e) == 0) result.stale.push_back(e);
  }
  report.summary.suppressed_baseline += result.suppressed;
  report.summary.findings = report.findings.size();
  return result;
}

}  // namespace tokensweep::config
