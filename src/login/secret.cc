#include "login/secret.h"

#include <utility>

#include "common/secret_bytes.h"
#include "common/sha256.h"

namespace tokensweep::login {

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

void Secret::wipe() {
  if (!value_.empty()) secure_wipe(value_.data(), value_.size());
  value_.clear();
}

std::string Secret::fingerprint() const { return sha256_hex(value_).substr(0, 12); }

}  // namespace tokensweep::login
