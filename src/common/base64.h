// Base64 and base64url decoding (RFC 4648), tolerant of missing padding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tokensweep {

// Decodes standard or URL-safe alphabet (either, not mixed checks); padding optional.
// Returns nullopt on any character outside the alphabet or an impossible length.
std::optional<std::string> base64_decode(std::string_view in);
std::string base64_encode(std::string_view in, bool url_safe = false, bool pad = true);

}  // namespace tokensweep
