#include "engine/placeholder.h"

#include <algorithm>
#include <array>
#include <cstdint>

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

constexpr unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c; }

// The pairs of bytes a marker can begin with, as a bitmap indexed by the two bytes as they
// are (both cases of a letter set): a secret costs one lookup per byte, and the markers
// are compared only where one could begin — rarely in a random token, so the branch is
// predictable. A one-byte marker ("<") sets every pair it begins, the pair with the byte
// past the end (0) included.
constexpr std::array<uint64_t, 1024> kMarkerPairs = [] {
  std::array<uint64_t, 1024> lowered{};
  const auto set = [](std::array<uint64_t, 1024>& pairs, unsigned pair) { pairs[pair >> 6] |= uint64_t{1} << (pair & 63); };
  for (std::string_view marker : kMarkers) {
    const auto first = static_cast<unsigned char>(marker[0]);
    if (marker.size() == 1) {
      for (unsigned second = 0; second < 256; ++second) set(lowered, first << 8 | second);
    } else {
      set(lowered, first << 8 | static_cast<unsigned char>(marker[1]));
    }
  }
  std::array<uint64_t, 1024> pairs{};
  for (unsigned pair = 0; pair < 65536; ++pair) {
    const unsigned folded = unsigned{lower(static_cast<unsigned char>(pair >> 8))} << 8 | lower(static_cast<unsigned char>(pair));
    if ((lowered[folded >> 6] >> (folded & 63) & 1) != 0) set(pairs, pair);
  }
  return pairs;
}();

bool marker_at(std::string_view secret, std::size_t i) {
  for (std::string_view marker : kMarkers) {
    if (marker.size() > secret.size() - i) continue;
    std::size_t k = 0;
    while (k < marker.size() && lower(static_cast<unsigned char>(secret[i + k])) == static_cast<unsigned char>(marker[k])) ++k;
    if (k == marker.size()) return true;
  }
  return false;
}

bool contains_marker(std::string_view secret) {
  for (std::size_t i = 0; i < secret.size(); ++i) {
    const unsigned first = static_cast<unsigned char>(secret[i]);
    const unsigned second = i + 1 < secret.size() ? static_cast<unsigned char>(secret[i + 1]) : 0u;
    const unsigned pair = first << 8 | second;
    if ((kMarkerPairs[pair >> 6] >> (pair & 63) & 1) != 0 && marker_at(secret, i)) return true;
  }
  return false;
}

}  // namespace

bool is_placeholder(std::string_view secret, std::string_view public_prefix) {
  if (contains_marker(secret)) return true;
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
