// The json and jsonl sinks (design §3.2).
//
// Field order is fixed (nlohmann::ordered_json keeps insertion order), so the same
// Report always gives the same bytes, apart from summary.seconds. `source` keeps the
// order the source gave its entries; a repeated key keeps its first position and its
// last value. Strings are bytes, not always UTF-8 (paths, archive member names):
// invalid sequences are written as U+FFFD rather than failing the whole output.
#include <cmath>

#include <nlohmann/json.hpp>

#include "report/sink.h"

namespace tokensweep::report {
namespace {

using Json = nlohmann::ordered_json;

Json finding_json(const Finding& f) {
  Json j;
  // The fields of design §3.2 (a contract), with rule_name and confidence added.
  j["rule_id"] = f.rule_id;
  j["rule_name"] = f.rule_name;
  j["kind"] = f.kind;
  j["provider"] = f.provider;
  j["confidence"] = f.confidence;
  j["path"] = f.path;
  j["line"] = f.line;
  j["column"] = f.column;
  j["decoders"] = f.decoders;
  j["fingerprint"] = f.fingerprint;
  j["redacted"] = f.redacted;
  j["validation"] = validation_name(f.validation);
  j["status"] = broker_status_name(f.status);
  if (!f.source.empty()) {
    Json source = Json::object();
    for (const auto& [key, value] : f.source) source[key] = value;
    j["source"] = std::move(source);
  }
  return j;
}

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

}  // namespace

void write_jsonl(const Report& report, std::ostream& out) {
  // One object per line and nothing else: dump() escapes every newline inside strings.
  for (const Finding& f : report.findings) out << dump(finding_json(f), -1) << '\n';
}

void write_json(const Report& report, std::ostream& out) {
  Json doc;
  Json findings = Json::array();
  for (const Finding& f : report.findings) findings.push_back(finding_json(f));
  Json diagnostics = Json::array();
  for (const Diagnostic& d : report.diagnostics) diagnostics.push_back(diagnostic_json(d));
  doc["findings"] = std::move(findings);
  doc["summary"] = summary_json(report.summary);
  doc["diagnostics"] = std::move(diagnostics);
  out << dump(doc, 2) << '\n';
}

}  // namespace tokensweep::report
