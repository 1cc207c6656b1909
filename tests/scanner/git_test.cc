// `tokensweep scan --git`: history, ranges and the index of real repositories built with
// the git CLI in a temporary directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/git_repo.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using nlohmann::json;

json scan(const GitRepo& repo, std::vector<std::string> args, int expected_exit, std::string* err = nullptr) {
  args.insert(args.begin(), {"--format", "json"});
  args.push_back(repo.path());
  const auto r = scan_with_test_rules(repo.dir(), args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  if (err != nullptr) *err = r.err;
  return json::parse(r.out, nullptr, false);
}

TEST(GitScan, FindsATokenDeletedLaterWithTheCommitThatIntroducedIt) {
  GitRepo repo;
  repo.commit("README.md", "hello\n", "first");
  const std::string token = checksummed_token("gho_", 81);
  repo.commit("config/app.env", "A=1\nGH=" + token + "\n", "add config");
  const std::string introduced = repo.head();
  repo.commit("config/app.env", "A=1\n", "remove the token");
  const std::string removed = repo.head();
  repo.commit("README.md", "hello again\n", "later work");
  const json doc = scan(repo, {"--git"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  const json& f = doc["findings"][0];
  EXPECT_EQ(f["path"], "config/app.env");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["source"]["commit"], introduced);
  EXPECT_EQ(f["source"]["author"], "Dev One <dev@example.com>");
  EXPECT_EQ(f["source"]["date"].get<std::string>().size(), 25U);  // 2026-01-02T03:04:05+00:00
  // ... and says it is gone from HEAD, and since when.
  EXPECT_EQ(f["source"]["removed_in"], removed);
  EXPECT_FALSE(f["source"].contains("still_in"));
  // The working tree is clean: a plain scan finds nothing.
  EXPECT_EQ(scan_with_test_rules(repo.dir(), {repo.path()}).exit_code, 0);
}

TEST(GitScan, EachBlobIsScannedOnceAcrossCommitsBranchesAndPaths) {
  GitRepo repo;
  const std::string same = "K=" + checksummed_token("gho_", 82) + "\n";
  repo.commit("a.txt", same, "one");
  repo.commit("copy/b.txt", same, "two: same content elsewhere");
  repo.git({"checkout", "-q", "-b", "topic"});
  repo.commit("c.txt", "unrelated\n", "three on a branch");
  repo.git({"checkout", "-q", "main"});
  const json doc = scan(repo, {"--git"}, 1);
  EXPECT_EQ(doc["summary"]["files_scanned"], 2);  // two distinct blobs, four paths/commits
  ASSERT_EQ(doc["findings"].size(), 1U);
  EXPECT_EQ(doc["findings"][0]["path"], "a.txt");
}

TEST(GitScan, ABlobKeptThroughManyCommitsIsScannedOnce) {
  GitRepo repo;
  const std::string big = "K=" + checksummed_token("gho_", 89) + "\n" + std::string(8000, 'x') + "\n";
  repo.commit("big.txt", big, "the big file");
  uint64_t counter_bytes = 0;
  for (int i = 0; i < 30; ++i) {  // 30 commits that each change only counter.txt
    const std::string counter = "n=" + std::to_string(i) + "\n";
    counter_bytes += counter.size();
    repo.commit("counter.txt", counter, "count " + std::to_string(i));
  }
  const json doc = scan(repo, {"--git"}, 1);
  // big.txt is in all 31 commits' trees and is read once: 31 distinct blobs, and the
  // bytes of each once (a scan per commit would read big.txt 31 times).
  EXPECT_EQ(doc["summary"]["files_scanned"], 31);
  EXPECT_EQ(doc["summary"]["bytes_scanned"], big.size() + counter_bytes);
  ASSERT_EQ(doc["findings"].size(), 1U);
  EXPECT_EQ(doc["findings"][0]["source"]["still_in"], "HEAD:big.txt");
}

TEST(GitScan, ASecretKeptThroughEditsIsOneFindingFromTheCommitThatIntroducedIt) {
  GitRepo repo;
  const std::string token = checksummed_token("gho_", 90);
  repo.commit("app.env", "GH=" + token + "\n", "add the token");
  const std::string introduced = repo.head();
  repo.commit("app.env", "A=1\nGH=" + token + "\n", "edit another line");
  repo.commit("app.env", "A=2\nGH=" + token + "\n", "and again");
  const json doc = scan(repo, {"--git"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();  // three blobs hold it, one leak
  const json& f = doc["findings"][0];
  EXPECT_EQ(f["source"]["commit"], introduced);
  EXPECT_EQ(f["line"], 1);  // where the introducing version had it
  EXPECT_EQ(f["source"]["still_in"], "HEAD:app.env");
  EXPECT_FALSE(f["source"].contains("removed_in"));
  EXPECT_EQ(doc["summary"]["duplicates_merged"], 2);
}

TEST(GitScan, AMovedSecretIsStillInHeadAtItsNewPath) {
  GitRepo repo;
  repo.commit("old/name.env", "GH=" + checksummed_token("gho_", 91) + "\n", "add");
  repo.git({"mv", "old", "new"});
  repo.git({"commit", "-q", "-m", "move"});
  const json doc = scan(repo, {"--git"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  EXPECT_EQ(doc["findings"][0]["path"], "old/name.env");
  EXPECT_EQ(doc["findings"][0]["source"]["still_in"], "HEAD:new/name.env");
}

TEST(GitScan, ASecretOnlyOnAnotherBranchIsNotInHead) {
  GitRepo repo;
  repo.commit("a.txt", "x\n", "one");
  repo.git({"checkout", "-q", "-b", "topic"});
  repo.commit("leak.env", "GH=" + checksummed_token("gho_", 92) + "\n", "leak on a branch");
  repo.git({"checkout", "-q", "main"});
  const json doc = scan(repo, {"--git"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  EXPECT_EQ(doc["findings"][0]["source"]["not_in"], "HEAD");
  EXPECT_FALSE(doc["findings"][0]["source"].contains("still_in"));
}

TEST(GitScan, ARangeSaysWhereTheSecretIsAtTheRangesEnd) {
  GitRepo repo;
  repo.commit("a.txt", "x\n", "base");
  const std::string base = repo.head();
  repo.commit("leak.env", "GH=" + checksummed_token("gho_", 93) + "\n", "leak");
  const std::string end = repo.head();
  repo.commit("leak.env", "clean\n", "clean up");
  const json at_end = scan(repo, {"--range", base + ".." + end}, 1);
  ASSERT_EQ(at_end["findings"].size(), 1U) << at_end.dump();
  EXPECT_EQ(at_end["findings"][0]["source"]["still_in"], end + ":leak.env");
  const json to_head = scan(repo, {"--since", base}, 1);
  ASSERT_EQ(to_head["findings"].size(), 1U) << to_head.dump();
  EXPECT_EQ(to_head["findings"][0]["source"]["removed_in"], repo.head());
}

TEST(GitScan, RangeAndSinceScanOnlyWhatTheyAdd) {
  GitRepo repo;
  repo.commit("old.txt", "T=" + checksummed_token("gho_", 83) + "\n", "old leak");
  const std::string base = repo.head();
  repo.commit("new.txt", "clean\n", "clean change");
  EXPECT_EQ(scan(repo, {"--range", base + "..HEAD"}, 0)["findings"].size(), 0U);
  EXPECT_EQ(scan(repo, {"--since", base}, 0)["findings"].size(), 0U);
  repo.commit("new.txt", "T=" + checksummed_token("gho_", 84) + "\n", "new leak");
  const json doc = scan(repo, {"--range", base + "..HEAD"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U);
  EXPECT_EQ(doc["findings"][0]["path"], "new.txt");
}

TEST(GitScan, EmptyRangeIsReportedNeverACleanPass) {
  GitRepo repo;
  repo.commit("a.txt", "x\n", "one");
  std::string err;
  const json doc = scan(repo, {"--range", "HEAD..HEAD"}, 2, &err);
  EXPECT_NE(err.find("empty range HEAD..HEAD: it contains no commits, so nothing was scanned"), std::string::npos)
      << err;
  ASSERT_EQ(doc["diagnostics"].size(), 1U) << doc.dump();
  EXPECT_EQ(doc["diagnostics"][0]["code"], "empty-range");
  EXPECT_NE(doc["diagnostics"][0]["message"].get<std::string>().find("nothing was scanned"), std::string::npos);
  EXPECT_EQ(doc["summary"]["files_skipped"], 1);  // not a clean pass in the summary either
  // The text report says the scan was incomplete, not "no findings" alone.
  const auto text = scan_with_test_rules(repo.dir(), {"--format", "text", "--since", "HEAD", repo.path()});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.out.find("1 input not fully scanned"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("empty range HEAD..HEAD"), std::string::npos) << text.err;
}

TEST(GitScan, ARangeOfEmptyCommitsIsNotAnEmptyRange) {
  GitRepo repo;
  repo.commit("a.txt", "x\n", "one");
  repo.git({"commit", "-q", "--allow-empty", "-m", "a push that only triggers CI"});
  const json doc = scan(repo, {"--since", "HEAD~1"}, 0);
  EXPECT_EQ(doc["diagnostics"].size(), 0U) << doc.dump();
}

TEST(GitScan, BadRevisionExitsTwoWithGitsMessage) {
  GitRepo repo;
  repo.commit("a.txt", "x\n", "one");
  std::string err;
  scan(repo, {"--since", "no-such-rev"}, 2, &err);
  EXPECT_NE(err.find("git log failed"), std::string::npos) << err;
}

TEST(GitScan, ARangeThatLooksLikeAnOptionIsARevisionNotAnOption) {
  GitRepo repo;
  repo.commit("a.txt", "x\n", "one");
  const std::string written = repo.dir().str() + "/written-by-git";
  // Passed to git as an option, this would make `git log` write a file.
  scan(repo, {"--range=--output=" + written}, 2);
  EXPECT_FALSE(std::filesystem::exists(written));
}

// Its speed is measured by bench/git_history_throughput.sh, never asserted here.
TEST(GitScan, StagedScansOnlyTheIndex) {
  GitRepo repo;
  repo.commit("a.txt", "T=" + checksummed_token("gho_", 85) + "\n", "committed leak");  // not staged: not scanned
  repo.dir().write("repo/b.txt", "T=" + checksummed_token("gho_", 86) + "\n");
  repo.dir().write("repo/unstaged.txt", "T=" + checksummed_token("gho_", 87) + "\n");
  repo.git({"add", "b.txt"});
  const json doc = scan(repo, {"--staged"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  EXPECT_EQ(doc["findings"][0]["path"], "b.txt");
  EXPECT_EQ(doc["findings"][0]["source"]["git"], "staged");
  repo.git({"commit", "-q", "-m", "b"});
  std::string err;
  scan(repo, {"--staged"}, 0, &err);
  EXPECT_NE(err.find("nothing staged"), std::string::npos) << err;
}

TEST(GitScan, AllowPathsAndBaselineApplyToHistory) {
  GitRepo repo;
  repo.commit(".tokensweep.yaml", "allow_paths: ['fixtures/**']\n", "config");
  repo.commit("fixtures/t.txt", "T=" + checksummed_token("gho_", 88) + "\n", "fixture");
  const json doc = scan(repo, {"--git"}, 0);
  EXPECT_EQ(doc["summary"]["paths_allowlisted"], 1);
}

}  // namespace
}  // namespace tokensweep::testing
