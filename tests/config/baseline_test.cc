// Baselines: fingerprint and rule id only, sorted, stable when code moves.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/baseline.h"
#include "support/temp_dir.h"

namespace tokensweep::config {
namespace {

report::Finding finding(char fill, std::string rule, std::string path, uint64_t line) {
  report::Finding f;
  f.fingerprint = std::string(64, fill);
  f.rule_id = std::move(rule);
  f.path = std::move(path);
  f.line = line;
  return f;
}

TEST(Baseline, WritesSortedFingerprintAndRuleOnly) {
  const auto b = Baseline::from_findings({finding('b', "x.two", "src/a.txt", 10), finding('a', "x.one", "z.txt", 3),
                                          finding('b', "x.two", "src/other.txt", 99)});
  std::ostringstream out;
  b.write(out);
  const std::string text = out.str();
  EXPECT_EQ(text.substr(text.find('\n') + 1),
            std::string(64, 'a') + " x.one\n" + std::string(64, 'b') + " x.two\n");
  EXPECT_EQ(text.find("src/"), std::string::npos);
  EXPECT_EQ(text.find("99"), std::string::npos);
}

TEST(Baseline, SameSecretsInOtherPlacesGiveTheSameBytes) {
  std::ostringstream one, two;
  Baseline::from_findings({finding('c', "r", "a.txt", 1), finding('d', "r", "b.txt", 2)}).write(one);
  Baseline::from_findings({finding('d', "r", "moved/b.txt", 40), finding('c', "r", "a.txt", 7)}).write(two);
  EXPECT_EQ(one.str(), two.str());
}

TEST(Baseline, SuppressesExactlyItsSecretsAndListsStaleEntries) {
  testing::TempDir dir;
  const std::string path = dir.write("baseline", "# comment\n" + std::string(64, 'a') + " r.one\n" +
                                                    std::string(64, 'e') + " r.gone\n");
  auto b = Baseline::load(path);
  ASSERT_TRUE(b) << b.error().to_string();
  report::Report r;
  r.findings = {finding('a', "r.one", "x", 1), finding('b', "r.one", "x", 1), finding('a', "r.other", "x", 1)};
  const auto applied = apply_baseline(b.value(), r);
  EXPECT_EQ(applied.suppressed, 1U);
  ASSERT_EQ(r.findings.size(), 2U);  // another secret on the same line, and another rule, stay
  EXPECT_EQ(r.findings[0].fingerprint, std::string(64, 'b'));
  EXPECT_EQ(r.findings[1].rule_id, "r.other");
  EXPECT_EQ(r.summary.suppressed_baseline, 1U);
  EXPECT_EQ(r.summary.findings, 2U);
  ASSERT_EQ(applied.stale.size(), 1U);
  EXPECT_EQ(applied.stale[0].rule_id, "r.gone");
}

TEST(Baseline, MalformedLineIsNamed) {
  testing::TempDir dir;
  const std::string path = dir.write("baseline", std::string(64, 'a') + " r.one\nsrc/a.txt:12 r.two\n");
  auto b = Baseline::load(path);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().location, path + ":2");
}

}  // namespace
}  // namespace tokensweep::config
