#include "report/finding.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <tuple>

namespace tokensweep::report {

// These strings are the `validation` and `status` values of design §3.2 (a contract).
const char* validation_name(Validation v) {
  switch (v) {
    case Validation::kValid: return "valid";
    case Validation::kInvalid: return "invalid";
    case Validation::kExpired: return "expired";
    case Validation::kUnchecked: return "unchecked";
  }
  return "unchecked";
}

const char* broker_status_name(BrokerStatus s) {
  switch (s) {
    case BrokerStatus::kActive: return "active";
    case BrokerStatus::kInactive: return "inactive";
    case BrokerStatus::kRevoked: return "revoked";
    case BrokerStatus::kUnknown: return "unknown";
    case BrokerStatus::kUnchecked: return "unchecked";
  }
  return "unchecked";
}

bool finding_order(const Finding& a, const Finding& b) {
  return std::tie(a.path, a.line, a.column, a.offset, a.rule_id, a.fingerprint) <
         std::tie(b.path, b.line, b.column, b.offset, b.rule_id, b.fingerprint);
}

void sort_findings(std::vector<Finding>& findings) {
  if (std::is_sorted(findings.begin(), findings.end(), finding_order)) return;
  std::vector<std::size_t> order(findings.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return finding_order(findings[a], findings[b]); });
  // Apply the permutation in place, cycle by cycle: position i receives order[i].
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    Finding held = std::move(findings[i]);
    std::size_t at = i;
    while (order[at] != i) {
      const std::size_t from = order[at];
      findings[at] = std::move(findings[from]);
      order[at] = at;
      at = from;
    }
    findings[at] = std::move(held);
    order[at] = at;
  }
}

}  // namespace tokensweep::report
