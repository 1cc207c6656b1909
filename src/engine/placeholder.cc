#include "engine/placeholder.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace tokensweep::engine {
namespace {

// Matched case-insensitively anywhere in the secret.
constexpr std::array<std::string_view, 14> kMarkers = {
    "xxxx", "****", "...", "\xE2\x80\xA6", "<", ">", "${", "{{", "example", "your_",
    "your-", "changeme", "redacted", "placeholder",
};

bool contains_icase(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         }) != hay.end();
}

}  // namespace

bool is_placeholder(std::string_view secret, std::string_view public_prefix) {
  for (std::string_view marker : kMarkers) {
    if (contains_icase(secret, marker)) return true;
  }
  std::string_view body = secret;
  if (body.substr(0, public_prefix.size()) == public_prefix) body.remove_prefix(public_prefix.size());
  if (body.empty()) return true;
  // A body of one repeated character ("0000…", "aaaa…") is a placeholder.
  return std::all_of(body.begin(), body.end(), [&](char c) { return c == body.front(); });
}

}  // namespace tokensweep::engine
