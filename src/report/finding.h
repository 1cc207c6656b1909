// A finding: the contract of design §3.2. Everything a sink may print is here, and
// nothing here is the secret: the raw bytes stay inside SecretBytes, which sinks
// cannot read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostic.h"
#include "common/secret_bytes.h"

namespace tokensweep::report {

enum class Validation { kValid, kInvalid, kExpired, kUnchecked };
enum class BrokerStatus { kActive, kInactive, kRevoked, kUnknown, kUnchecked };

const char* validation_name(Validation v);
const char* broker_status_name(BrokerStatus s);

struct Finding {
  std::string rule_id;
  std::string rule_name;
  std::string kind;        // "access_token", ...
  std::string provider;    // "github", ..., "generic"
  std::string confidence;  // "high" | "medium" | "low"
  std::string path;        // nesting with '!'
  uint64_t line = 0;       // 1-based, in the innermost decoded text
  uint64_t column = 0;     // 1-based, in bytes
  uint64_t offset = 0;     // byte offset of the secret in the innermost text (ordering)
  std::vector<std::string> decoders;  // outermost first
  std::string fingerprint;            // lowercase hex SHA-256 of the secret
  std::string redacted;
  Validation validation = Validation::kUnchecked;
  BrokerStatus status = BrokerStatus::kUnchecked;
  // Source-specific context, in order: {"history_entry","42"}, {"layer","sha256:…"}.
  std::vector<std::pair<std::string, std::string>> source;
  // The `iss` claim when the secret is a JWT: which broker may be asked about it.
  std::string jwt_issuer;

  // The secret itself, for the broker client only (see SecretBytes::RevealKey).
  std::shared_ptr<const SecretBytes> secret;
};

using Diagnostic = ::tokensweep::Diagnostic;  // common/diagnostic.h

struct Summary {
  uint64_t files_scanned = 0;
  uint64_t bytes_scanned = 0;
  uint64_t files_skipped = 0;  // inputs that could not be scanned, in whole or part
  uint64_t findings = 0;
  uint64_t duplicates_merged = 0;
  uint64_t rules = 0;
  double seconds = 0;
  // Suppressions (issue 8): never silent, so each is counted here and shown by every sink.
  uint64_t suppressed_inline = 0;    // findings on a `tokensweep:allow` line (or after allow-next-line)
  uint64_t suppressed_baseline = 0;  // findings whose secret and rule the baseline lists
  uint64_t paths_allowlisted = 0;    // files and directories left out by `allow_paths`
  uint64_t baseline_stale = 0;       // baseline entries no finding matched (with --report-stale)
};

// The order of Report::findings, the same whatever the thread count: by path, line,
// column, offset (in its own decoded text or record), rule id, then fingerprint.
bool finding_order(const Finding& a, const Finding& b);
// Sorts `findings` into finding_order. Cost: one pass when they are in order already (one
// input, raw bytes only); otherwise a sort of indices and one move of each finding,
// not O(n log n) moves of whole findings.
void sort_findings(std::vector<Finding>& findings);

// What sinks receive: findings sorted by path then offset, diagnostics sorted by path.
struct Report {
  std::vector<Finding> findings;
  std::vector<Diagnostic> diagnostics;
  Summary summary;
};

}  // namespace tokensweep::report
