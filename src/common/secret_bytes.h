// SecretBytes: the one type that holds a raw secret. Its memory is wiped when it is
// destroyed or moved from, it never prints, and its bytes can be read only with a
// RevealKey, which only the broker client and the redaction path may construct.
// Everything else works with fingerprint() and redacted().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tokensweep {

namespace broker { class Client; }
namespace report { class Redactor; }

// Overwrites memory in a way the optimiser may not drop.
void secure_wipe(void* data, std::size_t size);

class SecretBytes {
 public:
  class RevealKey {
    RevealKey() = default;
    friend class broker::Client;
    friend class report::Redactor;
    friend class SecretBytesTestPeer;
  };

  SecretBytes() = default;
  explicit SecretBytes(std::string_view bytes);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Lowercase hex SHA-256 of the exact bytes.
  std::string fingerprint() const;

  // At most `public_prefix` (when the secret starts with it) plus up to four of the
  // final characters, fewer for short secrets: "gho_…Ab3d", "…9Z".
  std::string redacted(std::string_view public_prefix) const;

  std::string_view reveal(const RevealKey&) const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }

 private:
  void wipe();
  std::vector<unsigned char> bytes_;
};

// The redaction hint used by SecretBytes::redacted, for callers that hold the bytes
// only transiently (the engine's hot path) and must not copy them.
std::string redact_hint(std::string_view secret, std::string_view public_prefix);

}  // namespace tokensweep
