#include "common/sha256.h"

#include <openssl/evp.h>

namespace tokensweep {

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  // EVP_Digest is one-shot and allocation-free for SHA-256; it cannot fail for a valid
  // digest and in-memory data.
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  const auto digest = sha256(data);
  return hex_encode({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

}  // namespace tokensweep
