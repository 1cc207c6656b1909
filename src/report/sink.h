// Sinks: how a Report is written. Sinks see only redacted findings (report/finding.h).
// Machine-readable formats write nothing but their document to `out`; diagnostics go
// inside the JSON document or to stderr, never mixed into jsonl/sarif output.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "report/finding.h"
#include "rules/rule_set.h"

namespace tokensweep::report {

enum class Format { kText, kJson, kJsonl, kSarif };

std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format format);

struct SinkOptions {
  bool color = false;               // ANSI colour (text only; on when stdout is a TTY)
  std::string tool_version;         // "0.1.0"
  std::string base_dir;             // SARIF: paths are made relative to this when under it
  std::string information_uri;      // SARIF tool.driver.informationUri; omitted when empty
};

// Writes `report` in `format`. `rules` supplies names, kinds, references (SARIF).
void write_report(Format format, const Report& report, const rules::RuleSet& rules,
                  const SinkOptions& options, std::ostream& out);

void write_text(const Report& report, const SinkOptions& options, std::ostream& out);
void write_json(const Report& report, std::ostream& out);
void write_jsonl(const Report& report, std::ostream& out);
void write_sarif(const Report& report, const rules::RuleSet& rules, const SinkOptions& options,
                 std::ostream& out);

}  // namespace tokensweep::report
