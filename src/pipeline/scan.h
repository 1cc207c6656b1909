// The scan pipeline: inputs from source/, bytes through the engine in overlapping blocks on
// N worker threads, findings collected per input and merged into one deterministic
// Report (sorted by path, then offset) whatever the thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "report/finding.h"
#include "source/format.h"
#include "source/inputs.h"

namespace tokensweep::pipeline {

inline constexpr uint64_t kDefaultMaxFileSize = 4ULL << 30;  // 4 GiB
inline constexpr std::size_t kDefaultBlockSize = 8U << 20;   // 8 MiB
inline constexpr uint64_t kDefaultMinSegment = 32ULL << 20;  // 32 MiB

// Live counters for a progress display, read by another thread while the scan runs. Updated
// once per block of bytes (block_size) and once per input, never in the per-byte loop.
struct ScanProgress {
  std::atomic<uint64_t> files{0};     // inputs (and archive members) finished
  std::atomic<uint64_t> bytes{0};     // bytes scanned so far
  std::atomic<uint64_t> findings{0};  // findings so far, before merging and suppression
};

struct ScanOptions {
  std::vector<std::string> paths;
  unsigned threads = 0;                       // 0: one per core
  uint64_t max_file_size = kDefaultMaxFileSize;  // bytes scanned per file; 0 = no cap
  std::size_t block_size = kDefaultBlockSize;
  // A regular file of twice this or more is cut into segments that the threads share
  // (each costs a file open and a window of bytes read twice).
  uint64_t min_segment = kDefaultMinSegment;
  source::WalkOptions walk;
  bool decode = true;  // scan decoded views (JSON escapes, base64, ...) besides the raw bytes
  // The format of every input named in `paths` (--input-type); nullptr: detected per input
  // (and always for archive members) from name and content. See source/format.h.
  const source::FormatInfo* input_format = nullptr;
  bool detect_formats = true;  // false (--input-type plain): inputs in `paths` are plain bytes
  std::vector<source::Input> inputs;  // prepared inputs (git blobs), scanned after `paths`
  ScanProgress* progress = nullptr;   // optional; must outlive run_scan
  // Findings carry the secret (Finding::secret) for a broker to check; false drops it once
  // the redacted hint is made, which is all a scan without --broker needs.
  bool keep_secrets = true;
};

// Compile options for an engine that scans through the pipeline: the decoders' triggers
// ride along in the rules' Hyperscan database (decode/text_decoders.h).
engine::CompileOptions scan_compile_options();

// Runs the whole scan. Never fails as a whole: every problem with an input is a
// diagnostic in the report, and the rest is scanned.
report::Report run_scan(std::shared_ptr<const engine::Engine> engine, const ScanOptions& options);

// Scans one in-memory buffer as if it were a file at `path` (rules check, redact, tests).
Result<std::vector<report::Finding>> scan_buffer(engine::Scanner& scanner, std::string_view data,
                                                 const std::string& path);

}  // namespace tokensweep::pipeline
