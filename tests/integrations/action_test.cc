// action.yml and scripts/action-scan.sh: the action's scan step run locally in a real
// repository with the environment GitHub would give it (the step's env keys are read from
// action.yml, so a renamed variable fails here).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <set>

#include "integration_support.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using nlohmann::json;

const std::string kSource = TOKENSWEEP_SOURCE_DIR;

YAML::Node action_step(const std::string& id_or_uses) {
  const YAML::Node action = YAML::LoadFile(kSource + "/action.yml");
  const YAML::Node steps = action["runs"]["steps"];
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const YAML::Node step = steps[i];
    if ((step["id"] && step["id"].as<std::string>() == id_or_uses) ||
        (step["uses"] && step["uses"].as<std::string>().rfind(id_or_uses, 0) == 0)) {
      return step;
    }
  }
  ADD_FAILURE() << "action.yml has no step " << id_or_uses;
  return {};
}

struct ActionRun {
  ProcessResult process;
  std::string sarif_path;
  std::string outputs;
  std::string summary;
};

// Runs the scan step's script with its env keys set to test values.
ActionRun run_scan_step(const GitRepo& repo, const std::string& base, const std::string& head) {
  const YAML::Node step = action_step("scan");
  std::set<std::string> keys;
  for (const auto& kv : step["env"]) keys.insert(kv.first.as<std::string>());
  EXPECT_EQ(keys, (std::set<std::string>{"TOKENSWEEP_BIN", "TOKENSWEEP_BASE", "TOKENSWEEP_HEAD",
                                         "TOKENSWEEP_SARIF", "TOKENSWEEP_ARGS"}));
  EXPECT_NE(step["run"].as<std::string>().find("scripts/action-scan.sh"), std::string::npos);

  const std::string work = repo.dir().str();
  ActionRun run;
  run.sarif_path = work + "/out/tokensweep.sarif";
  std::filesystem::create_directories(work + "/out");
  ProcessOptions opts;
  opts.cwd = repo.path();
  opts.env = repo.git_env();
  for (const std::string& e : {"TOKENSWEEP_BIN=" + tokensweep_binary(), "TOKENSWEEP_BASE=" + base,
                               "TOKENSWEEP_HEAD=" + head, "TOKENSWEEP_SARIF=" + run.sarif_path,
                               std::string("TOKENSWEEP_ARGS="), "GITHUB_WORKSPACE=" + repo.path(),
                               "GITHUB_SHA=" + head, "GITHUB_OUTPUT=" + work + "/out/output",
                               "GITHUB_STEP_SUMMARY=" + work + "/out/summary", std::string("CI=true"),
                               std::string("GITHUB_ACTIONS=true")}) {
    opts.env.push_back(e);
  }
  run.process = run_process({find_program("bash"), kSource + "/scripts/action-scan.sh"}, opts);
  run.outputs = read_text(work + "/out/output");
  run.summary = read_text(work + "/out/summary");
  return run;
}

json sarif_of(const ActionRun& run) {
  json doc = json::parse(read_text(run.sarif_path), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "SARIF does not parse";
  EXPECT_EQ(doc.value("version", ""), "2.1.0");
  return doc;
}

TEST(GitHubAction, UploadsSarifEvenWhenTheScanFails) {
  const YAML::Node action = YAML::LoadFile(kSource + "/action.yml");
  EXPECT_EQ(action["runs"]["using"].as<std::string>(), "composite");
  const YAML::Node upload = action_step("github/codeql-action/upload-sarif");
  ASSERT_TRUE(upload);
  EXPECT_NE(upload["if"].as<std::string>().find("always()"), std::string::npos);
  EXPECT_EQ(upload["with"]["sarif_file"].as<std::string>(), "${{ inputs.sarif }}");
  const std::string base = action_step("scan")["env"]["TOKENSWEEP_BASE"].as<std::string>();
  EXPECT_NE(base.find("github.event.pull_request.base.sha"), std::string::npos);
  EXPECT_NE(base.find("github.event.before"), std::string::npos);
}

TEST(GitHubAction, FailsOnATokenThePushAddsAndWritesSarif) {
  GitRepo repo;
  repo.commit("README.md", "hello\n", "init");
  const std::string before = repo.head();
  const std::string token = checksummed_token("gho_", 7012);
  repo.commit("deploy/env.sh", "export GH_TOKEN=" + token + "\n", "add deploy script");
  repo.commit("docs.md", "more\n", "docs");

  const ActionRun run = run_scan_step(repo, before, repo.head());
  EXPECT_EQ(run.process.exit_code, 1) << run.process.err;
  const json sarif = sarif_of(run);
  ASSERT_TRUE(sarif.contains("runs"));
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1U) << sarif.dump().substr(0, 400);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "deploy/env.sh");
  EXPECT_NE(run.outputs.find("exit-code=1"), std::string::npos) << run.outputs;
  EXPECT_NE(run.summary.find("secrets found"), std::string::npos) << run.summary;
  const std::string everything = run.process.out + run.process.err + run.outputs + run.summary +
                                 read_text(run.sarif_path);
  EXPECT_EQ(everything.find(token), std::string::npos) << "the action shows the full token";
}

TEST(GitHubAction, PassesWhenTheRangeIsCleanEvenIfOlderHistoryIsNot) {
  GitRepo repo;
  repo.commit("old.txt", "T=" + checksummed_token("gho_", 7013) + "\n", "old secret");
  repo.commit("old.txt", "T=removed\n", "remove it");
  const std::string before = repo.head();
  repo.commit("feature.txt", "clean\n", "feature");

  const ActionRun run = run_scan_step(repo, before, repo.head());
  EXPECT_EQ(run.process.exit_code, 0) << run.process.err;
  EXPECT_EQ(sarif_of(run)["runs"][0]["results"].size(), 0U);
  EXPECT_NE(run.outputs.find("exit-code=0"), std::string::npos) << run.outputs;
}

TEST(GitHubAction, ANewBranchPushScansTheWholeHistory) {
  GitRepo repo;
  repo.commit("old.txt", "T=" + checksummed_token("gho_", 7014) + "\n", "old secret");
  repo.commit("old.txt", "T=removed\n", "remove it");
  const ActionRun run = run_scan_step(repo, std::string(40, '0'), repo.head());
  EXPECT_EQ(run.process.exit_code, 1) << run.process.err;
  EXPECT_EQ(sarif_of(run)["runs"][0]["results"].size(), 1U);
}

TEST(GitHubAction, AnUnknownBaseFailsTheJob) {
  GitRepo repo;
  repo.commit("a.txt", "clean\n", "init");
  const ActionRun run = run_scan_step(repo, std::string(40, 'f'), repo.head());
  EXPECT_EQ(run.process.exit_code, 2) << run.process.err;
}

}  // namespace
}  // namespace tokensweep::testing
