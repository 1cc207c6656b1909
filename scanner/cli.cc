// The one file that calls CLI11: its exceptions stop here.
#include "cli.h"

#include <iostream>

#include "commands.h"
#include "common/cli11.h"

namespace tokensweep::cli {

void print_error(const std::string& message) { std::cerr << "tokensweep: " << message << "\n"; }

namespace {

void add_rule_options(CLI::App& cmd, RuleSources& sources) {
  cmd.add_option("--rules", sources.paths, "Extra rules file or directory (repeatable)")->allow_extra_args(false);
  cmd.add_flag("--no-builtin-rules", sources.no_builtin, "Do not load the built-in rules");
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"tokensweep — find leaked OAuth tokens and credentials"};
  app.set_version_flag("--version", std::string("tokensweep ") + TOKENSWEEP_VERSION);
  app.require_subcommand(1);

  ScanArgs scan;
  auto* scan_cmd = app.add_subcommand("scan", "Scan files, directories or stdin ('-') for secrets");
  scan_cmd->add_option("paths", scan.paths, "Files, directories, or '-' for stdin (default: .)");
  scan_cmd->add_option("--format", scan.format, "Output format: text, json, jsonl, sarif (default: text)");
  scan_cmd->add_option("--output,-o", scan.output, "Write the report to FILE instead of stdout");
  add_rule_options(*scan_cmd, scan.rules);
  scan_cmd->add_option("--threads,-j", scan.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1U, 1024U));
  scan_cmd->add_option("--max-file-size", scan.max_file_size,
                       "Scan at most this many bytes of each file: 512K, 64M, 4G, 0 for no cap (default: 4G)");
  scan_cmd->add_option("--color", scan.color, "Colour in text output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  scan_cmd->add_flag("--follow-symlinks", scan.follow_symlinks, "Follow symlinks met while walking directories");
  scan_cmd->add_flag("--no-decode", scan.no_decode,
                     "Scan the raw bytes only, not their decoded views (JSON escapes, base64, ...)");
  scan_cmd->add_option("--input-type", scan.input_type,
                       "What the inputs named are: auto (detect from name and content), plain (bytes only), "
                       "or a format name: see `tokensweep scan --input-type list`");
  scan_cmd->add_flag("--verbose,-v", scan.verbose, "Progress and engine statistics on stderr (never secrets)");
  scan_cmd->add_option("--broker", scan.broker, "Check each finding against the broker hook(s) in FILE");
  scan_cmd->add_flag("--revoke", scan.revoke, "Revoke findings the broker reports active (needs --broker)");
  scan_cmd->add_option("--audit", scan.audit, "Append a JSON Lines record of every check and revocation (no secrets)");
  scan_cmd->add_flag("--require-broker", scan.require_broker,
                     "Exit 2 when any finding's broker status is unknown (needs --broker)");
  scan_cmd->add_option("--config", scan.config,
                       "Settings file (default: .tokensweep.yaml in the scanned directory, if present)");
  scan_cmd->add_option("--baseline", scan.baseline, "Suppress the secrets listed in FILE (fingerprint and rule id)");
  scan_cmd->add_option("--write-baseline", scan.write_baseline,
                       "Write the current findings to FILE as a baseline (sorted; no lines or timestamps)");
  scan_cmd->add_flag("--report-stale", scan.report_stale, "List baseline entries that no finding matched");
  scan_cmd->add_flag("--git", scan.git, "Scan the git history of REPO (the one PATH, default .): every blob once");
  scan_cmd->add_option("--since", scan.since, "With git: scan only what REV..HEAD adds");
  scan_cmd->add_option("--range", scan.range, "With git: scan only what the range A..B adds");
  scan_cmd->add_flag("--staged", scan.staged, "With git: scan the staged changes (pre-commit)");

  auto* rules_cmd = app.add_subcommand("rules", "List, check or explain rules");
  rules_cmd->require_subcommand(1);
  RuleSources list_sources;
  std::string list_format = "text";
  auto* list_cmd = rules_cmd->add_subcommand("list", "List the rules");
  add_rule_options(*list_cmd, list_sources);
  list_cmd->add_option("--format", list_format, "text or json")->check(CLI::IsMember({"text", "json"}));

  RuleSources check_sources;
  std::vector<std::string> check_paths;
  auto* check_cmd = rules_cmd->add_subcommand(
      "check", "Compile rules in Hyperscan and RE2 and run their examples (default: the built-ins)");
  check_cmd->add_option("paths", check_paths, "Rule files or directories to check instead of the built-ins");

  RuleSources explain_sources;
  std::string explain_id;
  auto* explain_cmd = rules_cmd->add_subcommand("explain", "Show one rule in full");
  add_rule_options(*explain_cmd, explain_sources);
  explain_cmd->add_option("id", explain_id, "Rule id")->required();

  RedactArgs redact;
  auto* redact_cmd = app.add_subcommand(
      "redact", "Copy FILE (or stdin) to stdout with every secret replaced by [REDACTED:<rule>:<fingerprint>]");
  redact_cmd->add_option("input", redact.input, "FILE, or '-' for stdin (default)");
  redact_cmd->add_option("--in-place", redact.in_place, "Rewrite FILE itself (atomically, keeping mode and owner)");
  add_rule_options(*redact_cmd, redact.rules);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }

  if (*scan_cmd) return scan_command(scan);
  if (*redact_cmd) return redact_command(redact);
  if (*list_cmd) return rules_list_command(list_sources, list_format);
  if (*check_cmd) return rules_check_command(check_sources, check_paths);
  if (*explain_cmd) return rules_explain_command(explain_sources, explain_id);
  return kExitError;
}

}  // namespace tokensweep::cli
