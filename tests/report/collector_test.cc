// FindingCollector over many blocks: findings are kept in chunks and the duplicate index
// forgets finished lines, so these check that neither loses, reorders or double-counts.
#include "report/collector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/loader.h"

namespace tokensweep::report {
namespace {

rules::RuleSet two_rules() {
  auto parsed = rules::parse_rules_yaml(R"(rules:
  - id: test.specific
    name: Specific
    kind: access_token
    provider: test
    confidence: high
    pattern: '(tok_[a-z0-9]{20})'
  - id: generic.test
    name: Generic
    kind: access_token
    provider: generic
    confidence: low
    pattern: '=(tok_[a-z0-9]{20})'
)",
                                        "test.yaml");
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().to_string());
  rules::RuleSet set;
  if (parsed) {
    EXPECT_TRUE(set.add(std::move(parsed).value()).has_value());
  }
  return set;
}

std::string secret_number(std::size_t i) {
  std::string digits = std::to_string(i);
  return "tok_" + std::string(20 - digits.size(), 'a') + digits;
}

TEST(FindingCollector, ManyBlocksOfFindingsComeBackInOrderOncePerSecretAndLine) {
  // 10,000 lines of one secret each (more than two chunks, and the index forgets finished
  // lines twice), in blocks of 100 lines; each secret is matched by both rules, the less
  // confident first: a duplicate on the same line, merged into the better rule's finding.
  const rules::RuleSet rules = two_rules();
  FindingCollector collector(rules, "big.log");
  collector.keep_secrets(false);
  constexpr std::size_t kLines = 10'000;
  constexpr std::size_t kPerBlock = 100;
  uint64_t base = 0;
  std::size_t expected = 0;
  for (std::size_t first = 0; first < kLines; first += kPerBlock) {
    std::string block;
    std::vector<engine::Match> matches;
    for (std::size_t i = first; i < first + kPerBlock; ++i) {
      const std::string secret = secret_number(i);
      const uint64_t at = block.size() + 2;  // after "k="
      block += "k=" + secret + "\n";
      matches.push_back({1, at + secret.size(), at, at + secret.size(), {}});  // generic first
      matches.push_back({0, at + secret.size(), at, at + secret.size(), {}});
      ++expected;
    }
    collector.add_block(block, base, base + block.size(), matches);
    base += block.size();
  }
  EXPECT_EQ(collector.duplicates_merged(), kLines);
  const std::vector<Finding> findings = collector.take();
  ASSERT_EQ(findings.size(), expected);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    ASSERT_EQ(findings[i].line, i + 1) << "finding " << i;
    ASSERT_EQ(findings[i].column, 3U);
    ASSERT_EQ(findings[i].rule_id, "test.specific") << "the more confident rule wins, line " << i + 1;
    if (i > 0) {
      ASSERT_LT(findings[i - 1].offset, findings[i].offset);
    }
  }
  EXPECT_TRUE(collector.take().empty()) << "take() hands everything over once";
}

TEST(FindingCollector, ADuplicateOnALineSpanningTwoBlocksIsStillMerged) {
  // The line that a block boundary cuts is the one line the index must still remember
  // after the earlier lines are forgotten.
  const rules::RuleSet rules = two_rules();
  FindingCollector collector(rules, "cut.log");
  collector.keep_secrets(false);
  std::string text;
  for (std::size_t i = 0; i < 5000; ++i) text += "k=" + secret_number(i) + "\n";
  const std::string secret = secret_number(99'999);
  const std::size_t line_start = text.size();
  text += "a=" + secret + " b=" + secret + "\n";
  const uint64_t a = line_start + 2;
  const uint64_t b = a + secret.size() + 3;
  const std::size_t cut = b - 2;  // between the two: the line's first secret is in the first block
  std::vector<engine::Match> first;
  for (std::size_t i = 0, at = 2; i < 5000; ++i, at += 27) first.push_back({0, at + 24, at, at + 24, {}});
  first.push_back({0, a + 24, a, a + 24, {}});
  collector.add_block(std::string_view(text).substr(0, cut), 0, cut, first);
  std::vector<engine::Match> second = {{0, b - cut + 24, b - cut, b - cut + 24, {}}};
  collector.add_block(std::string_view(text).substr(cut), cut, cut, second);
  const std::vector<Finding> findings = collector.take();
  ASSERT_EQ(findings.size(), 5001U);
  EXPECT_EQ(findings.back().line, 5001U);
  EXPECT_EQ(findings.back().column, 3U);
  EXPECT_EQ(collector.duplicates_merged(), 1U);
}

TEST(FindingCollector, AllowMarkersHoldInDenseAndSparseBlocks) {
  // A block with a match on every line is looked over for markers once; a long block with
  // few matches looks around each match. Either way a marked line (or the line after an
  // allow-next-line) is suppressed and the others are findings.
  const rules::RuleSet rules = two_rules();
  for (const std::size_t filler : {0, 20'000}) {
    FindingCollector collector(rules, "marked.log");
    collector.keep_secrets(false);
    std::string block;
    std::vector<engine::Match> matches;
    const auto add_line = [&](std::size_t i, std::string_view comment) {
      const uint64_t at = block.size() + 2;
      block += "k=" + secret_number(i) + std::string(comment) + "\n";
      matches.push_back({0, at + 24, at, at + 24, {}});
      if (filler > 0) block += std::string(filler, ' ') + "\n";
    };
    for (std::size_t i = 0; i < 40; ++i) {
      add_line(i, i == 7 ? "  # tokensweep:allow" : i == 20 ? "  # tokensweep:allow-next-line" : "");
    }
    SCOPED_TRACE(filler == 0 ? "dense" : "sparse");
    ASSERT_EQ(matches.size() * 512 < block.size(), filler > 0) << "the two kinds of block";
    collector.add_block(block, 0, block.size(), matches);
    const std::vector<Finding> findings = collector.take();
    // Line 21 (i = 20) holds the allow-next-line marker and its own secret, which stays;
    // with filler the line after it is blank, so nothing else is suppressed there.
    EXPECT_EQ(collector.suppressed(), filler == 0 ? 2U : 1U);
    EXPECT_EQ(findings.size(), 40 - collector.suppressed());
    const uint64_t marked_line = filler == 0 ? 8 : 15;  // i = 7
    for (const Finding& f : findings) EXPECT_NE(f.line, marked_line) << "the marked line";
  }
}

TEST(FindingCollector, LinesFromANewlineIndexAreTheCountedOnes) {
  // Lines short and long (a 20 KiB one: whole index chunks without a line break), a secret
  // on some, in two blocks: numbered through each block's NewlineIndex, every finding has
  // the line and column that counting every byte gives.
  const rules::RuleSet rules = two_rules();
  std::string text;
  std::vector<uint64_t> at;
  for (std::size_t i = 0; i < 3000; ++i) {
    const std::size_t pad = i % 97 == 0 ? 20'000 : i * 7 % 150;
    text += std::string(pad, ' ');
    if (i % 3 == 0) {
      at.push_back(text.size());
      text += secret_number(i);
    }
    text += "\n";
  }
  const std::size_t cut = text.size() / 2 + 17;
  std::vector<std::vector<Finding>> results;
  for (const bool indexed : {false, true}) {
    FindingCollector collector(rules, "lines.log");
    collector.keep_secrets(false);
    std::vector<engine::Match> first, second;
    for (const uint64_t a : at) {
      if (a + 24 <= cut) first.push_back({0, a + 24, a, a + 24, {}});
      if (a >= cut) second.push_back({0, a + 24 - cut, a - cut, a + 24 - cut, {}});
    }
    const std::string_view head = std::string_view(text).substr(0, cut), tail = std::string_view(text).substr(cut);
    NewlineIndex head_lines, tail_lines;
    head_lines.build(head, "\x1b");
    tail_lines.build(tail, "\x1b");
    collector.add_block(head, 0, cut, first, indexed ? &head_lines : nullptr);
    collector.add_block(tail, cut, cut, second, indexed ? &tail_lines : nullptr);
    results.push_back(collector.take());
  }
  ASSERT_GE(results[0].size(), at.size() - 1);  // a secret the cut splits is in neither block
  ASSERT_EQ(results[1].size(), results[0].size());
  for (std::size_t i = 0; i < results[0].size(); ++i) {
    ASSERT_EQ(results[1][i].line, results[0][i].line) << "finding " << i;
    ASSERT_EQ(results[1][i].column, results[0][i].column) << "finding " << i;
    ASSERT_EQ(results[1][i].offset, results[0][i].offset) << "finding " << i;
  }
  EXPECT_EQ(results[0].back().line, 2998U);  // i = 2997, the last with a secret
}

}  // namespace
}  // namespace tokensweep::report
