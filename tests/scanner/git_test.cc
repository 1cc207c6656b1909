// `tokensweep scan --git`: history, ranges and the index of real repositories built with
// the git CLI in a temporary directory.
#include <gtest/gtest.h>

#include <chrono>
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
  const json doc = scan(repo, {"--git"}, 1);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  const json& f = doc["findings"][0];
  EXPECT_EQ(f["path"], "config/app.env");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["source"]["commit"], introduced);
  EXPECT_EQ(f["source"]["author"], "Dev One <dev@example.com>");
  EXPECT_FALSE(f["source"]["date"].get<std::string>().empty());
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
  EXPECT_NE(err.find("contains no commits"), std::string::npos) << err;
  EXPECT_EQ(doc["diagnostics"][0]["code"], "empty-range");
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

TEST(GitScan, StagedScansTheIndexQuickly) {
  GitRepo repo;
  repo.commit("a.txt", "T=" + checksummed_token("gho_", 85) + "\n", "committed leak");  // not staged: not scanned
  repo.dir().write("repo/b.txt", "T=" + checksummed_token("gho_", 86) + "\n");
  repo.dir().write("repo/unstaged.txt", "T=" + checksummed_token("gho_", 87) + "\n");
  repo.git({"add", "b.txt"});
  const auto started = std::chrono::steady_clock::now();
  const json doc = scan(repo, {"--staged"}, 1);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump();
  EXPECT_EQ(doc["findings"][0]["path"], "b.txt");
  EXPECT_EQ(doc["findings"][0]["source"]["git"], "staged");
  EXPECT_LT(seconds, 1.0);
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
