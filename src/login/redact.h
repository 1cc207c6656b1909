// Redaction for the login client's debug log and messages. The client must not link
// the scanner engine (Hyperscan, RE2), so this is the equivalent for the token forms
// this client handles, in three layers:
//   1. every token this process has seen (add_secret), in its raw, percent-encoded,
//      form-encoded, JSON-escaped and base64 (standard and URL-safe) forms;
//   2. the value after any secret-bearing name in JSON ("access_token": "…") or a form
//      (refresh_token=…): access_token, refresh_token, id_token, device_code, token,
//      client_secret, code, password, assertion, subject_token;
//   3. credentials in an Authorization header (Bearer, Basic, DPoP) and anything
//      shaped like a JWT (eyJ….eyJ….…), wherever it appears.
// Each secret becomes "[REDACTED sha256:<12 hex>]" so lines can still be correlated.
// Thread-compatible: add_secret and redact must not race.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "login/secret.h"

namespace tokensweep::login {

class Redactor {
 public:
  void add_secret(std::string_view value);
  // `user_codes`: also redact user_code values. The terminal must show the user code;
  // a log that outlives the flow has no need for it (and the scanner flags it).
  std::string redact(std::string_view text, bool user_codes = false) const;

 private:
  struct Known {
    std::string fingerprint;
    std::vector<Secret> forms;
  };
  std::vector<Known> known_;
};

// "[REDACTED sha256:<first 12 hex digits>]"
std::string redaction_marker(std::string_view secret);

}  // namespace tokensweep::login
