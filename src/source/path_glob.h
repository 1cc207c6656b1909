// Path globs for allowlists (`allow_paths` in .tokensweep.yaml), matched against paths
// relative to the scanned root with '/' separators:
//   `*`  any run of characters except '/'      `?`  one character except '/'
//   `**` any run of characters including '/' (as a whole segment: `a/**/b`, `**/x`, `a/**`)
//   `[abc]`, `[a-z]`, `[!a]`  one character from a set
// A pattern without '/' matches the last segment anywhere (`*.min.js`), as in .gitignore;
// a pattern matching a directory excludes everything under it. Cost: linear in the path
// for patterns without `**`, at most quadratic with them; no allocation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tokensweep::source {

// True when `path` (relative, '/'-separated) or one of its parent directories matches.
bool glob_match_path(std::string_view pattern, std::string_view path);

// The first pattern in `patterns` that matches `path`, or nullptr.
const std::string* first_glob_match(const std::vector<std::string>& patterns, std::string_view path);

// Empty when `pattern` is usable, else why not ("unterminated '['").
std::string glob_problem(std::string_view pattern);

}  // namespace tokensweep::source
