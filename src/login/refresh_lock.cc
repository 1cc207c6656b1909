#include "login/refresh_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "login/config.h"

namespace tokensweep::login {

Result<RefreshLock> RefreshLock::acquire(const std::string& path, std::chrono::milliseconds timeout) {
  if (Status ok = make_private_dirs_for(path); !ok) return ok.error();
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::kIo, std::strerror(errno), path);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int err = errno;
      close(fd);
      return make_error(ErrorCode::kIo, std::strerror(err), path);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      close(fd);
      return make_error(ErrorCode::kIo, "timed out waiting for another tokensweep-login to finish refreshing", path);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return RefreshLock(fd);
}

RefreshLock& RefreshLock::operator=(RefreshLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RefreshLock::~RefreshLock() {
  if (fd_ >= 0) close(fd_);  // closing the descriptor releases the flock
}

}  // namespace tokensweep::login
