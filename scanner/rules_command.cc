#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "commands.h"
#include "pipeline/rules_check.h"
#include "rules/loader.h"

namespace tokensweep::cli {
namespace {

Result<rules::RuleSet> load(const RuleSources& sources) {
  return rules::load_rule_set(!sources.no_builtin, sources.paths);
}

nlohmann::json rule_json(const rules::Rule& r) {
  nlohmann::json j = {
      {"id", r.id},
      {"name", r.name},
      {"provider", r.provider},
      {"kind", rules::kind_name(r.kind)},
      {"confidence", rules::confidence_name(r.confidence)},
      {"references", r.references},
      {"origin", r.origin},
  };
  if (r.validate != rules::Validator::kNone) j["validate"] = rules::validator_name(r.validate);
  return j;
}

}  // namespace

int rules_list_command(const RuleSources& sources, const std::string& format) {
  auto set = load(sources);
  if (!set) {
    print_error(set.error().to_string());
    return kExitError;
  }
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : set.value().rules()) arr.push_back(rule_json(r));
    std::cout << arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitClean;
  }
  std::size_t width = 2;
  for (const auto& r : set.value().rules()) width = std::max(width, r.id.size());
  for (const auto& r : set.value().rules()) {
    std::cout << r.id << std::string(width + 2 - r.id.size(), ' ') << rules::kind_name(r.kind) << "  "
              << rules::confidence_name(r.confidence) << "  " << r.name << "\n";
  }
  std::cout << set.value().size() << " rules\n";
  return kExitClean;
}

int rules_check_command(const RuleSources& sources, const std::vector<std::string>& paths) {
  // With paths, check exactly those files; without, the built-in rules.
  RuleSources what = sources;
  if (!paths.empty()) {
    what.no_builtin = true;
    what.paths = paths;
  }
  auto set = load(what);
  if (!set) {
    print_error(set.error().to_string());
    return kExitError;
  }
  const auto result = pipeline::check_rules(std::move(set).value());
  for (const auto& p : result.problems) std::cout << p << "\n";
  std::cout << result.rules << " rules, " << result.examples << " examples, " << result.negative_examples
            << " negative examples: "
            << (result.ok() ? "ok" : std::to_string(result.problems.size()) + " problems") << "\n";
  return result.ok() ? kExitClean : kExitError;
}

int rules_explain_command(const RuleSources& sources, const std::string& id) {
  auto set = load(sources);
  if (!set) {
    print_error(set.error().to_string());
    return kExitError;
  }
  const rules::Rule* r = set.value().find(id);
  if (r == nullptr) {
    print_error("no rule with id '" + id + "' (see 'tokensweep rules list')");
    return kExitError;
  }
  std::cout << r->id << " — " << r->name << "\n"
            << "  provider:    " << r->provider << "\n"
            << "  kind:        " << rules::kind_name(r->kind) << "\n"
            << "  confidence:  " << rules::confidence_name(r->confidence) << "\n"
            << "  validator:   " << rules::validator_name(r->validate) << "\n"
            << "  pattern:     " << r->pattern << "\n"
            << "  shown as:    " << (r->public_prefix.empty() ? "(no public prefix)" : r->public_prefix)
            << "… plus at most 4 final characters\n"
            << "  defined at:  " << r->origin << "\n";
  for (const auto& [k, v] : r->broker_hints) std::cout << "  broker hint: " << k << " = " << v << "\n";
  for (const auto& ref : r->references) std::cout << "  reference:   " << ref << "\n";
  std::cout << "  examples:    " << r->examples.size() << " (must be found), " << r->negative_examples.size()
            << " negative (must not be)\n";
  return kExitClean;
}

}  // namespace tokensweep::cli
