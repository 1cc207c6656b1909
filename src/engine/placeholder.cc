#include "engine/placeholder.h"

#include <algorithm>
#include <array>
#include <string>

namespace tokensweep::engine {
namespace {

// Matched case-insensitively anywhere in the secret.
constexpr std::array<std::string_view, 14> kMarkers = {
    "xxxx", "****", "...", "\xE2\x80\xA6", "<", ">", "${", "{{", "example", "your_",
    "your-", "changeme", "redacted", "placeholder",
};

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
  std::string_view body = secret;
  if (body.substr(0, public_prefix.size()) == public_prefix) body.remove_prefix(public_prefix.size());
  if (body.empty()) return true;
  // A body of one repeated character ("0000…", "aaaa…") is a placeholder.
  return std::all_of(body.begin(), body.end(), [&](char c) { return c == body.front(); });
}

}  // namespace tokensweep::engine
