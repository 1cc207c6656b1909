#include <gtest/gtest.h>

#include "source/path_glob.h"

namespace tokensweep::source {
namespace {

struct Case {
  const char* pattern;
  const char* path;
  bool match;
};

class PathGlob : public ::testing::TestWithParam<Case> {};

TEST_P(PathGlob, Matches) {
  EXPECT_EQ(glob_match_path(GetParam().pattern, GetParam().path), GetParam().match)
      << GetParam().pattern << " vs " << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(
    Globs, PathGlob,
    ::testing::Values(Case{"vendor/**", "vendor/a/b.js", true}, Case{"vendor", "vendor/a/b.js", true},
                      Case{"vendor/**", "src/vendor/a.js", false}, Case{"**/vendor/**", "src/vendor/a.js", true},
                      Case{"*.min.js", "web/app.min.js", true}, Case{"*.min.js", "web/app.js", false},
                      Case{"src/*.txt", "src/a.txt", true}, Case{"src/*.txt", "src/sub/a.txt", false},
                      Case{"src/**/*.txt", "src/a.txt", true}, Case{"src/**/*.txt", "src/x/y/a.txt", true},
                      Case{"test?.env", "test1.env", true}, Case{"test?.env", "test12.env", false},
                      Case{"[ab].txt", "b.txt", true}, Case{"[!ab].txt", "b.txt", false},
                      Case{"./docs/", "docs/x.md", true}, Case{"docs", "./docs/x.md", true},
                      Case{"doc", "docs/x.md", false}));

TEST(PathGlob, ReportsUnusablePatterns) {
  EXPECT_EQ(glob_problem("a/[bc"), "unterminated '['");
  EXPECT_EQ(glob_problem(""), "empty pattern");
  EXPECT_EQ(glob_problem("a/**/[bc]"), "");
}

}  // namespace
}  // namespace tokensweep::source
