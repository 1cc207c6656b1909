// CI job logs as LineFormats (format.h): the output of a build, with the step it came
// from. Every '\n' of the file is kept, so a finding's line is the line of the log file;
// per-line prefixes the CI adds (timestamps) are removed and Jenkins' hidden console notes
// blanked, so a finding's column counts in the rewritten line.
//
// Masks the CI put where a secret was (`***`, `[MASKED]`, `****`) are never findings
// (engine/placeholder.cc); a secret the CI failed to mask is one, on its line.
//
// Context of a finding, when known: {"ci_step", name}, and for GitHub {"ci_group", title}
// when the line is inside a group the step's own output opened (`::group::`).
//
// github-actions-log — a job or step log as GitHub Actions serves it for download (the run's
//   log zip holds `<n>_<job>.txt` per job and `<job>/<n>_<step>.txt` per step; the UI's
//   "View raw logs" gives the job log). The file may start with a UTF-8 BOM (removed); each
//   line starts with `2026-01-02T03:04:05.1234567Z ` (removed: what follows is what the
//   step printed, so a multi-line secret such as a PEM key reads as it was printed).
//   `##[group]<title>` / `##[endgroup]`: the runner opens a group titled `Run <what>` (also
//   `Pre Run`/`Post Run`) for each step's header, followed by the step's output; that title
//   is the ci_step, any other group the ci_group. For a step file in the zip
//   (`logs.zip!build/3_Build.txt`) the ci_step is the step's name from the file name.
//   `##[section]Starting: <name>` (Azure Pipelines, same log shape) also names the step.
//   `::add-mask::` commands are not echoed to the log (actions/runner ADR 0280: add-mask is
//   never echoed, even with ACTIONS_STEP_DEBUG), so nothing is hidden for them here. What
//   the log can show is the step's script in its `Run` header: `echo "::add-mask::$TOKEN"`
//   (harmless), or the secret itself when the workflow interpolated it with `${{ }}`
//   before the mask existed (actions/runner#475) — a leak, and reported as one.
//   Detected by content: a first line (after the BOM) starting with such a timestamp, with
//   seven fractional digits as the runner writes them.
// gitlab-log — a GitLab job log (trace). `section_start:<epoch>:<name>[options]\r\e[0K`
//   and `section_end:<epoch>:<name>\r\e[0K` (anywhere in a line) open and close sections;
//   the ci_step is the innermost open one (`get_sources`, `step_script`, ...). With
//   FF_TIMESTAMPS (runner 17.0+) each line starts with a 32-byte prefix
//   `2026-01-02T03:04:05.123456Z 00O ` — timestamp, stream number (2 hex digits), stream
//   (O/E) and ' ', or '+' when the line continues the previous one (the runner split a
//   long output line); the prefix is removed and, as GitLab's log viewer does, a
//   continuation is joined to the line it continues: its text is scanned at the end of
//   that line (and reported there) and the continuation line is left empty, so a secret
//   split by the runner is found whole. Detected by content: that prefix on the first
//   line, `section_start:<digits>:` in the first lines, or "Running with gitlab-runner".
// jenkins-log — a Jenkins build log (`builds/<n>/log`, `consoleText`, `consoleFull`).
//   Console notes (`\e[8mha:<base64 of a serialized Java object>\e[0m`) are markup, not
//   output: each is replaced by spaces within its line, so the decoders do not chew on
//   them. Pipeline blocks `[Pipeline] { (<name>)` ... `[Pipeline] }` name the ci_step (the
//   innermost named block, usually the stage). Detected by name, or by content: a console
//   note in the first lines, or a first line "Started by ...".
//
// Cost: one pass and one copy; memory: the longest line (up to kMaxHeldLine) and one span
// per change of step.
#pragma once

#include <memory>
#include <string_view>

#include "source/format.h"

namespace tokensweep::source {

bool detect_github_actions_log(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_github_actions_log(std::string_view path);

bool detect_gitlab_log(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_gitlab_log(std::string_view path);

bool detect_jenkins_log(std::string_view path, std::string_view head);
std::unique_ptr<LineFormat> make_jenkins_log(std::string_view path);

}  // namespace tokensweep::source
