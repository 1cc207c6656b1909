#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "broker/client.h"
#include "config/baseline.h"
#include "config/config.h"
#include "cli.h"
#include "commands.h"
#include "engine/engine.h"
#include "pipeline/scan.h"
#include "progress.h"
#include "report/sink.h"
#include "rules/loader.h"
#include "source/format.h"
#include "source/git_history.h"
#include "source/path_glob.h"

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

bool is_directory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

// --config FILE, else .tokensweep.yaml in the scanned root (the one directory named, or
// '.'), when it exists. A config named explicitly must exist.
Result<config::Config> find_config(const ScanArgs& args, const std::vector<std::string>& paths) {
  if (!args.config.empty()) return config::load_config(args.config);
  if (paths.size() == 1 && is_directory(paths.front())) {
    const std::string candidate = (std::filesystem::path(paths.front()) / config::kDefaultConfigName).string();
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return config::load_config(candidate);
  }
  return config::Config{};
}

bool use_color(const std::string& mode, bool to_stdout) {
  if (mode == "always") return true;
  if (mode == "never" || !to_stdout) return false;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
         !(term != nullptr && std::string(term) == "dumb");
}

// Blobs are scanned in batches of about this many bytes, so memory stays bounded
// whatever the size of the history.
constexpr uint64_t kGitBatchBytes = 32ULL << 20;

void merge_into(report::Report& into, report::Report&& part) {
  for (auto& f : part.findings) into.findings.push_back(std::move(f));
  for (auto& d : part.diagnostics) into.diagnostics.push_back(std::move(d));
  into.summary.files_scanned += part.summary.files_scanned;
  into.summary.bytes_scanned += part.summary.bytes_scanned;
  into.summary.files_skipped += part.summary.files_skipped;
  into.summary.duplicates_merged += part.summary.duplicates_merged;
  into.summary.suppressed_inline += part.summary.suppressed_inline;
  into.summary.rules = part.summary.rules;
}

// The "blob" entry of a git finding's source.
std::string_view blob_of(const report::Finding& f) {
  for (const auto& [key, value] : f.source) {
    if (key == "blob") return value;
  }
  return {};
}

// A secret kept through later edits of a file is in every later version of it: one leak,
// reported once per path, from the oldest blob that held it (the commit that introduced
// it); the later copies count as merged duplicates. Each finding then says where the
// secret still is (source::git_whereabouts).
void place_git_findings(report::Report& report, const source::GitListing& listing) {
  std::unordered_map<std::string, std::unordered_set<std::string>> holding;  // fingerprint -> blob shas
  std::unordered_map<std::string, uint32_t> oldest;  // path NUL fingerprint -> blobs[]
  const auto order = [&](const report::Finding& f) {
    const auto it = listing.blob_index.find(std::string(blob_of(f)));
    return it == listing.blob_index.end() ? UINT32_MAX : it->second;
  };
  const auto key = [](const report::Finding& f) { return f.path + '\0' + f.fingerprint; };
  for (const auto& f : report.findings) {
    holding[f.fingerprint].emplace(blob_of(f));
    const auto [it, added] = oldest.emplace(key(f), order(f));
    if (!added) it->second = std::min(it->second, order(f));
  }
  report.summary.duplicates_merged +=
      std::erase_if(report.findings, [&](const report::Finding& f) { return order(f) != oldest[key(f)]; });
  for (auto& f : report.findings) {
    const uint32_t index = order(f);
    if (index == UINT32_MAX) continue;
    auto where = source::git_whereabouts(listing, listing.blobs[index], holding[f.fingerprint]);
    if (!where.first.empty()) f.source.push_back(std::move(where));
  }
}

// --git, --since, --range, --staged: the blobs of a repository, each scanned once, with
// the commit that introduced it in `source`. An empty range is a diagnostic that fails
// the scan (exit 2), never a silent clean pass.
Result<report::Report> run_git_scan(std::shared_ptr<const engine::Engine> engine, const ScanArgs& args,
                                    pipeline::ScanOptions options, bool verbose) {
  const auto started = std::chrono::steady_clock::now();
  source::GitScope scope;
  scope.repo = options.paths.empty() ? "." : options.paths.front();
  scope.since = args.since;
  scope.range = args.range;
  scope.staged = args.staged;
  auto listing = source::list_git_blobs(scope);
  if (!listing) return listing.error();
  report::Report total;
  total.summary.rules = engine->rules().size();
  const std::string what = args.staged ? "the index" : !args.range.empty() ? "range " + args.range
                                                     : !args.since.empty() ? "range " + args.since + "..HEAD"
                                                                           : "the history";
  if (!args.staged && listing.value().commits == 0) {
    // Counted as an input not scanned too, so no sink can show it as an all-clear.
    const std::string empty = what == "the history" ? "empty history: the repository has no commits"
                                                    : "empty " + what + ": it contains no commits";
    total.diagnostics.push_back({scope.repo, "empty-range", empty + ", so nothing was scanned", true});
    total.summary.files_skipped = 1;
  } else if (args.staged && listing.value().blobs.empty()) {
    total.diagnostics.push_back({scope.repo, "empty-range", "nothing staged: nothing was scanned", false});
  }
  if (verbose) {
    std::cerr << "tokensweep: git: " << listing.value().commits << " commits, " << listing.value().blob_mentions
              << " file changes, " << listing.value().blobs.size() << " distinct blobs in " << what << "\n";
  }
  // The listing stays whole for place_git_findings(); a filtered copy only when
  // allow_paths leave blobs out.
  std::vector<char> allowlisted(listing.value().blobs.size(), 0);
  for (std::size_t i = 0; i < allowlisted.size(); ++i) {
    allowlisted[i] = source::first_glob_match(options.walk.exclude, listing.value().blobs[i].path) != nullptr;
    total.summary.paths_allowlisted += allowlisted[i];
  }
  std::vector<source::GitBlob> kept;
  if (total.summary.paths_allowlisted > 0) {
    for (std::size_t i = 0; i < allowlisted.size(); ++i) {
      if (!allowlisted[i]) kept.push_back(listing.value().blobs[i]);
    }
  }
  const auto& blobs = total.summary.paths_allowlisted > 0 ? kept : listing.value().blobs;
  options.paths.clear();
  uint64_t batch_bytes = 0;
  auto flush = [&] {
    if (options.inputs.empty()) return;
    merge_into(total, pipeline::run_scan(engine, options));
    options.inputs.clear();
    batch_bytes = 0;
  };
  const Status st = source::read_git_blobs(
      scope.repo, blobs,
      [&](const source::GitBlob& blob, std::string&& content) {
        source::Input input;
        input.path = blob.path;
        input.open_path = blob.path;
        input.type = source::InputType::kMemory;
        input.size = content.size();
        batch_bytes += content.size();
        input.data = std::make_shared<const std::string>(std::move(content));
        if (blob.commit.empty()) {
          input.source = {{"git", "staged"}, {"blob", blob.sha}};
        } else {
          input.source = {{"commit", blob.commit}, {"author", blob.author}, {"date", blob.date}, {"blob", blob.sha}};
        }
        options.inputs.push_back(std::move(input));
        if (batch_bytes >= kGitBatchBytes) flush();
      },
      total.diagnostics);
  if (!st) return st.error();
  flush();
  if (!args.staged) place_git_findings(total, listing.value());
  total.summary.findings = total.findings.size();
  total.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return total;
}

}  // namespace

Result<std::shared_ptr<const engine::Engine>> load_engine(const RuleSources& sources) {
  auto rules = rules::load_rule_set(!sources.no_builtin, sources.paths);
  if (!rules) return rules.error();
  return compile_engine(std::move(rules).value());
}

Result<std::shared_ptr<const engine::Engine>> compile_engine(rules::RuleSet rules) {
  std::vector<engine::RuleProblem> problems;
  auto engine = engine::Engine::compile(std::move(rules), &problems, pipeline::scan_compile_options());
  if (!engine) {
    // Every bad rule on its own line, then the first as the error.
    for (std::size_t i = 1; i < problems.size(); ++i) print_error(problems[i].message);
    return engine.error();
  }
  return engine;
}

namespace {

// --require-broker: a finding the broker could not verify fails the gate with 2, the
// status of a run that could not establish what it was asked to (like an incomplete scan),
// so it cannot be mistaken for verified findings (1).
int exit_code(const report::Report& result, bool unverified_for_broker) {
  if (unverified_for_broker) return kExitError;
  if (!result.findings.empty()) return kExitFindings;
  for (const auto& d : result.diagnostics) {
    if (d.incomplete) return kExitError;  // an incomplete scan never reads as clean
  }
  return kExitClean;
}

// Objects the process's exit frees, never their destructors: held from a static that is
// never destroyed, so they stay reachable (no leak reported by a leak checker). For a
// command that runs once per process, as scan_command does; one run repeatedly in a
// process would keep every run's objects.
template <class... T>
void keep_until_exit(T&&... objects) {
  static auto* const kept = new std::vector<std::shared_ptr<void>>();
  (kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(objects))), ...);
}

}  // namespace

int scan_command(const ScanArgs& args) {
  const auto format = report::parse_format(args.format.empty() ? "text" : args.format);
  if (!format) {
    print_error("--format: unknown format '" + args.format + "' (expected text, json, jsonl or sarif)");
    return kExitError;
  }
  pipeline::ScanOptions options;
  if (args.input_type == "list") {
    for (const auto& f : source::formats()) std::cout << f.name << "\t" << f.description << "\n";
    return kExitClean;
  }
  if (args.input_type == "plain") {
    options.detect_formats = false;
  } else if (args.input_type != "auto") {
    options.input_format = source::find_format(args.input_type);
    if (options.input_format == nullptr) {
      std::string known = "auto, plain";
      for (const auto& f : source::formats()) known += ", " + std::string(f.name);
      print_error("--input-type: unknown type '" + args.input_type + "' (expected " + known + ")");
      return kExitError;
    }
  }
  if (!args.max_file_size.empty()) {
    const auto size = parse_size(args.max_file_size);
    if (!size) {
      print_error("--max-file-size: cannot read '" + args.max_file_size + "' (expected e.g. 512K, 64M, 4G or 0)");
      return kExitError;
    }
    options.max_file_size = *size;
  }
  options.paths = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;

  auto settings = find_config(args, options.paths);
  if (!settings) {
    print_error("config: " + settings.error().to_string());
    return kExitError;
  }
  const config::Config& cfg = settings.value();
  options.walk.exclude = cfg.allow_paths;

  if (args.report_stale && args.baseline.empty() && cfg.baseline.empty()) {
    print_error("--report-stale needs a baseline (--baseline FILE or 'baseline:' in the config)");
    return kExitError;
  }
  std::optional<config::Baseline> baseline;
  const std::string baseline_path = !args.baseline.empty() ? args.baseline : cfg.baseline;
  // A baseline that is about to be written need not exist yet.
  if (!baseline_path.empty() && !(args.baseline.empty() && !args.write_baseline.empty() &&
                                  !std::filesystem::exists(baseline_path))) {
    auto loaded = config::Baseline::load(baseline_path);
    if (!loaded) {
      print_error("baseline: " + loaded.error().to_string());
      return kExitError;
    }
    baseline = std::move(loaded).value();
  }
  options.threads = args.threads;
  options.walk.follow_symlinks = args.follow_symlinks;
  options.decode = !args.no_decode;
  options.keep_secrets = !args.broker.empty();  // only a broker check needs the secrets themselves

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

  RuleSources rule_sources = args.rules;
  rule_sources.paths.insert(rule_sources.paths.end(), cfg.rule_paths.begin(), cfg.rule_paths.end());
  auto all_rules = rules::load_rule_set(!rule_sources.no_builtin, rule_sources.paths);
  if (!all_rules) {
    print_error(all_rules.error().to_string());
    return kExitError;
  }
  auto selected = config::select_rules(all_rules.value(), cfg);
  if (!selected) {
    print_error("config: " + selected.error().to_string());
    return kExitError;
  }
  auto engine = compile_engine(std::move(selected).value());
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

  const bool git_mode = args.git || args.staged || !args.since.empty() || !args.range.empty();
  report::Report result;
  pipeline::ScanProgress counters;
  options.progress = &counters;
  std::optional<ProgressLine> progress;
  if (progress_wanted()) progress.emplace(counters);
  if (git_mode) {
    if (args.paths.size() > 1) {
      progress.reset();
      print_error("--git scans one repository: give at most one PATH");
      return kExitError;
    }
    auto scanned = run_git_scan(engine.value(), args, options, args.verbose);
    if (!scanned) {
      progress.reset();
      print_error(scanned.error().to_string());
      return kExitError;
    }
    result = std::move(scanned).value();
  } else {
    result = pipeline::run_scan(engine.value(), options);
  }
  progress.reset();  // erase the line before anything else is printed

  // Baselines apply before the broker: an accepted secret is not sent anywhere.
  if (!args.write_baseline.empty()) {
    baseline = config::Baseline::from_findings(result.findings);
    std::ofstream bl(args.write_baseline, std::ios::binary | std::ios::trunc);
    baseline->write(bl);
    bl.flush();
    if (!bl) {
      print_error("--write-baseline: cannot write '" + args.write_baseline + "'");
      return kExitError;
    }
    std::cerr << "tokensweep: wrote " << baseline->entries().size() << " baseline entries to "
              << args.write_baseline << "\n";
  }
  if (baseline) {
    const config::BaselineResult applied = config::apply_baseline(*baseline, result);
    if (args.report_stale) {
      result.summary.baseline_stale = applied.stale.size();
      for (const auto& e : applied.stale) {
        result.diagnostics.push_back({baseline_path.empty() ? args.write_baseline : baseline_path, "stale-baseline",
                                      "entry " + e.fingerprint + " " + e.rule_id + " no longer found", false});
      }
    }
  }

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
  // SARIF paths are relative to the one directory scanned (the repository), else to '.'.
  // Git findings carry repository paths: relative to the repository, which is where
  // CI and pre-commit run.
  sink.base_dir = git_mode ? std::filesystem::current_path(ec).string()
                  : options.paths.size() == 1 && is_directory(options.paths.front())
                      ? std::filesystem::absolute(options.paths.front(), ec).lexically_normal().string()
                      : std::filesystem::current_path(ec).string();
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

  const int code = exit_code(result, args.require_broker && broker_unknown);
  // The engine (RE2 programs, their DFA states) and the findings are 100,000s of small
  // blocks on a dense input; the process's exit returns them at once (freeing them one by
  // one was 5% of a dense scan).
  keep_until_exit(std::move(engine), std::move(result.findings));
  return code;
}

}  // namespace tokensweep::cli
