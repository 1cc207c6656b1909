#include "source/inputs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace tokensweep::source {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::vector<std::string> relative_paths(const std::vector<Input>& inputs, const TempDir& dir) {
  std::vector<std::string> out;
  for (const auto& i : inputs) out.push_back(fs::path(i.path).lexically_relative(dir.path()).string());
  return out;
}

TEST(Inputs, WalksDirectoriesRecursivelyInSortedOrder) {
  TempDir dir;
  dir.write("b.txt", "b");
  dir.write("a/z.txt", "z");
  dir.write("a/c/d.txt", "d");
  std::vector<Input> inputs;
  std::vector<Diagnostic> diags;
  collect_inputs({dir.str()}, {}, inputs, diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(relative_paths(inputs, dir), (std::vector<std::string>{"a/c/d.txt", "a/z.txt", "b.txt"}));
  EXPECT_EQ(inputs[0].type, InputType::kFile);
  EXPECT_EQ(inputs[0].size, 1U);
}

TEST(Inputs, SkipsGitInternals) {
  TempDir dir;
  dir.write(".git/config", "x");
  dir.write(".git/objects/ab/cdef", "x");
  dir.write("src/.gitignore", "x");
  dir.write("src/main.c", "x");
  std::vector<Input> inputs;
  std::vector<Diagnostic> diags;
  collect_inputs({dir.str()}, {}, inputs, diags);
  EXPECT_EQ(relative_paths(inputs, dir), (std::vector<std::string>{"src/.gitignore", "src/main.c"}));
}

TEST(Inputs, DoesNotFollowSymlinksUnlessAsked) {
  TempDir dir, outside;
  outside.write("secret.txt", "x");
  dir.write("real.txt", "x");
  fs::create_directory_symlink(outside.path(), dir.path() / "linkdir");
  fs::create_symlink(outside.path() / "secret.txt", dir.path() / "link.txt");
  fs::create_directory_symlink(dir.path(), dir.path() / "loop");  // would loop forever if followed blindly

  std::vector<Input> inputs;
  std::vector<Diagnostic> diags;
  collect_inputs({dir.str()}, {}, inputs, diags);
  EXPECT_EQ(relative_paths(inputs, dir), (std::vector<std::string>{"real.txt"}));

  inputs.clear();
  collect_inputs({dir.str()}, WalkOptions{.follow_symlinks = true}, inputs, diags);
  EXPECT_EQ(relative_paths(inputs, dir), (std::vector<std::string>{"link.txt", "linkdir/secret.txt", "real.txt"}));
  EXPECT_TRUE(diags.empty());
}

TEST(Inputs, FifoMetWhileWalkingIsADiagnosticButANamedFifoIsAStream) {
  TempDir dir;
  dir.write("ok.txt", "x");
  const std::string fifo = (dir.path() / "pipe").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::vector<Input> inputs;
  std::vector<Diagnostic> diags;
  collect_inputs({dir.str()}, {}, inputs, diags);
  ASSERT_EQ(inputs.size(), 1U);
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_EQ(diags[0].path, fifo);
  EXPECT_EQ(diags[0].code, "unsupported");
  EXPECT_TRUE(diags[0].incomplete);

  inputs.clear();
  diags.clear();
  collect_inputs({fifo}, {}, inputs, diags);
  ASSERT_EQ(inputs.size(), 1U);
  EXPECT_EQ(inputs[0].type, InputType::kStream);
  EXPECT_TRUE(diags.empty());
}

TEST(Inputs, MissingPathIsADiagnosticAndTheRestIsKept) {
  TempDir dir;
  const std::string ok = dir.write("ok.txt", "x");
  std::vector<Input> inputs;
  std::vector<Diagnostic> diags;
  collect_inputs({dir.str() + "/missing", ok}, {}, inputs, diags);
  ASSERT_EQ(inputs.size(), 1U);
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_EQ(diags[0].path, dir.str() + "/missing");
  EXPECT_EQ(diags[0].code, "io");
}

TEST(Inputs, DashIsStdin) {
  std::vector<Input> inputs;
  std::vector<Diagnostic> diags;
  collect_inputs({"-"}, {}, inputs, diags);
  ASSERT_EQ(inputs.size(), 1U);
  EXPECT_EQ(inputs[0].path, "<stdin>");
  EXPECT_EQ(inputs[0].open_path, "-");
  EXPECT_EQ(inputs[0].type, InputType::kStream);
}

}  // namespace
}  // namespace tokensweep::source
