#include "report/finding.h"

namespace tokensweep::report {

// These strings are the `validation` and `status` values of design §3.2 (a contract).
const char* validation_name(Validation v) {
  switch (v) {
    case Validation::kValid: return "valid";
    case Validation::kInvalid: return "invalid";
    case Validation::kExpired: return "expired";
    case Validation::kUnchecked: return "unchecked";
  }
  return "unchecked";
}

const char* broker_status_name(BrokerStatus s) {
  switch (s) {
    case BrokerStatus::kActive: return "active";
    case BrokerStatus::kInactive: return "inactive";
    case BrokerStatus::kRevoked: return "revoked";
    case BrokerStatus::kUnknown: return "unknown";
    case BrokerStatus::kUnchecked: return "unchecked";
  }
  return "unchecked";
}

}  // namespace tokensweep::report
