#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "broker/client.h"
#include "cli.h"
#include "commands.h"
#include "engine/engine.h"
#include "pipeline/scan.h"
#include "report/sink.h"
#include "rules/loader.h"

namespace tokensweep::cli {
namespace {

// "512K", "64M", "4G", "1000": a byte count with an optional binary suffix.
std::optional<uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 15) return std::nullopt;
  uint64_t value = std::stoull(text.substr(0, digits));
  const std::string suffix = text.substr(digits);
  if (suffix.empty() || suffix == "B") return value;
  if (suffix == "K" || suffix == "KiB") return value << 10;
  if (suffix == "M" || suffix == "MiB") return value << 20;
  if (suffix == "G" || suffix == "GiB") return value << 30;
  return std::nullopt;
}

bool use_color(const std::string& mode, bool to_stdout) {
  if (mode == "always") return true;
  if (mode == "never" || !to_stdout) return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
         !(term != nullptr && std::string(term) == "dumb");
}

}  // namespace

Result<std::shared_ptr<const engine::Engine>> load_engine(const RuleSources& sources) {
  auto rules = rules::load_rule_set(!sources.no_builtin, sources.paths);
  if (!rules) return rules.error();
  std::vector<engine::RuleProblem> problems;
  auto engine = engine::Engine::compile(std::move(rules).value(), &problems, pipeline::scan_compile_options());
  if (!engine) {
    // Every bad rule on its own line, then the first as the error.
    for (std::size_t i = 1; i < problems.size(); ++i) print_error(problems[i].message);
    return engine.error();
  }
  return engine;
}

int scan_command(const ScanArgs& args) {
  const auto format = report::parse_format(args.format.empty() ? "text" : args.format);
  if (!format) {
    print_error("--format: unknown format '" + args.format + "' (expected text, json, jsonl or sarif)");
    return kExitError;
  }
  pipeline::ScanOptions options;
  if (!args.max_file_size.empty()) {
    const auto size = parse_size(args.max_file_size);
    if (!size) {
      print_error("--max-file-size: cannot read '" + args.max_file_size + "' (expected e.g. 512K, 64M, 4G or 0)");
      return kExitError;
    }
    options.max_file_size = *size;
  }
  options.paths = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;
  options.threads = args.threads;
  options.walk.follow_symlinks = args.follow_symlinks;
  options.decode = !args.no_decode;

  // The broker file and its hooks' client secrets are read before scanning, so a bad
  // file fails fast; no network traffic happens without --broker, or before the scan.
  if (args.broker.empty() && (args.revoke || !args.audit.empty() || args.require_broker)) {
    print_error("--revoke, --audit and --require-broker need --broker FILE");
    return kExitError;
  }
  std::optional<broker::Client> broker_client;
  std::unique_ptr<broker::AuditLog> audit;
  if (!args.broker.empty()) {
    auto config = broker::load_broker_config(args.broker);
    if (!config) {
      print_error("--broker: " + config.error().to_string());
      return kExitError;
    }
    auto client = broker::Client::create(config.value());
    if (!client) {
      print_error("--broker: " + client.error().to_string());
      return kExitError;
    }
    broker_client.emplace(std::move(client).value());
    if (!args.audit.empty()) {
      auto log = broker::AuditLog::open(args.audit);
      if (!log) {
        print_error("--audit: " + log.error().to_string());
        return kExitError;
      }
      audit = std::move(log).value();
    }
  }

  auto engine = load_engine(args.rules);
  if (!engine) {
    print_error(engine.error().to_string());
    return kExitError;
  }
  if (args.verbose) {
    std::cerr << "tokensweep: " << engine.value()->rules().size() << " rules compiled\n";
  }

  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      print_error("--output: cannot write '" + args.output + "'");
      return kExitError;
    }
  }
  std::ostream& out = args.output.empty() ? std::cout : file;

  report::Report result = pipeline::run_scan(engine.value(), options);

  bool broker_unknown = false;
  if (broker_client) {
    broker::RunOptions run;
    run.revoke = args.revoke;
    run.audit = audit.get();
    const broker::RunSummary checked = broker_client->run(result, run);
    result.diagnostics.insert(result.diagnostics.end(), checked.diagnostics.begin(), checked.diagnostics.end());
    if (audit && !audit->ok()) {
      result.diagnostics.push_back({args.audit, "io", "some audit records could not be written", false});
    }
    for (const auto& f : result.findings) broker_unknown |= f.status == report::BrokerStatus::kUnknown;
    if (args.verbose) {
      std::cerr << "tokensweep: broker: " << checked.secrets << " distinct secrets checked in " << checked.seconds
                << " s: " << checked.active << " active, " << checked.inactive << " inactive, " << checked.revoked
                << " revoked, " << checked.unknown << " unknown; " << checked.unclaimed_findings
                << " findings claimed by no hook\n";
    }
  }

  report::SinkOptions sink;
  sink.color = use_color(args.color, args.output.empty());
  sink.tool_version = TOKENSWEEP_VERSION;
  std::error_code ec;
  sink.base_dir = std::filesystem::current_path(ec).string();
  report::write_report(*format, result, engine.value()->rules(), sink, out);
  out.flush();
  if (!out) {
    print_error(args.output.empty() ? "cannot write to stdout" : "cannot write '" + args.output + "'");
    return kExitError;
  }

  // Diagnostics go to stderr, never into machine-readable stdout.
  for (const auto& d : result.diagnostics) print_error(d.path + ": " + d.message);
  if (args.verbose) {
    std::cerr << "tokensweep: scanned " << result.summary.files_scanned << " inputs, "
              << result.summary.bytes_scanned << " bytes in " << result.summary.seconds << " s; "
              << result.summary.findings << " findings, " << result.summary.duplicates_merged
              << " duplicates merged, " << result.summary.files_skipped << " inputs incomplete\n";
  }

  // --require-broker: a finding the broker could not verify fails the gate with 2, the
  // status of a run that could not establish what it was asked to (like an incomplete
  // scan), so it cannot be mistaken for verified findings (1).
  if (args.require_broker && broker_unknown) return kExitError;
  if (!result.findings.empty()) return kExitFindings;
  for (const auto& d : result.diagnostics) {
    if (d.incomplete) return kExitError;  // an incomplete scan never reads as clean
  }
  return kExitClean;
}

}  // namespace tokensweep::cli
