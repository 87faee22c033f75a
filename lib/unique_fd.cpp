// SPDX-License-Identifier: GPL-2.0-or-later
// UniqueFd: close(2) in one place.
#include "lib/unique_fd.hpp"

#include <unistd.h>

namespace hidupsd::lib {

// close() is not retried on EINTR: on Linux the descriptor is released either way, and a
// retry could close one another thread has just been given.
void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0 && fd_ != fd) ::close(fd_);
  fd_ = fd;
}

} // namespace hidupsd::lib
