// Assertions about secrets that never print one: a failure names the token by kind and
// fingerprint, and the place by name and offset.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "login/support/broker.h"

namespace tokensweep::testing {

// The encodings a leaked token is commonly found in.
struct Form {
  std::string name;  // raw, percent, base64, base64url, json
  std::string text;
};
std::vector<Form> leak_forms(const std::string& value);

// Success when no ledger value, in any leak form, occurs in `haystack`.
::testing::AssertionResult NoLedgerValueIn(const std::string& where, const std::string& haystack,
                                           const std::vector<LedgerEntry>& ledger);

// Success when `haystack` contains `token`, without ever printing either.
::testing::AssertionResult ContainsSecret(const std::string& where, const std::string& haystack,
                                          const std::string& token);

// "sha256:<12 hex>" of a value, for messages.
std::string fp(const std::string& value);

}  // namespace tokensweep::testing
