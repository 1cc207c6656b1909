// A problem with one input that did not stop the scan: unreadable, too large, skipped.
// Sources produce them, sinks print them; none ever contains a secret.
#pragma once

#include <string>

#include "common/result.h"

namespace tokensweep {

struct Diagnostic {
  std::string path;
  std::string code;     // error_code_name(): "io", "limit", "unsupported", ...
  std::string message;
  bool incomplete = true;  // true when some bytes of `path` went unscanned

  static Diagnostic from(const Error& e, std::string path, bool incomplete = true) {
    return Diagnostic{std::move(path), error_code_name(e.code), e.message, incomplete};
  }
};

}  // namespace tokensweep
