// `tokensweep rules check`: every rule compiled by both Hyperscan and RE2 in one real
// engine, and every example and negative example run through that engine.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_set.h"

namespace tokensweep::pipeline {

struct RulesCheckResult {
  std::vector<std::string> problems;  // one line each: "file:line id: what is wrong"
  std::size_t rules = 0;
  std::size_t examples = 0;
  std::size_t negative_examples = 0;
  bool ok() const { return problems.empty(); }
};

// An example passes when the rule itself reports a finding in it; a negative example
// passes when the rule reports none. Other rules' findings do not count either way.
RulesCheckResult check_rules(rules::RuleSet rules);

}  // namespace tokensweep::pipeline
