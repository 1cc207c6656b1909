// Shell histories and CI logs through the built `tokensweep scan --format json`: detected
// by name or content (also as archive members) or forced with --input-type, each finding
// with its original path and line and the format's `source` context.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "scanner/cli_support.h"
#include "support/archive_writer.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

using nlohmann::json;
using namespace std::string_literals;

constexpr const char* kT1 = "1767323045";  // 2026-01-02T03:04:05Z
constexpr const char* kT2 = "1767323100";  // 2026-01-02T03:05:00Z

json parse(const ProcessResult& r) {
  json doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "stdout is not JSON; stderr: " << r.err;
  return doc;
}

// The findings of `doc` whose path ends with `suffix`.
std::vector<json> findings_in(const json& doc, const std::string& suffix) {
  std::vector<json> out;
  if (!doc.contains("findings")) return out;
  for (const auto& f : doc["findings"]) {
    const std::string path = f.value("path", "");
    if (path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(f);
    }
  }
  return out;
}

std::string source_of(const json& finding, const std::string& key) {
  if (!finding.contains("source") || !finding["source"].contains(key)) return "<none>";
  return finding["source"][key].get<std::string>();
}

std::string metafy(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || (u >= 0x83 && u <= 0xA2)) {
      out += '\x83';
      out += static_cast<char>(u ^ 32);
    } else {
      out += c;
    }
  }
  return out;
}

// Each history holds the token on a known line of a known entry.
struct History {
  std::string name;     // the file name (or member path)
  std::string content;
  uint64_t line;
  std::string entry;
  std::string timestamp;  // "<none>" when the shell records none
};

std::vector<History> histories(const std::string& token) {
  return {
      {"home/u/.bash_history",
       "ls\n#"s + kT1 + "\nvim a\n#" + kT2 + "\ncurl -u x \\\n  -d t=" + token + " https://api.invented.test\n", 6, "3",
       "2026-01-02T03:05:00Z"},
      {"home/u/.zsh_history",
       ": "s + kT1 + ":0;" + metafy("echo \xD0\xBF\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C") + "\n: " + kT2 +
           ":3;git clone \\\nhttps://x:" + token + "@github.invented.test/r.git\n",
       3, "2", "2026-01-02T03:05:00Z"},
      {"home/u/.local/share/fish/fish_history",
       "- cmd: ls\n  when: "s + kT1 + "\n- cmd: set -x GH a\\\\b\\n" + token + "\n  when: " + kT2 + "\n", 3, "2",
       "2026-01-02T03:05:00Z"},
      {"Users/u/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
       "Get-ChildItem\r\ngh auth login `\n  --with-token " + token + "\r\nexit\r\n", 3, "2", "<none>"},
  };
}

TEST(LineFormatsCli, HistoriesAreDetectedByNameWithEntryAndTimestamp) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 41);
  for (const auto& h : histories(token)) dir.write(h.name, h.content);
  const auto r = scan_with_test_rules(dir, {"--format", "json", dir.str()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  for (const auto& h : histories(token)) {
    SCOPED_TRACE(h.name);
    const auto found = findings_in(doc, h.name);
    ASSERT_EQ(found.size(), 1U) << doc.dump(1);
    EXPECT_EQ(found[0]["line"], h.line);
    EXPECT_EQ(source_of(found[0], "history_entry"), h.entry);
    EXPECT_EQ(source_of(found[0], "timestamp"), h.timestamp);
  }
  EXPECT_EQ(r.out.find(token), std::string::npos);
}

TEST(LineFormatsCli, HistoriesInsideATarGzKeepTheirMemberPathLineAndEntry) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 42);
  Members members;
  for (const auto& h : histories(token)) members.emplace_back(h.name, h.content);
  const std::string archive = dir.write("backup.tar.gz", make_archive(ArchiveFormat::kTar, Compression::kGzip, members));
  const auto r = scan_with_test_rules(dir, {"--format", "json", archive});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  for (const auto& h : histories(token)) {
    SCOPED_TRACE(h.name);
    const auto found = findings_in(doc, "backup.tar.gz!" + h.name);
    ASSERT_EQ(found.size(), 1U) << doc.dump(1);
    EXPECT_EQ(found[0]["line"], h.line);
    EXPECT_EQ(source_of(found[0], "history_entry"), h.entry);
    EXPECT_EQ(source_of(found[0], "timestamp"), h.timestamp);
  }
}

TEST(LineFormatsCli, AHistoryWithBinaryJunkGetsADiagnosticAndIsStillScanned) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 43);
  const std::string path = dir.write(".zsh_history", ": "s + kT1 + ":0;ls\n\xff\xfe\0\x01 junk\n: "s + kT2 +
                                                        ":0;export GH=" + token + "\n");
  const auto r = scan_with_test_rules(dir, {"--format", "json", path});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  const auto found = findings_in(doc, ".zsh_history");
  ASSERT_EQ(found.size(), 1U) << doc.dump(1);
  EXPECT_EQ(found[0]["line"], 3);
  EXPECT_EQ(source_of(found[0], "history_entry"), "3");
  ASSERT_EQ(doc["diagnostics"].size(), 1U) << doc.dump(1);
  const auto& d = doc["diagnostics"][0];
  EXPECT_EQ(d["path"], path);
  EXPECT_NE(d["message"].get<std::string>().find("line 2"), std::string::npos) << d.dump();
  EXPECT_NE(d["message"].get<std::string>().find("binary"), std::string::npos) << d.dump();
}

TEST(LineFormatsCli, InputTypeForcesAHistoryFormat) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 44);
  // One timestamp line is not enough to detect bash by content; the name says nothing.
  const std::string path = dir.write("exported.txt", "#"s + kT1 + "\nexport GH=" + token + "\n");
  const auto plain = parse(scan_with_test_rules(dir, {"--format", "json", path}));
  ASSERT_EQ(findings_in(plain, "exported.txt").size(), 1U) << plain.dump(1);
  EXPECT_EQ(source_of(findings_in(plain, "exported.txt")[0], "history_entry"), "<none>");

  const auto r = scan_with_test_rules(dir, {"--format", "json", "--input-type", "bash-history", path});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto found = findings_in(parse(r), "exported.txt");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0]["line"], 2);
  EXPECT_EQ(source_of(found[0], "history_entry"), "1");
  EXPECT_EQ(source_of(found[0], "timestamp"), "2026-01-02T03:04:05Z");
}

TEST(LineFormatsCli, InputTypeForcesAFormatOnStdin) {
  TempDir dir;
  const std::string token = checksummed_token("gho_", 45);
  ProcessOptions options;
  options.stdin_data = ": "s + kT1 + ":0;ls\n: " + kT2 + ":0;" + metafy("echo \xD1\x84 ") + "export GH=" + token + "\n";
  const auto r = scan_with_test_rules(dir, {"--format", "json", "--input-type", "zsh-history", "-"}, options);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  ASSERT_EQ(doc["findings"].size(), 1U) << doc.dump(1);
  const auto& f = doc["findings"][0];
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(source_of(f, "history_entry"), "2");
  EXPECT_EQ(source_of(f, "timestamp"), "2026-01-02T03:05:00Z");
}

TEST(LineFormatsCli, InputTypeListNamesTheLineFormats) {
  const auto r = tokensweep({"scan", "--input-type", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"bash-history", "zsh-history", "fish-history", "powershell-history", "github-actions-log",
                           "gitlab-log", "jenkins-log"}) {
    EXPECT_NE(r.out.find(std::string(name) + "\t"), std::string::npos) << name;
  }
}

// ---------------------------------------------------------------------------------------
// CI logs, with the full built-in rules: masks are not findings, an unmasked token is.

std::string gh(std::string_view text) { return "2026-01-02T03:04:05.1234567Z " + std::string(text) + "\n"; }

struct CiLog {
  std::string name;
  std::string content;
  uint64_t line;  // of the unmasked token
  std::string step;
};

std::vector<CiLog> ci_logs(const std::string& token) {
  const std::string esc = "\x1b";
  const std::string clear = "\r" + esc + "[0K";
  const std::string note = esc + "[8mha:////4" + random_base62(40, 9) + "==" + esc + "[0m";
  return {
      {"job-github.txt",
       "\xEF\xBB\xBF" + gh("Current runner version: '2.323.0'") + gh("##[group]Run ./deploy.sh") +
           gh("./deploy.sh") + gh("env:") + gh("  GITHUB_TOKEN: ***") + gh("##[endgroup]") +
           gh("Authorization: Bearer ***") + gh("password=***") + gh("using " + token) + gh("done"),
       9, "Run ./deploy.sh"},
      {"job-gitlab.log",
       "Running with gitlab-runner 17.5.0 (abc)\n" + esc + "[0Ksection_start:1767323045:step_script" + clear +
           "Executing \"step_script\" stage\n" + "$ ./deploy.sh\n" + "password=[MASKED]\n" +
           "git push https://oauth2:[MASKED]@gitlab.invented.test/g/p.git\n" + "Authorization: Bearer [MASKED]\n" +
           "using " + token + "\n" + "section_end:1767323049:step_script" + clear + "\n",
       7, "step_script"},
      {"jenkins/builds/12/log",
       note + "Started by user admin\n" + "[Pipeline] node\n" + "[Pipeline] {\n" + note + "[Pipeline] { (Deploy)\n" +
           "+ curl -H 'Authorization: Bearer ****' https://api.invented.test\n" + "+ echo " + note + token + "\n" +
           "[Pipeline] }\n" + "[Pipeline] }\n",
       6, "Deploy"},
  };
}

TEST(LineFormatsCli, CiLogsMasksAreNotFindingsAndAnUnmaskedTokenIsOnItsLineWithItsStep) {
  TempDir dir;
  const std::string token = checksummed_token("ghp_", 51);
  for (const auto& log : ci_logs(token)) dir.write(log.name, log.content);
  const auto r = tokensweep({"scan", "--format", "json", dir.str()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  for (const auto& log : ci_logs(token)) {
    SCOPED_TRACE(log.name);
    const auto found = findings_in(doc, log.name);
    ASSERT_EQ(found.size(), 1U) << doc.dump(1);
    EXPECT_EQ(found[0]["line"], log.line);
    EXPECT_EQ(found[0]["rule_id"].get<std::string>().rfind("github.", 0), 0U) << found[0].dump();
    EXPECT_EQ(source_of(found[0], "ci_step"), log.step);
  }
  EXPECT_EQ(doc["findings"].size(), 3U) << doc.dump(1);
  EXPECT_EQ(r.out.find(token), std::string::npos);
}

TEST(LineFormatsCli, AGitHubRunLogZipNamesEachStepFileByItsStep) {
  TempDir dir;
  const std::string token = checksummed_token("ghp_", 52);
  const Members members = {
      {"2_deploy.txt", gh("##[group]Run ./deploy.sh") + gh("##[endgroup]") + gh("using " + token)},
      {"deploy/3_Deploy to staging.txt", gh("##[group]Run ./deploy.sh") + gh("##[endgroup]") + gh("using " + token)},
  };
  const std::string zip = dir.write("logs_77.zip", make_archive(ArchiveFormat::kZip, Compression::kNone, members));
  const auto r = tokensweep({"scan", "--format", "json", zip});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  const auto job = findings_in(doc, "logs_77.zip!2_deploy.txt");
  ASSERT_EQ(job.size(), 1U) << doc.dump(1);
  EXPECT_EQ(job[0]["line"], 3);
  EXPECT_EQ(source_of(job[0], "ci_step"), "Run ./deploy.sh");
  const auto step = findings_in(doc, "logs_77.zip!deploy/3_Deploy to staging.txt");
  ASSERT_EQ(step.size(), 1U) << doc.dump(1);
  EXPECT_EQ(step[0]["line"], 3);
  EXPECT_EQ(source_of(step[0], "ci_step"), "Deploy to staging");
}

TEST(LineFormatsCli, CiLogsInsideATarGz) {
  TempDir dir;
  const std::string token = checksummed_token("ghp_", 53);
  Members members;
  for (const auto& log : ci_logs(token)) members.emplace_back("ci/" + log.name, log.content);
  const std::string archive = dir.write("ci.tar.gz", make_archive(ArchiveFormat::kTar, Compression::kGzip, members));
  const auto r = tokensweep({"scan", "--format", "json", archive});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json doc = parse(r);
  for (const auto& log : ci_logs(token)) {
    SCOPED_TRACE(log.name);
    const auto found = findings_in(doc, "ci.tar.gz!ci/" + log.name);
    ASSERT_EQ(found.size(), 1U) << doc.dump(1);
    EXPECT_EQ(found[0]["line"], log.line);
    EXPECT_EQ(source_of(found[0], "ci_step"), log.step);
  }
}

TEST(LineFormatsCli, InputTypeForcesACiLogFormat) {
  TempDir dir;
  const std::string token = checksummed_token("ghp_", 54);
  // Nothing in the first lines says Jenkins: forced, the stage names the step.
  std::string content;
  for (int i = 0; i < 10; ++i) content += "building " + std::to_string(i) + "\n";
  content += "[Pipeline] { (Release)\n+ echo " + token + "\n[Pipeline] }\n";
  const std::string path = dir.write("build-output.txt", content);
  const auto plain = parse(tokensweep({"scan", "--format", "json", path}));
  ASSERT_EQ(findings_in(plain, "build-output.txt").size(), 1U) << plain.dump(1);
  EXPECT_EQ(source_of(findings_in(plain, "build-output.txt")[0], "ci_step"), "<none>");

  const auto r = tokensweep({"scan", "--format", "json", "--input-type", "jenkins-log", path});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto found = findings_in(parse(r), "build-output.txt");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0]["line"], 12);
  EXPECT_EQ(source_of(found[0], "ci_step"), "Release");
}

}  // namespace
}  // namespace tokensweep::testing
