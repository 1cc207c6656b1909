// No output path — text, JSON, JSONL, SARIF, diagnostics, --verbose — ever contains a
// full secret. Planted secrets are searched for in everything the executable writes,
// whole and as any 8-byte piece of what follows the public prefix.
#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include "cli_support.h"
#include "support/tokens.h"

namespace tokensweep::testing {
namespace {

// Fails with the secret's position only: the failure message must not leak it either.
void expect_no_piece_of(const std::string& output, const std::string& secret, std::size_t public_prefix,
                        const std::string& what) {
  EXPECT_EQ(output.find(secret), std::string::npos) << what << ": full secret printed";
  for (std::size_t i = public_prefix; i + 8 <= secret.size(); ++i) {
    if (output.find(secret.substr(i, 8)) != std::string::npos) {
      ADD_FAILURE() << what << ": 8 bytes of a secret at offset " << i << " printed";
      return;
    }
  }
}

TEST(NoSecretLeak, NoFormatDiagnosticOrTracePrintsASecret) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::size_t>> secrets = {
      {checksummed_token("gho_", 501), 4},
      {checksummed_token("gho_", 502), 4},
      {"ya29.Zq" + random_base62(60, 503), 0},
      {random_base62(48, 504), 0},
  };
  dir.write("src/ci.log", "step 1\nexport GH_TOKEN=" + secrets[0].first + "\n");
  dir.write("src/dump.json", "{\"access_token\":\"" + secrets[1].first + "\"}\n");
  dir.write("src/curl.txt", "Authorization: Bearer " + secrets[2].first + "\n");
  dir.write("src/headers.txt", "authorization: bearer " + secrets[3].first + "\n");
  dir.write("src/big.log", std::string(1 << 20, 'x') + " " + secrets[0].first + "\n");

  std::vector<std::vector<std::string>> runs;
  for (const char* format : {"text", "json", "jsonl", "sarif"}) {
    runs.push_back({"--format", format, "--verbose", dir.str() + "/src", dir.str() + "/missing"});
  }
  runs.push_back({"--color", "always", "--verbose", dir.str() + "/src"});
  int found_total = 0;
  for (const auto& args : runs) {
    // With the test rules, and with the built-in pack.
    for (bool builtin : {false, true}) {
      ProcessResult r;
      if (builtin) {
        auto a = args;
        a.insert(a.begin(), "scan");
        r = tokensweep(a);
      } else {
        r = scan_with_test_rules(dir, args);
      }
      EXPECT_EQ(r.exit_code, 1) << args[1] << " builtin=" << builtin;
      found_total += r.out.empty() ? 0 : 1;
      for (const auto& [secret, prefix] : secrets) {
        expect_no_piece_of(r.out, secret, prefix, args[1] + " stdout");
        expect_no_piece_of(r.err, secret, prefix, args[1] + " stderr");
      }
    }
  }
  EXPECT_EQ(found_total, static_cast<int>(runs.size() * 2));
}

TEST(NoSecretLeak, TheCheckItselfCanFail) {
  // A control: the same search finds a secret that is printed.
  const std::string secret = checksummed_token("gho_", 600);
  EXPECT_NONFATAL_FAILURE(expect_no_piece_of("log: " + secret.substr(0, 20), secret, 4, "control"),
                          "8 bytes of a secret");
}

}  // namespace
}  // namespace tokensweep::testing
