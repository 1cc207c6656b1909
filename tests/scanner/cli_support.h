// Helpers for the end-to-end tests of the `tokensweep` executable.
#pragma once

#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace tokensweep::testing {

// Rules for tests that must not depend on the built-in pack's evolution.
inline constexpr const char* kTestRules = R"(rules:
  - id: testgh.oauth
    name: Test GitHub OAuth token
    kind: access_token
    provider: testgh
    pattern: '\b(gho_[A-Za-z0-9]{36})\b'
    validate: github-crc32
    confidence: high
    examples: ['x']
    negative_examples: ['y']
  - id: generic.test-bearer
    name: Test bearer token
    kind: access_token
    provider: generic
    pattern: '(?i)authorization:\s*bearer\s+([A-Za-z0-9._~+/-]{16,400})'
    examples: ['x']
    negative_examples: ['y']
)";

inline ProcessResult tokensweep(const std::vector<std::string>& args, const ProcessOptions& options = {}) {
  std::vector<std::string> argv{tokensweep_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, options);
}

// `tokensweep scan --no-builtin-rules --rules <test rules> ARGS...`
inline ProcessResult scan_with_test_rules(const TempDir& dir, std::vector<std::string> args,
                                          const ProcessOptions& options = {}) {
  const std::string rules = dir.write("_rules/test.yaml", kTestRules);
  args.insert(args.begin(), {"scan", "--no-builtin-rules", "--rules", rules});
  return tokensweep(args, options);
}

}  // namespace tokensweep::testing
