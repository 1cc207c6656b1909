#include "common/sha256.h"

// OpenSSL 3 deprecates SHA256_Init/Update/Final in favour of EVP, but EVP_Digest (and the
// one-shot SHA256(), which 3.0 routes through EVP) fetches the algorithm through the
// provider machinery on every call — locks and a method-store lookup, 6% of a scan of a
// dense file, where every match is fingerprinted. These compute the same digest directly.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace tokensweep {

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  char* to = out.data();
  for (const char b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    *to++ = kHex[c >> 4];
    *to++ = kHex[c & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  const auto digest = sha256(data);
  return hex_encode({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

}  // namespace tokensweep
