// The built-in rule pack as data: the form in which the build compiles rules/*.yaml into
// the library (src/rules/compile_rules.cc writes the table, builtin_rules.cc reads it).
// Internal to src/rules; everyone else calls rules::builtin_rules() (rules/loader.h).
#pragma once

#include <span>
#include <string_view>

#include "rules/rule.h"

namespace tokensweep::rules {

// One rule exactly as the loader produced it from YAML; the fields mirror rules::Rule.
struct BuiltinRule {
  std::string_view id;
  std::string_view name;
  Kind kind;
  std::string_view provider;
  std::string_view pattern;
  Validator validate;
  Confidence confidence;
  std::span<const std::string_view> broker_hints;  // key, value, key, value, ...
  std::span<const std::string_view> references;
  std::span<const std::string_view> examples;
  std::span<const std::string_view> negative_examples;
  std::string_view public_prefix;
  std::string_view origin;  // "builtin:rules/github.yaml:12"
};

// Defined by the generated source (builtin_rules_table.cc in the build directory).
std::span<const BuiltinRule> builtin_rule_table();

}  // namespace tokensweep::rules
