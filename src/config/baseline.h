// Baselines: the secrets a repository has accepted, by fingerprint and rule id only.
//
//   # tokensweep baseline v1: <sha256 of the secret> <rule id>, sorted
//   0f3c…9a1e github.oauth-access-token
//
// No lines, paths or timestamps, sorted and one entry per line, so the file does not
// change when code moves and two branches that each add an entry merge cleanly. An entry
// suppresses exactly that secret found by that rule: another secret on the same line is
// still reported.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "report/finding.h"

namespace tokensweep::config {

struct BaselineEntry {
  std::string fingerprint;
  std::string rule_id;
  auto operator<=>(const BaselineEntry&) const = default;
};

class Baseline {
 public:
  static Result<Baseline> load(const std::string& path);
  static Baseline from_findings(const std::vector<report::Finding>& findings);

  bool contains(const report::Finding& f) const { return entries_.count({f.fingerprint, f.rule_id}) != 0; }
  const std::set<BaselineEntry>& entries() const { return entries_; }
  void write(std::ostream& out) const;

 private:
  std::set<BaselineEntry> entries_;
};

struct BaselineResult {
  uint64_t suppressed = 0;                 // findings removed from the report
  std::vector<BaselineEntry> stale;        // entries no finding matched
};

// Removes the findings `baseline` lists from `report` and counts them in its summary.
BaselineResult apply_baseline(const Baseline& baseline, report::Report& report);

}  // namespace tokensweep::config
