#include "report/sink.h"

#include <array>
#include <utility>

namespace tokensweep::report {
namespace {

// The --format names of design §3.1.
constexpr std::array<std::pair<std::string_view, Format>, 4> kFormats{{
    {"text", Format::kText},
    {"json", Format::kJson},
    {"jsonl", Format::kJsonl},
    {"sarif", Format::kSarif},
}};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  for (const auto& [n, f] : kFormats) {
    if (n == name) return f;
  }
  return std::nullopt;
}

std::string_view format_name(Format format) {
  for (const auto& [n, f] : kFormats) {
    if (f == format) return n;
  }
  return "text";
}

void write_report(Format format, const Report& report, const rules::RuleSet& rules,
                  const SinkOptions& options, std::ostream& out) {
  switch (format) {
    case Format::kText: write_text(report, options, out); return;
    case Format::kJson: write_json(report, out); return;
    case Format::kJsonl: write_jsonl(report, out); return;
    case Format::kSarif: write_sarif(report, rules, options, out); return;
  }
}

}  // namespace tokensweep::report
