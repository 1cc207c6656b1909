// An exclusive lock across processes (flock on a file beside the config), held while a
// refresh reads, rotates and saves tokens, so that two concurrent `exec` calls never
// spend the same refresh token twice (which a server with reuse detection punishes by
// revoking the whole grant).
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"

namespace tokensweep::login {

class RefreshLock {
 public:
  // Waits up to `timeout` for the lock.
  static Result<RefreshLock> acquire(const std::string& path, std::chrono::milliseconds timeout);

  RefreshLock(RefreshLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RefreshLock& operator=(RefreshLock&& other) noexcept;
  RefreshLock(const RefreshLock&) = delete;
  RefreshLock& operator=(const RefreshLock&) = delete;
  ~RefreshLock();

 private:
  explicit RefreshLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace tokensweep::login
