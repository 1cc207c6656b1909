// tokensweep_rules_compile, the build step that turns rules/*.yaml into the C++ table of
// the built-in rules: a bad rule fails the build with the loader's own message, and every
// byte of every string survives as a C++ literal. (That the table the build produced equals
// rules/ field by field is builtin_rules_test.cc.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/process.h"
#include "support/temp_dir.h"

namespace tokensweep::rules {
namespace {

using testing::run_process;
using testing::TempDir;

const std::string kTool = std::string(TOKENSWEEP_BINARY_DIR) + "/src/rules/tokensweep_rules_compile";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CompileRules, ABadRuleFailsWithFileLineAndIdAndWritesNothing) {
  TempDir dir;
  dir.write("rules/a.yaml", "rules:\n  - id: a.ok\n    name: n\n    kind: pat\n    provider: a\n    pattern: '(x)'\n");
  dir.write("rules/b.yaml",
            "rules:\n\n  - id: b.bad\n    name: n\n    kind: token\n    provider: b\n    pattern: '(y)'\n");
  const std::string out = dir.str() + "/table.cc";
  const auto r = run_process({kTool, dir.str() + "/rules", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("builtin:rules/b.yaml:3 b.bad: unknown kind 'token'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CompileRules, ADuplicateIdAcrossFilesFailsNamingTheFirst) {
  TempDir dir;
  dir.write("rules/a.yaml", "rules:\n  - {id: a.x, name: n, kind: pat, provider: a, pattern: '(x)'}\n");
  dir.write("rules/b.yaml", "rules:\n  - {id: a.x, name: n, kind: pat, provider: a, pattern: '(y)'}\n");
  const auto r = run_process({kTool, dir.str() + "/rules", dir.str() + "/table.cc"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("builtin:rules/b.yaml:2 a.x: duplicate rule id (first defined at builtin:rules/a.yaml:2)"),
            std::string::npos)
      << r.err;
}

TEST(CompileRules, WritesEveryByteAsAnExactLiteral) {
  TempDir dir;
  // Double quotes, backslashes, "??=" (a trigraph before C++17), a newline, a tab, a
  // control byte followed by a digit (which must not extend its escape) and UTF-8.
  dir.write("rules/t.yaml",
            "rules:\n"
            "  - id: t.tricky\n"
            "    name: \"say \\\"hi\\\" \\\\d ?\?= caf\\u00e9\"\n"
            "    kind: pat\n"
            "    provider: t\n"
            "    pattern: '\\b(tok_[a-z]{4})\\b'\n"
            "    examples: [\"a\\nb\\tc\\x017\"]\n"
            "    broker: {token_type_hint: access_token}\n");
  const std::string out = dir.str() + "/table.cc";
  const auto r = run_process({kTool, dir.str() + "/rules", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read(out);
  EXPECT_NE(text.find(R"("say \"hi\" \\d ?\?= caf\303\251"sv)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("\\b(tok_[a-z]{4})\\b"sv)"), std::string::npos);
  EXPECT_NE(text.find(R"("a\012b\011c\0017"sv)"), std::string::npos);
  EXPECT_NE(text.find("\"token_type_hint\"sv,\n    \"access_token\"sv,"), std::string::npos);
  EXPECT_NE(text.find(R"("tok_"sv)"), std::string::npos);  // the derived public prefix
  EXPECT_NE(text.find(R"("builtin:rules/t.yaml:2"sv)"), std::string::npos);
}

}  // namespace
}  // namespace tokensweep::rules
