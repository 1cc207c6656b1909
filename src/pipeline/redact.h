// `tokensweep redact`: copies text with every secret the engine finds replaced by
// `[REDACTED:<rule_id>:<first 8 hex of its fingerprint>]`. Streaming and line-buffered:
// each batch of complete lines is written (and flushed) as soon as it has been read, so
// a CI step or a support tool can pipe through it. Decoded views are not rewritten: a
// secret hidden by an encoding stays as it is (use `scan` to find those).
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "common/byte_source.h"
#include "common/result.h"
#include "engine/engine.h"

namespace tokensweep::pipeline {

struct RedactStats {
  uint64_t bytes = 0;
  uint64_t secrets = 0;
};

// Reads `in` to its end and writes the redacted copy to `out`.
Result<RedactStats> redact_stream(std::shared_ptr<const engine::Engine> engine, ByteSource& in, std::ostream& out);

// Rewrites `path` through a temporary file in the same directory and an atomic rename,
// keeping its mode and owner; on any error the original is untouched.
Result<RedactStats> redact_in_place(std::shared_ptr<const engine::Engine> engine, const std::string& path);

}  // namespace tokensweep::pipeline
