// The expressions the engine gives Hyperscan, one per line in the form Hyperscan's own
// tools read ("INDEX:/EXPRESSION/FLAGS"; m: multiline, P: prefilter), for hsdump
// (bench/hs_literals.sh). The index is the rule's place in the set; `--ids` writes the
// rule ids instead, one per line in the same order.
//
//   hs_patterns [--rules PATH]... [--no-builtin] [--ids]
#include <cstdio>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "rules/loader.h"

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  bool builtin = true;
  bool ids = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) {
      paths.push_back(argv[++i]);
    } else if (a == "--no-builtin") {
      builtin = false;
    } else if (a == "--ids") {
      ids = true;
    } else {
      std::fprintf(stderr, "hs_patterns: unknown argument '%s'\nusage: hs_patterns [--rules PATH]... [--no-builtin] [--ids]\n",
                   a.c_str());
      return 2;
    }
  }
  auto set = tokensweep::rules::load_rule_set(builtin, paths);
  if (!set) {
    std::fprintf(stderr, "hs_patterns: %s\n", set.error().to_string().c_str());
    return 2;
  }
  // Compiled for the prefilter flags: which rules Hyperscan takes only approximately.
  auto engine = tokensweep::engine::Engine::compile(std::move(set).value());
  if (!engine) {
    std::fprintf(stderr, "hs_patterns: %s\n", engine.error().to_string().c_str());
    return 2;
  }
  const auto& rules = engine.value()->rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (ids) {
      std::printf("%s\n", rules[i].id.c_str());
    } else {
      std::printf("%zu:/%s/m%s\n", i, tokensweep::engine::Engine::hyperscan_expression(rules[i]).c_str(),
                  engine.value()->is_prefiltered(i) ? "P" : "");
    }
  }
  return 0;
}
