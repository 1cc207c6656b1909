// The json and jsonl sinks (design §3.2).
//
// Findings are written by report/json_writer.h, byte for byte what nlohmann::ordered_json
// gave when each was built as a json value (too slow and too big for ~300,000 findings).
// Field order is fixed (nlohmann::ordered_json keeps insertion order), so the same
// Report always gives the same bytes, apart from summary.seconds. `source` keeps the
// order the source gave its entries; a repeated key keeps its first position and its
// last value. Strings are bytes, not always UTF-8 (paths, archive member names):
// invalid sequences are written as U+FFFD rather than failing the whole output.
#include <cmath>

#include <nlohmann/json.hpp>

#include "report/json_writer.h"
#include "report/sink.h"

namespace tokensweep::report {
namespace {

using Json = nlohmann::ordered_json;

Json summary_json(const Summary& s) {
  Json j;
  j["files_scanned"] = s.files_scanned;
  j["bytes_scanned"] = s.bytes_scanned;
  j["files_skipped"] = s.files_skipped;
  j["findings"] = s.findings;
  j["duplicates_merged"] = s.duplicates_merged;
  j["rules"] = s.rules;
  // Suppressions are counted, never silent; the keys are always there, so a document's
  // shape does not depend on what was found.
  j["suppressed_inline"] = s.suppressed_inline;
  j["suppressed_baseline"] = s.suppressed_baseline;
  j["paths_allowlisted"] = s.paths_allowlisted;
  j["baseline_stale"] = s.baseline_stale;
  // Milliseconds are all a person reads; more digits are noise.
  j["seconds"] = std::isfinite(s.seconds) ? std::round(s.seconds * 1000.0) / 1000.0 : 0.0;
  return j;
}

Json diagnostic_json(const Diagnostic& d) {
  Json j;
  j["path"] = d.path;
  j["code"] = d.code;
  j["message"] = d.message;
  j["incomplete"] = d.incomplete;
  return j;
}

std::string dump(const Json& j, int indent) {
  return j.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// Writes `text` to `out` once it holds this much (and at the end).
constexpr std::size_t kFlushBytes = 1 << 16;

}  // namespace

void write_jsonl(const Report& report, std::ostream& out) {
  // One object per line and nothing else: every newline inside a string is escaped.
  std::string text;
  text.reserve(kFlushBytes + 4096);
  for (const Finding& f : report.findings) {
    append_finding_json(text, f, -1);
    text += '\n';
    if (text.size() >= kFlushBytes) {
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      text.clear();
    }
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_json(const Report& report, std::ostream& out) {
  // The findings are written straight out; the rest, small, is one json document whose
  // "findings" member (the first) starts out empty and is spliced in here.
  Json doc;
  Json diagnostics = Json::array();
  for (const Diagnostic& d : report.diagnostics) diagnostics.push_back(diagnostic_json(d));
  doc["findings"] = Json::array();
  doc["summary"] = summary_json(report.summary);
  doc["diagnostics"] = std::move(diagnostics);
  const std::string rest = dump(doc, 2);
  constexpr std::string_view kHead = "{\n  \"findings\": []";
  std::string text(kHead.substr(0, kHead.size() - 2));
  text.reserve(kFlushBytes + 4096);
  if (report.findings.empty()) {
    text += "[]";
  } else {
    text += '[';
    for (std::size_t i = 0; i < report.findings.size(); ++i) {
      text += i == 0 ? "\n    " : ",\n    ";
      append_finding_json(text, report.findings[i], 4);
      if (text.size() >= kFlushBytes) {
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        text.clear();
      }
    }
    text += "\n  ]";
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out << std::string_view(rest).substr(kHead.size()) << '\n';
}

}  // namespace tokensweep::report
