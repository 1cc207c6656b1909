// The rules the pipeline tests scan with: a checksummed GitHub token and a generic Bearer
// header, compiled once (with the decoders' triggers, as the scanner compiles them).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "engine/engine.h"
#include "pipeline/scan.h"
#include "rules/loader.h"

namespace tokensweep::pipeline {

inline const char* kTestRules = R"(rules:
  - id: github.oauth
    name: GitHub OAuth token
    kind: access_token
    provider: github
    pattern: '\b(gho_[A-Za-z0-9]{36})\b'
    validate: github-crc32
    confidence: high
  - id: generic.bearer
    name: Bearer token
    kind: access_token
    provider: generic
    pattern: '(?i)authorization:\s*bearer\s+([A-Za-z0-9._~+/-]{16,400})'
    confidence: medium
)";

inline rules::RuleSet test_rule_set() {
  auto parsed = rules::parse_rules_yaml(kTestRules, "test.yaml");
  rules::RuleSet set;
  EXPECT_TRUE(set.add(std::move(parsed).value()).has_value());
  return set;
}

inline std::shared_ptr<const engine::Engine> test_engine() {
  static const auto compiled = engine::Engine::compile(test_rule_set(), nullptr, scan_compile_options()).value();
  return compiled;
}

}  // namespace tokensweep::pipeline
