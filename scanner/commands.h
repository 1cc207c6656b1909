// The subcommands behind cli::run. Each returns the process exit status.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine.h"

namespace tokensweep::cli {

struct RuleSources {
  std::vector<std::string> paths;  // --rules, repeatable
  bool no_builtin = false;         // --no-builtin-rules
};

struct ScanArgs {
  RuleSources rules;
  std::vector<std::string> paths;
  std::string format;        // empty: text
  std::string output;        // empty: stdout
  std::string color = "auto";
  unsigned threads = 0;
  std::string max_file_size; // "4G", "512M", "0" (no cap)
  bool follow_symlinks = false;
  bool no_decode = false;
  std::string input_type = "auto";  // --input-type: auto, plain, or a format name (source/format.h)
  bool verbose = false;
  std::string broker;        // --broker FILE: check findings through its hooks
  bool revoke = false;       // --revoke: revoke what the broker reports active
  std::string audit;         // --audit FILE: JSON Lines of every check and revocation
  bool require_broker = false;  // --require-broker: any `unknown` fails the scan (exit 2)
  std::string config;          // --config FILE (default: .tokensweep.yaml in the scanned root)
  std::string baseline;        // --baseline FILE: suppress the secrets it lists
  std::string write_baseline;  // --write-baseline FILE: record the current findings
  bool report_stale = false;   // --report-stale: list baseline entries no longer found
  bool git = false;            // --git [REPO]: scan history (or --since/--range/--staged)
  std::string since;           // --since REV
  std::string range;           // --range A..B
  bool staged = false;         // --staged: the index, for pre-commit
};

struct RedactArgs {
  RuleSources rules;
  std::string input = "-";   // FILE or '-' for stdin
  std::string in_place;      // --in-place FILE
};

int scan_command(const ScanArgs& args);
int redact_command(const RedactArgs& args);
int rules_list_command(const RuleSources& sources, const std::string& format);
int rules_check_command(const RuleSources& sources, const std::vector<std::string>& paths);
int rules_explain_command(const RuleSources& sources, const std::string& id);

// The rules compiled for scanning (with the decoders' triggers); bad rules are printed,
// one per line, and returned as the error.
Result<std::shared_ptr<const engine::Engine>> load_engine(const RuleSources& sources);
Result<std::shared_ptr<const engine::Engine>> compile_engine(rules::RuleSet rules);

// "tokensweep: message" on stderr.
void print_error(const std::string& message);

}  // namespace tokensweep::cli
