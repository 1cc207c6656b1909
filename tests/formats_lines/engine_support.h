// The real engine with the full built-in rule pack, over what a format produced: which
// rules match, on which line. For the tests that masks are never findings and that what
// a CI failed to mask is one.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "rules/loader.h"

namespace tokensweep::source {

struct EngineHit {
  uint64_t line = 0;
  std::string rule_id;
  std::string secret_start;  // the first 8 characters of the secret, never all of it
};

inline std::shared_ptr<const engine::Engine> builtin_engine() {
  static const std::shared_ptr<const engine::Engine> engine = [] {
    auto set = rules::load_rule_set(true, {});
    if (!set.has_value()) return std::shared_ptr<const engine::Engine>();
    auto compiled = engine::Engine::compile(std::move(set).value());
    return compiled.has_value() ? compiled.value() : std::shared_ptr<const engine::Engine>();
  }();
  return engine;
}

inline std::vector<EngineHit> scan_with_builtin_rules(std::string_view text) {
  std::vector<EngineHit> hits;
  const auto engine = builtin_engine();
  if (engine == nullptr) {
    ADD_FAILURE() << "the built-in rules did not compile";
    return hits;
  }
  engine::Scanner scanner(engine);
  std::vector<engine::Match> matches;
  const auto status = scanner.scan(text, matches);
  if (!status.has_value()) ADD_FAILURE() << status.error().to_string();
  for (const auto& m : matches) {
    EngineHit hit;
    hit.line = 1 + static_cast<uint64_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(m.start), '\n'));
    hit.rule_id = engine->rules()[m.rule].id;
    hit.secret_start = std::string(text.substr(m.start, std::min<uint64_t>(8, m.end - m.start)));
    hits.push_back(hit);
  }
  return hits;
}

inline std::string describe(const std::vector<EngineHit>& hits) {
  std::string s;
  for (const auto& h : hits) s += "\n  line " + std::to_string(h.line) + " " + h.rule_id + " " + h.secret_start + "…";
  return s;
}

}  // namespace tokensweep::source
