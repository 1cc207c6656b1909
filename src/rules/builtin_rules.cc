#include <string>
#include <utility>

#include "rules/builtin_rules.h"
#include "rules/loader.h"

namespace tokensweep::rules {
namespace {

std::vector<std::string> strings(std::span<const std::string_view> views) {
  return {views.begin(), views.end()};
}

Rule to_rule(const BuiltinRule& b) {
  Rule r;
  r.id = b.id;
  r.name = b.name;
  r.kind = b.kind;
  r.provider = b.provider;
  r.pattern = b.pattern;
  r.validate = b.validate;
  r.confidence = b.confidence;
  for (std::size_t i = 0; i + 1 < b.broker_hints.size(); i += 2) {
    r.broker_hints.emplace_back(b.broker_hints[i], b.broker_hints[i + 1]);
  }
  r.references = strings(b.references);
  r.examples = strings(b.examples);
  r.negative_examples = strings(b.negative_examples);
  r.public_prefix = b.public_prefix;
  r.origin = b.origin;
  return r;
}

}  // namespace

std::vector<Rule> builtin_rules() {
  const auto table = builtin_rule_table();
  std::vector<Rule> out;
  out.reserve(table.size());
  for (const auto& b : table) out.push_back(to_rule(b));
  return out;
}

Result<RuleSet> load_rule_set(bool builtin, const std::vector<std::string>& extra_paths) {
  RuleSet set;
  if (builtin) {
    if (auto st = set.add(builtin_rules()); !st) return st.error();
  }
  for (const auto& path : extra_paths) {
    auto rules = load_rules_path(path);
    if (!rules) return rules.error();
    if (auto st = set.add(std::move(rules).value()); !st) return st.error();
  }
  return set;
}

}  // namespace tokensweep::rules
