// Loading rules from YAML: the built-in pack embedded at build time, and --rules paths.
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

struct EmbeddedFile {
  std::string_view name;  // "github.yaml"
  std::string_view text;
};
// The files of rules/ as they were when the binary was built.
const std::vector<EmbeddedFile>& builtin_rule_files();

// Built-ins (unless `builtin` is false) followed by each extra path, as one RuleSet.
Result<RuleSet> load_rule_set(bool builtin, const std::vector<std::string>& extra_paths);

}  // namespace tokensweep::rules
