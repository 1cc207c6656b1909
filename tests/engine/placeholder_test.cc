#include "engine/placeholder.h"

#include "engine/known_examples.h"

#include <gtest/gtest.h>

#include <string>

#include "support/tokens.h"

namespace tokensweep::engine {
namespace {

TEST(Placeholder, RecognisesCommonPlaceholdersAndMasks) {
  for (const char* s : {"ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "<YOUR_TOKEN>", "${{ secrets.GITHUB_TOKEN }}",
                        "${GITHUB_TOKEN}", "********", "ghp_abc...", "ghp_abc\xE2\x80\xA6", "changeme",
                        "your_token_here", "REDACTED", "AKIAIOSFODNN7EXAMPLE", "{{ token }}", "placeholder-value"}) {
    EXPECT_TRUE(is_placeholder(s, "")) << s;
  }
}

TEST(Placeholder, AMarkerIsFoundAtEveryPositionInAnyCase) {
  // Markers are looked up by their first two bytes: a one-byte marker last in the secret,
  // a marker at the very start or end, and upper case must all still count.
  const std::string body = testing::random_base62(24, 31);
  for (std::string marker : {"<", ">", "XXXX", "...", "ChangeMe", "REDACTED", "[MASKED]", "${", "\xE2\x80\xA6"}) {
    for (std::size_t at = 0; at <= body.size(); ++at) {
      const std::string s = body.substr(0, at) + marker + body.substr(at);
      EXPECT_TRUE(is_placeholder(s, "")) << marker << " at " << at;
    }
  }
  EXPECT_TRUE(is_placeholder("abc<", "")) << "a one-byte marker, last";
}

TEST(Placeholder, OneRepeatedCharacterAfterThePrefixIsAPlaceholder) {
  EXPECT_TRUE(is_placeholder("ghp_000000000000000000000000000000000000", "ghp_"));
  EXPECT_TRUE(is_placeholder("aaaaaaaaaaaaaaaa", ""));
  EXPECT_TRUE(is_placeholder("ghp_", "ghp_"));
}

TEST(Placeholder, RandomTokensAreNotPlaceholders) {
  for (uint32_t seed = 0; seed < 200; ++seed) {
    const auto token = testing::checksummed_token("ghp_", seed);
    EXPECT_FALSE(is_placeholder(token, "ghp_")) << "seed " << seed;
  }
}

TEST(Placeholder, NewMarkersAreRecognised) {
  for (const char* s : {"dummy-token-value-1", "REPLACE_ME_WITH_A_TOKEN", "insert_token_here", "YourTokenGoesHere",
                        "change_me_please"}) {
    EXPECT_TRUE(is_placeholder(s, "")) << s;
  }
}

TEST(Placeholder, CiMasksAreRecognised) {
  // GitHub Actions writes "***", GitLab "[MASKED]", Jenkins "****" where a masked value was.
  for (const char* s : {"***", "[MASKED]", "[masked]", "****", "[MASKED][MASKED]", "prefix-[MASKED]"}) {
    EXPECT_TRUE(is_placeholder(s, "")) << s;
  }
  EXPECT_FALSE(is_placeholder("MASKED-but-a-real-value-9f8e", ""));
}

TEST(Placeholder, OneRepeatedCharacterBetweenSeparatorsIsAPlaceholder) {
  EXPECT_TRUE(is_placeholder("00000000-0000-0000-0000-000000000000", ""));
  EXPECT_TRUE(is_placeholder("sk_live_0000_0000_0000_0000", "sk_live_"));
  EXPECT_TRUE(is_placeholder("aaaa.aaaa.aaaa", ""));
  EXPECT_FALSE(is_placeholder("00000000-0000-0000-0000-000000000001", ""));
  EXPECT_FALSE(is_placeholder("c599d5c6-6b13-451f-87af-69c3924aca23", ""));
}

TEST(KnownExamples, PublishedSampleValuesAreNeverFindings) {
  // Each of these is printed in an RFC, a provider's documentation or jwt.io.
  for (const char* s : {
           "2YotnFZFEjr1zCsicMWpAA",                  // RFC 6749 access token
           "tGzv3JOkF0XG5Qx2TlKWIA",                  // RFC 6749 refresh token
           "7Fjfp0ZBr1KtDRbnfVdmIw",                  // RFC 6749 client secret
           "WDJB-MJHT",                               // RFC 8628 user code
           "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",  // RFC 8628 device code
           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  // AWS docs secret key
           "d-FL95Q19q7MQmFpd7hHD0Ty",                // gcloud's public installed-app secret
           "sk_test_4eC39HqLyjWDarjtT1zdp7dc",        // Stripe API reference
           "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
           "password",
       }) {
    EXPECT_TRUE(is_known_example(s)) << s;
    EXPECT_TRUE(is_placeholder(s, "")) << s;
  }
}

TEST(KnownExamples, JwtIoSampleIsRecognisedWhateverItsSignature) {
  const std::string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
  const std::string payload = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";
  EXPECT_TRUE(is_known_example(header + "." + payload + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"));
  EXPECT_TRUE(is_known_example(header + "." + payload + ".bm90LXRoZS1zYW1wbGUtc2lnbmF0dXJl"));
  // The same header with another payload is an ordinary JWT.
  EXPECT_FALSE(is_known_example(header + ".eyJzdWIiOiJ1c2VyLTQyIn0.bm90LXRoZS1zYW1wbGUtc2lnbmF0dXJl"));
}

TEST(KnownExamples, MatchesWholeValuesOnly) {
  // A real secret that merely contains a short sample or a sample word is still a finding.
  EXPECT_FALSE(is_known_example("2YotnFZFEjr1zCsicMWpAB"));
  EXPECT_FALSE(is_known_example("x2YotnFZFEjr1zCsicMWpAA"));
  EXPECT_FALSE(is_known_example("mypassword123"));
  EXPECT_FALSE(is_placeholder("Tr0ub4dor-secret-9f8e7d", ""));
  EXPECT_FALSE(is_known_example("WDJB-MJHX"));
}

TEST(KnownExamples, RandomTokensAreNotKnownExamples) {
  for (uint32_t seed = 0; seed < 200; ++seed) {
    EXPECT_FALSE(is_known_example(testing::checksummed_token("npm_", seed))) << "seed " << seed;
  }
}

}  // namespace
}  // namespace tokensweep::engine
