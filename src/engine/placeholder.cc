#include "engine/placeholder.h"

#include <algorithm>
#include <array>
#include <string>

#include "engine/known_examples.h"

namespace tokensweep::engine {
namespace {

// Matched case-insensitively anywhere in the secret. Each is long or odd enough that a
// random token contains it with negligible probability (a 4-letter marker turns up in a
// random 40-character base62 token about once in 25,000).
// "[masked]" is GitLab CI's mask for a masked variable ("https://oauth2:[MASKED]@...").
constexpr std::array<std::string_view, 21> kMarkers = {
    "xxxx", "****", "...", "\xE2\x80\xA6", "<", ">", "${", "{{", "example", "your_",
    "your-", "yourtoken", "changeme", "change_me", "redacted", "placeholder", "dummy",
    "replace_me", "replace-me", "insert_", "[masked]",
};

// Separators that tokens and placeholders put between groups ("0000-0000", "aaaa_aaaa").
bool is_separator(char c) { return c == '-' || c == '_' || c == '.' || c == ':' || c == '/'; }

}  // namespace

bool is_placeholder(std::string_view secret, std::string_view public_prefix) {
  // One lower-cased copy in a per-thread buffer, then plain searches: no allocation once
  // the buffer has grown, and no per-character locale calls.
  thread_local std::string lower;
  lower.assign(secret);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (std::string_view marker : kMarkers) {
    if (lower.find(marker) != std::string::npos) return true;
  }
  if (is_known_example(secret)) return true;
  std::string_view body = secret;
  if (body.substr(0, public_prefix.size()) == public_prefix) body.remove_prefix(public_prefix.size());
  // A body of one repeated character, separators aside ("0000…", "aaaa…",
  // "00000000-0000-0000-0000-000000000000"), is a placeholder.
  char first = 0;
  for (char c : body) {
    if (is_separator(c)) continue;
    if (first == 0) first = c;
    else if (c != first) return false;
  }
  return true;
}

}  // namespace tokensweep::engine
