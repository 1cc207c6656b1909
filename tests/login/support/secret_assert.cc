#include "login/support/secret_assert.h"

#include "common/base64.h"
#include "common/sha256.h"
#include "http/url.h"

namespace tokensweep::testing {

std::string fp(const std::string& value) { return "sha256:" + sha256_hex(value).substr(0, 12); }

std::vector<Form> leak_forms(const std::string& value) {
  std::string json;
  for (char c : value) {
    if (c == '/' || c == '"' || c == '\\') json.push_back('\\');
    json.push_back(c);
  }
  std::vector<Form> forms = {
      {"raw", value},
      {"percent-encoded", http::percent_encode(value)},
      {"form-encoded", http::form_escape(value)},
      {"json-escaped", json},
      {"base64", base64_encode(value, false, false)},
      {"base64url", base64_encode(value, true, false)},
  };
  return forms;
}

::testing::AssertionResult NoLedgerValueIn(const std::string& where, const std::string& haystack,
                                           const std::vector<LedgerEntry>& ledger) {
  for (const auto& entry : ledger) {
    for (const auto& form : leak_forms(entry.value)) {
      auto at = haystack.find(form.text);
      if (at != std::string::npos) {
        return ::testing::AssertionFailure()
               << entry.fingerprint() << " found " << form.name << " in " << where << " at byte " << at;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult ContainsSecret(const std::string& where, const std::string& haystack,
                                          const std::string& token) {
  if (token.empty()) return ::testing::AssertionFailure() << "empty token";
  if (haystack.find(token) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "token " << fp(token) << " not found in " << where;
}

}  // namespace tokensweep::testing
