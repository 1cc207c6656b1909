// .tokensweep.yaml: per-repository scan settings (issue 8).
//
//   rules: [ci/extra-rules.yaml]          # extra rule files or directories (relative to this file)
//   enable:  {rules: [...], providers: [...]}   # only these (default: every rule)
//   disable: {rules: [...], providers: [...]}   # never these
//   allow_paths: ["vendor/**", "*.min.js"]      # globs relative to the scanned root
//   min_confidence: medium                # low | medium | high
//   baseline: .tokensweep-baseline        # relative to this file
//
// Every problem is an error naming file, line and key: an unknown key or a typo in a
// rule id must not silently scan less (or more) than the file says.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "rules/rule.h"
#include "rules/rule_set.h"

namespace tokensweep::config {

inline constexpr std::string_view kDefaultConfigName = ".tokensweep.yaml";

// A value with where it was written ("repo/.tokensweep.yaml:7"), for later errors.
struct Located {
  std::string value;
  std::string location;
};

struct Config {
  std::string path;                      // the file it was read from; empty: no file
  std::vector<std::string> rule_paths;   // resolved against the file's directory
  std::vector<Located> enable_rules, enable_providers;
  std::vector<Located> disable_rules, disable_providers;
  std::vector<std::string> allow_paths;
  std::optional<rules::Confidence> min_confidence;
  std::string baseline;                  // resolved against the file's directory; empty: none
};

// Parses a config document; `origin` names it in errors and resolves relative paths.
Result<Config> parse_config(std::string_view text, const std::string& origin);
Result<Config> load_config(const std::string& path);

// The rules of `all` that `config` keeps (enable, disable, min_confidence). An id or
// provider named in enable/disable that no rule has is an error at its line.
Result<rules::RuleSet> select_rules(const rules::RuleSet& all, const Config& config);

}  // namespace tokensweep::config
