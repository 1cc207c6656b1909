#include "engine/placeholder.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tokensweep::engine
