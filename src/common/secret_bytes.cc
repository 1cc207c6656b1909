#include "common/secret_bytes.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "common/sha256.h"

namespace tokensweep {

void secure_wipe(void* data, std::size_t size) {
  if (data != nullptr && size > 0) OPENSSL_cleanse(data, size);
}

SecretBytes::SecretBytes(std::string_view bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::~SecretBytes() { wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.wipe();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.wipe();
  }
  return *this;
}

void SecretBytes::wipe() {
  secure_wipe(bytes_.data(), bytes_.capacity());
  bytes_.clear();
}

std::string SecretBytes::fingerprint() const {
  return sha256_hex({reinterpret_cast<const char*>(bytes_.data()), bytes_.size()});
}

std::string SecretBytes::redacted(std::string_view public_prefix) const {
  return redact_hint({reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}, public_prefix);
}

std::string redact_hint(std::string_view secret, std::string_view public_prefix) {
  std::string out;
  std::string_view body = secret;
  if (!public_prefix.empty() && secret.substr(0, public_prefix.size()) == public_prefix &&
      public_prefix.size() < secret.size()) {
    out.assign(public_prefix);
    body.remove_prefix(public_prefix.size());
  }
  // Reveal at most 4 trailing characters, and never more than a quarter of what is
  // secret, so a 9-character user code shows 2 and a 40-character token shows 4.
  const std::size_t shown = std::min<std::size_t>(4, body.size() / 4);
  out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
  for (char c : body.substr(body.size() - shown)) {
    // Only printable ASCII is shown; anything else would be an escape hazard in a terminal.
    out += (c >= 0x21 && c <= 0x7e) ? c : '?';
  }
  return out;
}

}  // namespace tokensweep
