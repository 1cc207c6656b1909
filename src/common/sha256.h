// SHA-256 through OpenSSL's EVP interface. Thread-safe; cost is linear in the input.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace tokensweep {

std::array<unsigned char, 32> sha256(std::string_view data);
// Lowercase hex, 64 characters.
std::string sha256_hex(std::string_view data);
std::string hex_encode(std::string_view bytes);

}  // namespace tokensweep
