// CI logs (source/ci_log.h): prefixes removed and console notes blanked with every line
// kept, the step in the context, detection, and — through the real engine with the full
// built-in rules — masks are never findings while an unmasked secret is one, on its line.
#include "source/ci_log.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "formats_lines/engine_support.h"
#include "formats_lines/line_support.h"
#include "support/tokens.h"

namespace tokensweep::source {
namespace {

const std::string kEsc = "\x1b";

std::string gh(std::string_view text, std::string_view time = "2026-01-02T03:04:05.1234567Z") {
  return std::string(time) + " " + std::string(text) + "\n";
}

std::string gl(std::string_view stream, std::string_view text) {
  return "2026-01-02T03:04:05.123456Z " + std::string(stream) + std::string(text) + "\n";
}

std::string note(uint32_t seed) {
  // A console note: a serialized, gzipped Java object in base64 between the markers.
  return kEsc + "[8mha:////4" + testing::random_base62(60, seed) + "+/AAAA==" + kEsc + "[0m";
}

// ---------------------------------------------------------------------------------------
// GitHub Actions

std::string github_job_log(const std::string& unmasked_token) {
  return "\xEF\xBB\xBF" + gh("Current runner version: '2.323.0'") +  // 1
         gh("##[group]Operating System") +                            // 2
         gh("Ubuntu") +                                               // 3
         gh("##[endgroup]") +                                         // 4
         gh("##[group]Run make deploy") +                             // 5
         gh("make deploy") +                                          // 6
         gh("shell: /usr/bin/bash -e {0}") +                          // 7
         gh("env:") +                                                 // 8
         gh("  GITHUB_TOKEN: ***") +                                  // 9
         gh("  NPM_TOKEN: ***") +                                     // 10
         gh("##[endgroup]") +                                         // 11
         gh("curl -H 'Authorization: Bearer ***' https://api.invented.test") +  // 12
         gh("##[group]Upload") +                                      // 13
         gh("git push https://x-access-token:***@github.com/o/r.git") +  // 14
         gh("deploy token " + unmasked_token) +                       // 15
         gh("##[endgroup]") +                                         // 16
         gh("done");                                                  // 17
}

TEST(GitHubActionsLog, TimestampsAndBomAreRemovedAndLinesKept) {
  const std::string input = github_job_log("t");
  const auto out = run_lines(&make_github_actions_log, "job.txt", input);
  EXPECT_EQ(count_lines(out.text), count_lines(input));
  EXPECT_EQ(out.line(1), "Current runner version: '2.323.0'");
  EXPECT_EQ(out.line(9), "  GITHUB_TOKEN: ***");
  EXPECT_EQ(out.line(17), "done");
}

TEST(GitHubActionsLog, TheRunHeaderNamesTheStepAndOtherGroupsAreGroups) {
  const auto out = run_lines(&make_github_actions_log, "job.txt", github_job_log("t"));
  EXPECT_TRUE(out.contexts[0].empty());
  EXPECT_EQ(out.at(3, "ci_step"), "<none>");
  EXPECT_EQ(out.at(3, "ci_group"), "Operating System");
  EXPECT_EQ(out.at(4, "ci_group"), "<none>");
  for (uint64_t line : {5, 6, 9, 11, 12, 15, 17}) EXPECT_EQ(out.at(line, "ci_step"), "Run make deploy") << line;
  EXPECT_EQ(out.at(12, "ci_group"), "<none>");  // the step's output, after its header group
  EXPECT_EQ(out.at(15, "ci_group"), "Upload");
  EXPECT_EQ(out.at(17, "ci_group"), "<none>");
}

TEST(GitHubActionsLog, AStepFileInTheRunLogZipIsNamedByItsFileName) {
  const auto out = run_lines(&make_github_actions_log, "logs_42.zip!deploy/3_Deploy to staging.txt",
                             gh("##[group]Run make deploy") + gh("##[endgroup]") + gh("ok"));
  EXPECT_EQ(out.at(1, "ci_step"), "Deploy to staging");
  EXPECT_EQ(out.at(3, "ci_step"), "Deploy to staging");
  // The job file at the top of the zip is not a step.
  const auto job = run_lines(&make_github_actions_log, "logs_42.zip!3_deploy.txt", gh("ok"));
  EXPECT_EQ(job.at(1, "ci_step"), "<none>");
}

TEST(GitHubActionsLog, SameOutcomeWhereverTheInputIsSplit) {
  expect_split_invariant(&make_github_actions_log, "job.txt",
                         "\xEF\xBB\xBF" + gh("##[group]Run a") + gh("x\r") + gh("##[endgroup]") + "no prefix\n" +
                             gh("##[group]G") + "2026-01-02T03:04:05.1Z cut");
}

TEST(GitHubActionsLog, MasksAreNotFindingsAndTheUnmaskedTokenIsOnItsLine) {
  const std::string token = testing::checksummed_token("ghp_", 11);
  const auto out = run_lines(&make_github_actions_log, "job.txt", github_job_log(token));
  const auto hits = scan_with_builtin_rules(out.text);
  ASSERT_EQ(hits.size(), 1U) << describe(hits);
  EXPECT_EQ(hits[0].line, 15U);
  EXPECT_EQ(hits[0].rule_id.rfind("github.", 0), 0U) << hits[0].rule_id;
}

TEST(GitHubActionsLog, AnAddMaskValueInterpolatedIntoTheRunHeaderIsAFinding) {
  // The runner never echoes ::add-mask:: itself; a workflow that wrote
  // `echo "::add-mask::${{ steps.x.outputs.token }}"` shows the value in the step header.
  const std::string token = testing::checksummed_token("ghp_", 12);
  const std::string input = gh("##[group]Run echo \"::add-mask::" + token + "\"") + gh("echo \"::add-mask::$T\"") +
                            gh("##[endgroup]");
  const auto out = run_lines(&make_github_actions_log, "job.txt", input);
  const auto hits = scan_with_builtin_rules(out.text);
  ASSERT_EQ(hits.size(), 1U) << describe(hits);
  EXPECT_EQ(hits[0].line, 1U);
}

TEST(GitHubActionsLog, AKeyPrintedOverSeveralLinesReadsAsPrintedOnceTheTimestampsAreGone) {
  std::string input = gh("##[group]Run cat key.pem") + gh("##[endgroup]") + gh("-----BEGIN RSA PRIVATE KEY-----");
  for (uint32_t i = 0; i < 4; ++i) input += gh(testing::random_base62(64, 100 + i));
  input += gh("-----END RSA PRIVATE KEY-----");
  EXPECT_TRUE(scan_with_builtin_rules(input).empty());  // the prefixes hide it from the raw scan
  const auto hits = scan_with_builtin_rules(run_lines(&make_github_actions_log, "job.txt", input).text);
  ASSERT_EQ(hits.size(), 1U) << describe(hits);
  EXPECT_EQ(hits[0].line, 3U);
}

TEST(GitHubActionsLog, DetectedByTheRunnersTimestampOnTheFirstLine) {
  EXPECT_TRUE(detect_github_actions_log("x.txt", "\xEF\xBB\xBF" + gh("Current runner version: '2.323.0'")));
  EXPECT_TRUE(detect_github_actions_log("logs.zip!build/1_Set up job.txt", gh("##[group]Operating System")));
  EXPECT_FALSE(detect_github_actions_log("app.log", "2026-01-02T03:04:05.123Z INFO started\n"));
  EXPECT_FALSE(detect_github_actions_log("app.log", "2026-01-02T03:04:05.123456Z 00O x\n"));
  EXPECT_FALSE(detect_github_actions_log("notes.txt", "hello\n" + gh("x")));
}

// ---------------------------------------------------------------------------------------
// GitLab

std::string gitlab_log(const std::string& unmasked_token) {
  const std::string clear = "\r" + kEsc + "[0K";
  return "Running with gitlab-runner 17.5.0 (abc123)\n" +                                              // 1
         kEsc + "[0K" + "section_start:1767323045:prepare_executor" + clear + kEsc +
         "[36;1mPreparing the \"docker\" executor" + kEsc + "[0;m\n" +                              // 2
         "Using Docker executor with image alpine\n" +                                                // 3
         "section_end:1767323046:prepare_executor" + clear + "section_start:1767323046:step_script" +
         clear + "Executing \"step_script\" stage\n" +                                               // 4
         "$ echo \"password=$DB_PASSWORD\"\n" +                                                       // 5
         "password=[MASKED]\n" +                                                                      // 6
         "section_start:1767323047:push[collapsed=true]" + clear + "push\n" +                       // 7
         "git push https://oauth2:[MASKED]@gitlab.invented.test/g/p.git\n" +                          // 8
         "Authorization: Bearer [MASKED]\n" +                                                         // 9
         "section_end:1767323048:push" + clear + "\n" +                                               // 10
         "leaked " + unmasked_token + "\n" +                                                          // 11
         "section_end:1767323049:step_script" + clear + "\n" +                                        // 12
         "Job succeeded\n";                                                                           // 13
}

TEST(GitLabLog, SectionsNameTheStepInnermostFirst) {
  const std::string input = gitlab_log("t");
  const auto out = run_lines(&make_gitlab_log, "job.log", input);
  EXPECT_EQ(out.text, input);
  EXPECT_TRUE(out.contexts[0].empty());
  EXPECT_EQ(out.at(2, "ci_step"), "prepare_executor");
  EXPECT_EQ(out.at(3, "ci_step"), "prepare_executor");
  EXPECT_EQ(out.at(4, "ci_step"), "step_script");
  EXPECT_EQ(out.at(7, "ci_step"), "push");
  EXPECT_EQ(out.at(9, "ci_step"), "push");
  EXPECT_EQ(out.at(10, "ci_step"), "step_script");
  EXPECT_EQ(out.at(11, "ci_step"), "step_script");
  EXPECT_EQ(out.at(13, "ci_step"), "<none>");
}

TEST(GitLabLog, TimestampPrefixesAreRemovedAndContinuationsJoinTheirLine) {
  const std::string token = testing::checksummed_token("ghp_", 21);
  const std::string input = gl("00O ", "Running with gitlab-runner 17.5.0") +                          // 1
                            gl("00O ", "section_start:1767323045:step_script\r" + kEsc + "[0K") +      // 2
                            gl("01E ", "export GH=" + token.substr(0, 20)) +                     // 3
                            gl("01E+", token.substr(20) + " # split by the runner") +                  // 4
                            gl("00O ", "done");                                                        // 5
  const auto out = run_lines(&make_gitlab_log, "job.log", input);
  EXPECT_EQ(count_lines(out.text), count_lines(input));
  EXPECT_EQ(out.line(1), "Running with gitlab-runner 17.5.0");
  EXPECT_EQ(out.line(3).substr(0, 10), "export GH=");
  EXPECT_EQ(out.line(3).size(), 10 + token.size() + 22);
  EXPECT_EQ(out.line(4), "");
  EXPECT_EQ(out.line(5), "done");
  EXPECT_EQ(out.at(3, "ci_step"), "step_script");
  const auto hits = scan_with_builtin_rules(out.text);
  ASSERT_EQ(hits.size(), 1U) << describe(hits);
  EXPECT_EQ(hits[0].line, 3U);
}

TEST(GitLabLog, SameOutcomeWhereverTheInputIsSplit) {
  expect_split_invariant(&make_gitlab_log, "job.log",
                         gl("00O ", "section_start:1:a\r" + kEsc + "[0Kx") + gl("00O+", "y") + gl("00O+", "z") +
                             "plain\nsection_end:2:a\r" + kEsc + "[0K\n" + gl("01E ", "last"));
}

TEST(GitLabLog, MasksAreNotFindingsAndTheUnmaskedTokenIsOnItsLine) {
  const std::string token = testing::checksummed_token("ghp_", 22);
  const auto out = run_lines(&make_gitlab_log, "job.log", gitlab_log(token));
  const auto hits = scan_with_builtin_rules(out.text);
  ASSERT_EQ(hits.size(), 1U) << describe(hits);
  EXPECT_EQ(hits[0].line, 11U);
}

TEST(GitLabLog, DetectedByTimestampPrefixRunnerBannerOrSectionMarkers) {
  EXPECT_TRUE(detect_gitlab_log("job.log", gl("00O ", "Running with gitlab-runner 17.5.0")));
  EXPECT_TRUE(detect_gitlab_log("trace.txt", "Running with gitlab-runner 16.0.0 (abc)\n  on runner\n"));
  EXPECT_TRUE(detect_gitlab_log("trace.txt", "x\n" + kEsc + "[0Ksection_start:1767323045:get_sources\r" + kEsc + "[0K\n"));
  EXPECT_FALSE(detect_gitlab_log("notes.md", "the section_start: marker opens a section\n"));
  // A marker without its time first, a real one on a later line; none past the eighth line.
  EXPECT_TRUE(detect_gitlab_log("x.txt", "about section_start: here\nsection_start:1767323045:build\n"));
  EXPECT_FALSE(detect_gitlab_log("x.txt", std::string(8, '\n') + "section_start:1767323045:build\n"));
  EXPECT_FALSE(detect_gitlab_log("job.txt", gh("Current runner version: '2.323.0'")));
}

// ---------------------------------------------------------------------------------------
// Jenkins

std::string jenkins_log(const std::string& unmasked_token) {
  return note(1) + "Started by user admin\n" +        // 1
         "[Pipeline] Start of Pipeline\n" +           // 2
         note(2) + "[Pipeline] node\n" +              // 3
         "[Pipeline] {\n" +                           // 4
         "[Pipeline] stage\n" +                       // 5
         note(3) + "[Pipeline] { (Build)\n" +         // 6
         "[Pipeline] withCredentials\n" +             // 7
         "Masking supported pattern matches of $GH_TOKEN\n" +  // 8
         "[Pipeline] {\n" +                           // 9
         "+ curl -H 'Authorization: Bearer ****' https://api.invented.test\n" +  // 10
         "[Pipeline] }\n" +                           // 11
         "[Pipeline] // stage\n" +                    // 12
         "[Pipeline] }\n" +                           // 13
         "[Pipeline] stage\n" +                       // 14
         "[Pipeline] { (Deploy)\n" +                  // 15
         "+ echo " + note(4) + unmasked_token + "\n" +  // 16
         "[Pipeline] }\n" +                           // 17
         "[Pipeline] }\n" +                           // 18
         "[Pipeline] End of Pipeline\n";              // 19
}

TEST(JenkinsLog, ConsoleNotesAreBlankedWithinTheirLine) {
  const std::string input = jenkins_log("t");
  const auto out = run_lines(&make_jenkins_log, "builds/7/log", input);
  EXPECT_EQ(count_lines(out.text), count_lines(input));
  EXPECT_EQ(out.text.size(), input.size());  // spaces in place of each note: columns unchanged
  EXPECT_EQ(out.line(1), std::string(note(1).size(), ' ') + "Started by user admin");
  EXPECT_EQ(out.text.find("ha:"), std::string::npos);
  EXPECT_EQ(out.text.find('\x1b'), std::string::npos);
}

TEST(JenkinsLog, NamedPipelineBlocksNameTheStep) {
  const auto out = run_lines(&make_jenkins_log, "builds/7/log", jenkins_log("t"));
  EXPECT_EQ(out.at(1, "ci_step"), "<none>");
  EXPECT_EQ(out.at(4, "ci_step"), "<none>");  // node's unnamed block
  for (uint64_t line : {6, 8, 10, 12}) EXPECT_EQ(out.at(line, "ci_step"), "Build") << line;
  EXPECT_EQ(out.at(13, "ci_step"), "<none>");
  EXPECT_EQ(out.at(16, "ci_step"), "Deploy");
  EXPECT_EQ(out.at(19, "ci_step"), "<none>");
}

TEST(JenkinsLog, SameOutcomeWhereverTheInputIsSplit) {
  expect_split_invariant(&make_jenkins_log, "consoleText",
                         note(5) + "a\n[Pipeline] { (S)\nb" + note(6) + "c\n" + kEsc + "[8mha:AAAA\n[Pipeline] }\n" +
                             kEsc + "[8mha:");
}

TEST(JenkinsLog, MasksAreNotFindingsAndTheUnmaskedTokenIsOnItsLine) {
  const std::string token = testing::checksummed_token("ghp_", 31);
  const auto out = run_lines(&make_jenkins_log, "builds/7/log", jenkins_log(token));
  const auto hits = scan_with_builtin_rules(out.text);
  ASSERT_EQ(hits.size(), 1U) << describe(hits);
  EXPECT_EQ(hits[0].line, 16U);
}

TEST(JenkinsLog, DetectedByNameOrByAConsoleNoteOrStartedBy) {
  EXPECT_TRUE(detect_jenkins_log("/var/lib/jenkins/jobs/app/builds/42/log", "x\n"));
  EXPECT_TRUE(detect_jenkins_log("consoleText", ""));
  EXPECT_TRUE(detect_jenkins_log("build.log", "Started by user admin\nRunning in Durability level\n"));
  EXPECT_TRUE(detect_jenkins_log("build.log", note(1) + "Started by timer\n"));
  EXPECT_TRUE(detect_jenkins_log("x", "Building\n" + note(2) + "[Pipeline] node\n"));
  EXPECT_FALSE(detect_jenkins_log("app/log", "Starting server\n"));
  EXPECT_FALSE(detect_jenkins_log("notes.txt", "We Started by hand\n"));
}

// ---------------------------------------------------------------------------------------
// The catalogue (format.cc)

TEST(CiLogCatalogue, EachCiLogFormatIsALineFormatTheCatalogueDetects) {
  const std::tuple<const char*, const char*, std::string> cases[] = {
      {"github-actions-log", "logs.zip!build/1_Set up job.txt", gh("Current runner version: '2.323.0'")},
      {"gitlab-log", "job.log", gl("00O ", "Running with gitlab-runner 17.5.0")},
      {"jenkins-log", "jobs/app/builds/3/log", "Started by user admin\n"},
  };
  for (const auto& [name, path, head] : cases) {
    const FormatInfo* info = find_format(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_NE(info->make_lines, nullptr) << name;
    const FormatInfo* detected = detect_format(path, head);
    ASSERT_NE(detected, nullptr) << path;
    EXPECT_EQ(detected->name, name) << path;
  }
  EXPECT_EQ(detect_format("server.log", "2026-01-02 03:04:05 INFO started\n"), nullptr);
}

}  // namespace
}  // namespace tokensweep::source
