#include "pipeline/rules_check.h"

#include <algorithm>

#include "engine/engine.h"
#include "pipeline/scan.h"

namespace tokensweep::pipeline {
namespace {

bool rule_finds(engine::Scanner& scanner, const std::string& text, const std::string& rule_id,
                std::string* error) {
  auto findings = scan_buffer(scanner, text, "example");
  if (!findings) {
    *error = findings.error().message;
    return false;
  }
  return std::any_of(findings.value().begin(), findings.value().end(),
                     [&](const report::Finding& f) { return f.rule_id == rule_id; });
}

}  // namespace

RulesCheckResult check_rules(rules::RuleSet rule_set) {
  RulesCheckResult result;
  result.rules = rule_set.size();
  // Structural checks first: they need no engine.
  for (const auto& rule : rule_set.rules()) {
    const std::string where = rule.origin + " " + rule.id + ": ";
    if (rule.examples.empty()) result.problems.push_back(where + "has no examples");
    if (rule.negative_examples.empty()) result.problems.push_back(where + "has no negative_examples");
  }

  std::vector<engine::RuleProblem> compile_problems;
  // Never from the cache: the check is that both engines compile every rule now.
  engine::CompileOptions fresh;
  fresh.use_cache = false;
  auto compiled = engine::Engine::compile(rule_set, &compile_problems, fresh);
  if (!compiled) {
    if (compile_problems.empty()) result.problems.push_back(compiled.error().to_string());
    for (auto& p : compile_problems) result.problems.push_back(std::move(p.message));
    return result;
  }
  engine::Scanner scanner(compiled.value());
  for (const auto& rule : compiled.value()->rules().rules()) {
    const std::string where = rule.origin + " " + rule.id + ": ";
    for (std::size_t i = 0; i < rule.examples.size(); ++i) {
      ++result.examples;
      std::string error;
      if (!rule_finds(scanner, rule.examples[i], rule.id, &error)) {
        result.problems.push_back(where + "example " + std::to_string(i + 1) +
                                  (error.empty() ? " is not found" : " could not be scanned: " + error));
      }
    }
    for (std::size_t i = 0; i < rule.negative_examples.size(); ++i) {
      ++result.negative_examples;
      std::string error;
      if (rule_finds(scanner, rule.negative_examples[i], rule.id, &error)) {
        result.problems.push_back(where + "negative example " + std::to_string(i + 1) + " is reported");
      } else if (!error.empty()) {
        result.problems.push_back(where + "negative example " + std::to_string(i + 1) +
                                  " could not be scanned: " + error);
      }
    }
  }
  return result;
}

}  // namespace tokensweep::pipeline
