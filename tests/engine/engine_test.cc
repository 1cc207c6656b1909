#include "engine/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <set>
#include <tuple>

#include "rules/loader.h"
#include "support/temp_dir.h"
#include "support/tokens.h"

namespace tokensweep::engine {
namespace {

using testing::checksummed_token;

rules::RuleSet rule_set(const std::string& yaml) {
  auto parsed = rules::parse_rules_yaml(yaml, "test.yaml");
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().to_string());
  rules::RuleSet set;
  if (parsed) {
    EXPECT_TRUE(set.add(std::move(parsed).value()).has_value());
  }
  return set;
}

std::string one_rule(const std::string& pattern, const std::string& extra = "") {
  return "rules:\n  - id: test.rule\n    name: Test rule\n    kind: access_token\n    provider: test\n"
         "    pattern: '" + pattern + "'\n" + extra;
}

const char* kGithubRules = R"(rules:
  - id: github.oauth
    name: GitHub OAuth token
    kind: access_token
    provider: github
    pattern: '\b(gho_[A-Za-z0-9]{36})\b'
    validate: github-crc32
  - id: google.access
    name: Google access token
    kind: access_token
    provider: google
    pattern: '\b(ya29\.[A-Za-z0-9_-]{20,})'
  - id: generic.bearer
    name: Bearer token
    kind: access_token
    provider: generic
    pattern: '(?i)authorization:\s*bearer\s+([A-Za-z0-9._~+/-]{16,400})'
)";

std::shared_ptr<const Engine> compile_ok(const std::string& yaml) {
  auto engine = Engine::compile(rule_set(yaml));
  EXPECT_TRUE(engine.has_value()) << (engine ? "" : engine.error().to_string());
  return engine ? engine.value() : nullptr;
}

struct Found {
  std::string rule;
  std::string secret;
  bool operator<(const Found& o) const { return std::tie(rule, secret) < std::tie(o.rule, o.secret); }
  bool operator==(const Found& o) const { return rule == o.rule && secret == o.secret; }
};

std::vector<Found> scan_all(const std::shared_ptr<const Engine>& engine, std::string_view data) {
  Scanner scanner(engine);
  std::vector<Match> matches;
  EXPECT_TRUE(scanner.scan(data, matches).has_value());
  std::vector<Found> out;
  for (const auto& m : matches) {
    out.push_back({engine->rules()[m.rule].id, std::string(data.substr(m.start, m.end - m.start))});
  }
  return out;
}

TEST(Engine, FindsChecksummedTokenAndCapturesExactlyIt) {
  const auto engine = compile_ok(kGithubRules);
  const auto token = checksummed_token("gho_", 11);
  const std::string text = "export GH_TOKEN=" + token + "\n";
  const auto found = scan_all(engine, text);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].rule, "github.oauth");
  EXPECT_TRUE(found[0].secret == token) << "capture differs from the planted token";
}

TEST(Engine, TokenFailingItsChecksumIsNotAMatch) {
  const auto engine = compile_ok(kGithubRules);
  EXPECT_TRUE(scan_all(engine, "t=" + testing::with_bad_checksum(checksummed_token("gho_", 12))).empty());
}

TEST(Engine, WordBoundaryLooksAtTheRealNeighbour) {
  const auto engine = compile_ok(kGithubRules);
  // Glued to a word character on either side, it is part of something else.
  EXPECT_TRUE(scan_all(engine, "x" + checksummed_token("gho_", 13)).empty());
  EXPECT_TRUE(scan_all(engine, checksummed_token("gho_", 13) + "x").empty());
}

TEST(Engine, GreedyRuleReportsTheWholeTokenOnce) {
  const auto engine = compile_ok(kGithubRules);
  const std::string token = "ya29." + testing::random_base62(180, 5);
  const auto found = scan_all(engine, "curl -H 'x: " + token + "' https://x\n");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].secret == token);
}

// A wide rule (matches up to 400+ bytes) finds where its match starts by searching
// backwards from the hit; these pin what that must agree with: the forward search's
// capture, with the window before the hit full of the rule's own character class.
TEST(Engine, WideRuleCapturesTheWholeTokenAfterALongRunOfItsOwnClass) {
  const auto engine = compile_ok(kGithubRules);
  ASSERT_GT(engine->max_width(2), 256U);  // generic.bearer: the backward search applies
  const std::string filler = testing::random_base62(600, 7);
  const std::string token = testing::random_base62(300, 8);
  const std::string text = filler + " Authorization: Bearer " + token + "\n" + filler;
  const auto found = scan_all(engine, text);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].rule, "generic.bearer");
  EXPECT_TRUE(found[0].secret == token) << "capture differs from the planted token";
}

TEST(Engine, WideRuleWhoseEndDependsOnTheNextByteIsStillFound) {
  // \B after the token holds only when a word character follows: cut at the hit, the
  // backward search sees the end of the text there and finds nothing, and the forward
  // search over the whole window must still confirm the hit.
  const auto engine = compile_ok(one_rule("key=([a-z]{10,300})\\B"));
  ASSERT_GT(engine->max_width(0), 256U);
  const auto found = scan_all(engine, "x key=abcdefghijklmnop1 y");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].secret, "abcdefghijklmnop");  // greedy: \B holds before the 1
}

TEST(Engine, WideRuleFindsEachOfTwoTokensOnOneLine) {
  const auto engine = compile_ok(kGithubRules);
  const std::string a = "ya29." + testing::random_base62(120, 9);
  const std::string b = "ya29." + testing::random_base62(140, 10);
  const auto found = scan_all(engine, "t=" + a + " u=" + b + "\n");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_TRUE(found[0].secret == a);
  EXPECT_TRUE(found[1].secret == b);
}

TEST(Engine, LargeCountedRepeatsKeepTheirBoundsThoughHyperscanSeesThemRelaxed) {
  // Hyperscan compiles {10,100} as {10,}: a run too long for the rule is a hit there, and
  // RE2's exact pattern must turn it down; the window is still the exact pattern's.
  const auto engine = compile_ok(one_rule("k=([a-z]{10,100})(?:[^a-z]|$)"));
  EXPECT_EQ(engine->max_width(0), 103U);
  const auto letters = [](std::size_t n) {  // not one repeated letter: that is a placeholder
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + (i * 7) % 26);
    return s;
  };
  const std::string fits = letters(100);
  auto found = scan_all(engine, "a k=" + fits + " b");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].secret, fits);
  EXPECT_TRUE(scan_all(engine, "a k=" + letters(101) + " b").empty());
  EXPECT_TRUE(scan_all(engine, "a k=" + letters(5000) + "\n").empty());
  found = scan_all(engine, "k=" + letters(9) + " k=" + fits + "\n");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].secret, fits);
}

TEST(Engine, AdjacentTokensAreEachFound) {
  const auto engine = compile_ok(kGithubRules);
  const auto a = checksummed_token("gho_", 20);
  const auto b = checksummed_token("gho_", 21);
  const auto found = scan_all(engine, a + " " + b + "\n" + a);
  ASSERT_EQ(found.size(), 3U);
  EXPECT_TRUE(found[0].secret == a);
  EXPECT_TRUE(found[1].secret == b);
  EXPECT_TRUE(found[2].secret == a);
}

TEST(Engine, EveryRuleThatMatchesReports) {
  const auto engine = compile_ok(kGithubRules);
  const auto token = checksummed_token("gho_", 22);
  auto found = scan_all(engine, "Authorization: Bearer " + token + "\n");
  std::sort(found.begin(), found.end());
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].rule, "generic.bearer");
  EXPECT_EQ(found[1].rule, "github.oauth");
}

TEST(Engine, NulBytesAndInvalidUtf8AroundATokenDoNotHideIt) {
  const auto engine = compile_ok(kGithubRules);
  const auto token = checksummed_token("gho_", 23);
  std::string data("\0\xff\xfe\x80 ", 5);
  data += token;
  data += std::string("\0\xc3\x28", 3);
  const auto found = scan_all(engine, data);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].secret == token);
}

TEST(Engine, EmptyInputAndNoRules) {
  EXPECT_TRUE(scan_all(compile_ok(kGithubRules), "").empty());
  const auto empty = Engine::compile(rules::RuleSet{});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(scan_all(empty.value(), "anything at all").empty());
}

TEST(Engine, PlaceholdersAreNeverMatches) {
  const auto engine = compile_ok(kGithubRules);
  EXPECT_TRUE(scan_all(engine, "Authorization: Bearer ${{ secrets.GITHUB_TOKEN }}xxxxxxxxxxxx").empty());
  EXPECT_TRUE(scan_all(engine, "Authorization: Bearer XXXXXXXXXXXXXXXXXXXXXXXX").empty());
}

// Bad rules: each is rejected with a message naming the file, line and rule id.
struct BadRule {
  const char* why;
  std::string yaml;
  const char* expected;
};

class EngineRejects : public ::testing::TestWithParam<BadRule> {};

TEST_P(EngineRejects, NamesTheRule) {
  auto engine = Engine::compile(rule_set(GetParam().yaml));
  ASSERT_FALSE(engine.has_value()) << GetParam().why;
  const std::string message = engine.error().to_string();
  EXPECT_NE(message.find("test.yaml:2 test.rule"), std::string::npos) << message;
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    BadPatterns, EngineRejects,
    ::testing::Values(BadRule{"no capture", one_rule("tok_[a-z]{10}"), "expected exactly 1"},
                      BadRule{"two captures", one_rule("(tok)_([a-z]{10})"), "2 capture groups"},
                      BadRule{"lookahead (RE2)", one_rule("(tok_[a-z]{10})(?=x)"), "RE2"},
                      BadRule{"backreference (RE2)", one_rule("(a)\\1"), "RE2"},
                      BadRule{"unbalanced", one_rule("(tok_[a-z"), "RE2"},
                      BadRule{"matches empty", one_rule("(a*)"), "empty string"}));

TEST(Engine, CompileReportsEveryBadRule) {
  const std::string yaml = one_rule("no_capture") +
                           "  - id: test.second\n    name: x\n    kind: pat\n    provider: test\n    pattern: '(a)(b)'\n";
  std::vector<RuleProblem> problems;
  auto engine = Engine::compile(rule_set(yaml), &problems);
  ASSERT_FALSE(engine.has_value());
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_NE(problems[0].message.find("test.rule"), std::string::npos);
  EXPECT_NE(problems[1].message.find("test.second"), std::string::npos);
}

// Scanning a stream in overlapping blocks, each keeping only the matches it owns, must
// find exactly what one scan of the whole finds — wherever the block boundaries fall.
TEST(Engine, OverlappingBlocksFindEachMatchExactlyOnce) {
  const auto engine = compile_ok(kGithubRules);
  std::mt19937 rng(42);
  std::string data;
  for (int i = 0; i < 400; ++i) {
    data += testing::random_base62(rng() % 300, static_cast<uint32_t>(i)) + " ";
    switch (rng() % 3) {
      case 0: data += checksummed_token("gho_", static_cast<uint32_t>(i)); break;
      case 1: data += "ya29." + testing::random_base62(20 + rng() % 200, static_cast<uint32_t>(i)); break;
      default: data += "Authorization: Bearer " + testing::random_base62(16 + rng() % 100, static_cast<uint32_t>(i));
    }
    data += "\n";
  }
  const auto whole = scan_all(engine, data);
  ASSERT_GT(whole.size(), 300U);

  const uint64_t margin = engine->max_window();
  for (const std::size_t block : {4 * margin + 1, 4 * margin + 777, 10 * margin + 3}) {
    Scanner scanner(engine);
    std::vector<Found> pieces;
    const std::size_t overlap = 2 * margin;
    for (std::size_t base = 0;; base += block - overlap) {
      const bool last = base + block >= data.size();
      const std::string_view view = std::string_view(data).substr(base, block);
      std::vector<Match> matches;
      ASSERT_TRUE(scanner.scan(view, matches, base == 0 ? 0 : margin, last ? UINT64_MAX : view.size() - margin)
                      .has_value());
      for (const auto& m : matches) {
        pieces.push_back({engine->rules()[m.rule].id, std::string(view.substr(m.start, m.end - m.start))});
      }
      if (last) break;
    }
    auto a = whole;
    std::sort(a.begin(), a.end());
    std::sort(pieces.begin(), pieces.end());
    EXPECT_TRUE(a == pieces) << "block size " << block << ": " << a.size() << " vs " << pieces.size();
  }
}

TEST(Engine, MaxWindowIsTheLongestBoundedMatch) {
  const auto engine = compile_ok(one_rule("\\b(tok_[a-z]{10,50})\\b"));
  EXPECT_GE(engine->max_window(), 54U);
  EXPECT_LE(engine->max_window(), 64U);
  const auto unbounded = compile_ok(one_rule("(tok_[a-z]+)"));
  EXPECT_EQ(unbounded->max_window(), kMaxMatchWidth);
}

}  // namespace
}  // namespace tokensweep::engine

namespace tokensweep::engine {
namespace {

TEST(DatabaseCache, SecondCompileLoadsTheCachedDatabaseAndScansTheSame) {
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str() + "/cache";
  auto first = Engine::compile(rule_set(kGithubRules), nullptr, options);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first.value()->from_cache());
  auto second = Engine::compile(rule_set(kGithubRules), nullptr, options);
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second.value()->from_cache());
  EXPECT_EQ(second.value()->max_window(), first.value()->max_window());
  const std::string text = "Authorization: Bearer " + checksummed_token("gho_", 77) + " ya29." +
                           testing::random_base62(40, 78);
  auto a = scan_all(first.value(), text);
  auto b = scan_all(second.value(), text);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a.size(), 3U);
  EXPECT_TRUE(a == b);
}

TEST(DatabaseCache, ACachedEngineConfirmsAsTheFreshlyCompiledOneDoes) {
  // A wide rule searches backwards from a hit for its match's start (engine.h); an engine
  // compiled now did not, until the rule's width was known when its RE2 program was built.
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str();
  const std::string yaml = one_rule(R"(\b(tok_[a-z]{10,500})\b)");
  auto fresh = Engine::compile(rule_set(yaml), nullptr, options);
  auto cached = Engine::compile(rule_set(yaml), nullptr, options);
  ASSERT_TRUE(fresh.has_value() && cached.has_value());
  ASSERT_FALSE(fresh.value()->from_cache());
  ASSERT_TRUE(cached.value()->from_cache());
  std::string body;
  for (uint32_t x = 7; body.size() < 300;) body += static_cast<char>('a' + (x = x * 1103515245U + 12345U) % 26);
  const std::string text = "x tok_" + body + " y";
  Scanner a(fresh.value()), b(cached.value());
  std::vector<Match> ma, mb;
  ASSERT_TRUE(a.scan(text, ma).has_value());
  ASSERT_TRUE(b.scan(text, mb).has_value());
  ASSERT_EQ(ma.size(), 1U);
  ASSERT_EQ(mb.size(), 1U);
  EXPECT_EQ(a.stats().confirmations, b.stats().confirmations);
  EXPECT_EQ(a.stats().confirmations, 2U);  // the backward search, then the capture
}

TEST(DatabaseCache, ADifferentRuleSetMissesTheCache) {
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str();
  ASSERT_TRUE(Engine::compile(rule_set(kGithubRules), nullptr, options).has_value());
  auto other = Engine::compile(rule_set(one_rule("\\b(tok_[a-z]{10})\\b")), nullptr, options);
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other.value()->from_cache());
}

TEST(DatabaseCache, CorruptEntriesAreIgnoredAndRewritten) {
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str();
  ASSERT_TRUE(Engine::compile(rule_set(kGithubRules), nullptr, options).has_value());
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << "TSHSDB01 garbage";
  }
  auto engine = Engine::compile(rule_set(kGithubRules), nullptr, options);
  ASSERT_TRUE(engine.has_value());
  EXPECT_FALSE(engine.value()->from_cache());
  EXPECT_EQ(scan_all(engine.value(), checksummed_token("gho_", 79)).size(), 1U);
  auto again = Engine::compile(rule_set(kGithubRules), nullptr, options);
  EXPECT_TRUE(again.value()->from_cache());
}

TEST(DatabaseCache, TruncatedAndEmptyEntriesAreIgnored) {
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str();
  ASSERT_TRUE(Engine::compile(rule_set(kGithubRules), nullptr, options).has_value());
  std::filesystem::path entry;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) entry = e.path();
  const auto size = std::filesystem::file_size(entry);
  for (const auto cut : {size - 1, size / 2, std::uintmax_t{0}}) {
    std::filesystem::resize_file(entry, cut);
    auto engine = Engine::compile(rule_set(kGithubRules), nullptr, options);
    ASSERT_TRUE(engine.has_value());
    EXPECT_FALSE(engine.value()->from_cache()) << "cut to " << cut << " of " << size << " bytes";
    EXPECT_EQ(std::filesystem::file_size(entry), size);  // rewritten whole
  }
}

TEST(DatabaseCache, ConcurrentCompilesNeverReadAHalfWrittenEntry) {
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto e = Engine::compile(rule_set(kGithubRules), nullptr, options);
        if (e && scan_all(e.value(), checksummed_token("gho_", 80)).size() == 1) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 12);
}

TEST(DatabaseCache, KeepsABoundedNumberOfEntries) {
  testing::TempDir dir;
  CompileOptions options;
  options.cache_dir = dir.str();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Engine::compile(rule_set(one_rule("\\b(tok" + std::to_string(i) + "_[a-z]{10})\\b")), nullptr, options)
                    .has_value());
  }
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_LE(entries, 16U);
}

}  // namespace
}  // namespace tokensweep::engine

namespace tokensweep::engine {
namespace {

TEST(Triggers, SetTheirBitWhenTheirPatternOccursAndProduceNoMatch) {
  CompileOptions options;
  options.use_cache = false;
  options.triggers = {{"\\x1b\\[", 1U}, {"%3[Dd]", 4U}};
  auto engine = Engine::compile(rule_set(kGithubRules), nullptr, options);
  ASSERT_TRUE(engine.has_value()) << engine.error().to_string();
  EXPECT_TRUE(engine.value()->has_triggers());
  Scanner scanner(engine.value());
  std::vector<Match> matches;
  ASSERT_TRUE(scanner.scan("plain text", matches).has_value());
  EXPECT_EQ(scanner.triggers(), 0U);
  ASSERT_TRUE(scanner.scan("a \x1b[31mred\x1b[0m and x%3Dy", matches).has_value());
  EXPECT_EQ(scanner.triggers(), 5U);
  EXPECT_TRUE(matches.empty());
  ASSERT_TRUE(scanner.scan("x%3dy " + checksummed_token("gho_", 90), matches).has_value());
  EXPECT_EQ(scanner.triggers(), 4U);  // reset for every scan
  EXPECT_EQ(matches.size(), 1U);
}

TEST(Triggers, AreNotRulesAndDoNotShareTheirCacheEntry) {
  testing::TempDir dir;
  CompileOptions plain;
  plain.cache_dir = dir.str();
  CompileOptions with = plain;
  with.triggers = {{"zzz", 2U}};
  ASSERT_TRUE(Engine::compile(rule_set(kGithubRules), nullptr, plain).has_value());
  auto e = Engine::compile(rule_set(kGithubRules), nullptr, with);
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(e.value()->from_cache());
  EXPECT_EQ(e.value()->rules().size(), 3U);
  Scanner scanner(e.value());
  std::vector<Match> matches;
  ASSERT_TRUE(scanner.scan("zzz", matches).has_value());
  EXPECT_EQ(scanner.triggers(), 2U);
}

}  // namespace
}  // namespace tokensweep::engine
