// RuleSet: rules loaded from YAML (embedded built-ins, --rules files), validated.
// Immutable once built; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "rules/rule.h"

namespace tokensweep::rules {

class RuleSet {
 public:
  RuleSet() = default;

  const std::vector<Rule>& rules() const { return rules_; }
  std::size_t size() const { return rules_.size(); }
  const Rule& operator[](std::size_t i) const { return rules_[i]; }
  // nullptr when no rule has this id.
  const Rule* find(std::string_view id) const;

  // Adds rules; fails on a duplicate id, naming both origins. On failure nothing is added.
  Status add(std::vector<Rule> rules);

 private:
  std::vector<Rule> rules_;
  std::unordered_map<std::string, std::size_t> by_id_;
};

}  // namespace tokensweep::rules
