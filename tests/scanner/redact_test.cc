// `tokensweep redact`: secrets replaced, everything else byte for byte, streaming, and
// --in-place that keeps mode and never half-writes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_support.h"
#include "common/sha256.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Redact, ReplacesEachSecretAndKeepsEverythingElse) {
  TempDir dir;
  const std::string rules = dir.write("r.yaml", kTestRules);
  const std::string a = checksummed_token("gho_", 700);
  const std::string b = random_base62(40, 701);
  const std::string input = "first line\r\nexport GH=" + a + " # note\nAuthorization: Bearer " + b + "\n\xff\xfe binary\nno newline at end";
  ProcessOptions options;
  options.stdin_data = input;
  const auto r = tokensweep({"redact", "--no-builtin-rules", "--rules", rules}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected = "first line\r\nexport GH=[REDACTED:testgh.oauth:" + sha256_hex(a).substr(0, 8) +
                               "] # note\nAuthorization: Bearer [REDACTED:generic.test-bearer:" + sha256_hex(b).substr(0, 8) +
                               "]\n\xff\xfe binary\nno newline at end";
  EXPECT_TRUE(r.out == expected) << "output differs (" << r.out.size() << " vs " << expected.size() << " bytes)";
  EXPECT_EQ(r.out.find(a), std::string::npos);
  EXPECT_EQ(r.out.find(b), std::string::npos);

  // What redact writes, scan finds clean.
  const std::string redacted = dir.write("redacted.txt", r.out);
  const auto scan = tokensweep({"scan", "--no-builtin-rules", "--rules", rules, redacted});
  EXPECT_EQ(scan.exit_code, 0) << scan.out;
}

TEST(Redact, StreamsEachLineBeforeTheInputEnds) {
  TempDir dir;
  const std::string rules = dir.write("r.yaml", kTestRules);
  int to_child[2], from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    ::close(to_child[1]);
    ::close(from_child[0]);
    const std::string bin = tokensweep_binary();
    ::execl(bin.c_str(), bin.c_str(), "redact", "--no-builtin-rules", "--rules", rules.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  const std::string token = checksummed_token("gho_", 702);
  const std::string line = "t=" + token + "\n";
  ASSERT_EQ(::write(to_child[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  // The line must come back while stdin is still open.
  std::string got;
  pollfd p{from_child[0], POLLIN, 0};
  while (got.find('\n') == std::string::npos && ::poll(&p, 1, 20000) > 0) {
    char buf[4096];
    const ssize_t n = ::read(from_child[0], buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(to_child[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(from_child[0]);
  EXPECT_EQ(got, "t=[REDACTED:testgh.oauth:" + sha256_hex(token).substr(0, 8) + "]\n");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(Redact, InPlaceKeepsTheModeAndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string rules = dir.write("r.yaml", kTestRules);
  const std::string token = checksummed_token("gho_", 703);
  const std::string hist = dir.write("h/.bash_history", "ls\nexport GH=" + token + "\ngit status\n");
  ASSERT_EQ(::chmod(hist.c_str(), 0640), 0);
  const auto r = tokensweep({"redact", "--no-builtin-rules", "--rules", rules, "--in-place", hist});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(hist), "ls\nexport GH=[REDACTED:testgh.oauth:" + sha256_hex(token).substr(0, 8) + "]\ngit status\n");
  struct stat st {};
  ASSERT_EQ(::stat(hist.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640U);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path() / "h")) ++entries;
  EXPECT_EQ(entries, 1U);
}

TEST(Redact, InPlaceErrorsLeaveTheOriginalUntouched) {
  TempDir dir;
  const std::string rules = dir.write("r.yaml", kTestRules);
  const auto missing = tokensweep({"redact", "--no-builtin-rules", "--rules", rules, "--in-place", dir.str() + "/nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope"), std::string::npos);
  const auto directory = tokensweep({"redact", "--no-builtin-rules", "--rules", rules, "--in-place", dir.str()});
  EXPECT_EQ(directory.exit_code, 2);
  if (::geteuid() == 0) {
    // A directory nobody may write to: the temporary copy cannot be made, the file stays.
    const std::string locked = dir.write("locked/f.txt", "t=" + checksummed_token("gho_", 704) + "\n");
    const std::string before = read_file(locked);
    ::chmod((dir.str() + "/locked").c_str(), 0555);
    ::chmod(dir.str().c_str(), 0755);
    ::chmod(rules.c_str(), 0644);
    ::chmod(locked.c_str(), 0666);
    ProcessOptions as_nobody;
    as_nobody.run_as_uid = 65534;
    as_nobody.cwd = "/";
    const auto r = tokensweep({"redact", "--no-builtin-rules", "--rules", rules, "--in-place", locked}, as_nobody);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(read_file(locked) == before);
  }
}

}  // namespace
}  // namespace tokensweep::testing
