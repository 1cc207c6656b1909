// .pre-commit-hooks.yaml: the hook definition parsed as pre-commit parses it, and its
// entry and args run as pre-commit runs a `language: system` hook — the entry resolved on
// PATH, the args appended, no file names, in the root of a real repository.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "integration_support.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

struct Hook {
  std::vector<std::string> argv;  // entry, split like shlex for a plain command, then args
  YAML::Node node;
};

Hook load_hook(const std::string& id) {
  const YAML::Node doc = YAML::LoadFile(std::string(TOKENSWEEP_SOURCE_DIR) + "/.pre-commit-hooks.yaml");
  Hook hook;
  if (!doc.IsSequence()) {
    ADD_FAILURE() << ".pre-commit-hooks.yaml must be a list of hooks";
    return hook;
  }
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const YAML::Node h = doc[i];
    if (h["id"].as<std::string>() != id) continue;
    hook.node = h;
    std::stringstream entry(h["entry"].as<std::string>());
    std::string word;
    while (entry >> word) hook.argv.push_back(word);
    if (h["args"]) {
      for (const auto& a : h["args"]) hook.argv.push_back(a.as<std::string>());
    }
  }
  if (!hook.node) ADD_FAILURE() << "no hook with id " << id;
  return hook;
}

// Runs the hook in `repo` with the built tokensweep first on PATH.
ProcessResult run_hook(const Hook& hook, const GitRepo& repo) {
  const std::string path =
      std::filesystem::path(tokensweep_binary()).parent_path().string() + ":" + system_path();
  std::vector<std::string> argv = hook.argv;
  argv[0] = find_program(argv[0], path);
  ProcessOptions opts;
  opts.cwd = repo.path();
  opts.env = repo.git_env();
  return run_process(argv, opts);
}

TEST(PreCommitHook, DefinitionScansTheIndexWithoutFileNames) {
  const Hook hook = load_hook("tokensweep");
  ASSERT_TRUE(hook.node);
  EXPECT_EQ(hook.node["language"].as<std::string>(), "system");
  EXPECT_FALSE(hook.node["pass_filenames"].as<bool>());
  EXPECT_TRUE(hook.node["always_run"].as<bool>());
  EXPECT_TRUE(hook.node["name"].IsScalar());
  EXPECT_EQ(hook.argv, (std::vector<std::string>{"tokensweep", "scan", "--staged"}));
}

TEST(PreCommitHook, BlocksAStagedTokenAndPassesOnceItIsRemoved) {
  const Hook hook = load_hook("tokensweep");
  ASSERT_FALSE(hook.argv.empty());
  GitRepo repo;
  repo.commit("README.md", "hello\n", "init");
  const std::string token = checksummed_token("gho_", 8061);
  repo.write("src/settings.py", "GITHUB_TOKEN = \"" + token + "\"\n");
  repo.git({"add", "src/settings.py"});

  const auto blocked = run_hook(hook, repo);
  EXPECT_EQ(blocked.exit_code, 1) << blocked.err;
  EXPECT_NE(blocked.out.find("settings.py"), std::string::npos) << blocked.out.substr(0, 400);
  EXPECT_EQ((blocked.out + blocked.err).find(token), std::string::npos) << "hook output shows the full token";

  // Fixed in the working tree but not staged: the index still holds the token.
  repo.write("src/settings.py", "GITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n");
  EXPECT_EQ(run_hook(hook, repo).exit_code, 1);

  repo.git({"add", "src/settings.py"});
  const auto passed = run_hook(hook, repo);
  EXPECT_EQ(passed.exit_code, 0) << passed.out << passed.err;
}

}  // namespace
}  // namespace tokensweep::testing
