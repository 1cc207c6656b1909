#include "rules/rule_set.h"

namespace tokensweep::rules {

const Rule* RuleSet::find(std::string_view id) const {
  const auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &rules_[it->second];
}

Status RuleSet::add(std::vector<Rule> rules) {
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    if (const Rule* existing = find(rule.id)) {
      return make_error(ErrorCode::kBadRule, "duplicate rule id (first defined at " + existing->origin + ")",
                        rule.origin + " " + rule.id);
    }
    if (const auto [it, inserted] = seen.emplace(rule.id, i); !inserted) {
      return make_error(ErrorCode::kBadRule,
                        "duplicate rule id (first defined at " + rules[it->second].origin + ")",
                        rule.origin + " " + rule.id);
    }
  }
  rules_.reserve(rules_.size() + rules.size());
  by_id_.reserve(by_id_.size() + rules.size());
  for (auto& rule : rules) {
    by_id_.emplace(rule.id, rules_.size());
    rules_.push_back(std::move(rule));
  }
  return Status::ok();
}

}  // namespace tokensweep::rules
