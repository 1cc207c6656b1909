#include "common/result.h"

namespace tokensweep {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kBadRule: return "bad_rule";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kLimit: return "limit";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kNetwork: return "network";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::to_string() const {
  if (location.empty()) return message;
  return location + ": " + message;
}

}  // namespace tokensweep
