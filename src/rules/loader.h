// Loading rules: the built-in pack compiled in at build time, and --rules paths (YAML).
// Every failure names file, line and (when known) the rule id:
//   "rules/github.yaml:12 github.oauth-access-token: unknown kind 'token'".
// Patterns are not compiled here; engine::Engine::compile checks them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rules/rule.h"
#include "rules/rule_set.h"

namespace tokensweep::rules {

// Parses one rules document; `origin` names it in errors and in Rule::origin.
Result<std::vector<Rule>> parse_rules_yaml(std::string_view text, const std::string& origin);

// A file, or a directory whose *.yaml / *.yml files are loaded in name order.
Result<std::vector<Rule>> load_rules_path(const std::string& path);

// The rules of rules/*.yaml as they were when the binary was built, in file-name order,
// each with origin "builtin:rules/<file>:<line>". The build parses and validates them with
// this loader (src/rules/compile_rules.cc) and compiles them in as data, so getting them
// parses no YAML: it costs copying their strings, well under a millisecond.
std::vector<Rule> builtin_rules();

// Built-ins (unless `builtin` is false) followed by each extra path, as one RuleSet.
Result<RuleSet> load_rule_set(bool builtin, const std::vector<std::string>& extra_paths);

}  // namespace tokensweep::rules
