// SPDX-License-Identifier: GPL-2.0-or-later
// UniqueFd: the one owner type for a file descriptor (pipes, sockets, files, pidfds, eventfds).
#pragma once

namespace hidupsd::lib {

/// One owned file descriptor, -1 for none. Move-only; the destructor closes it, and so does
/// a move-assignment or reset(): the descriptor held before is closed at once, never later
/// with the moved-from object. Not thread-safe (one owner, one thread at a time).
class UniqueFd {
public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  /// Gives the descriptor up without closing it; this owner holds none after.
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  /// Closes the descriptor held (if any), then owns `fd`.
  void reset(int fd = -1) noexcept;

private:
  int fd_ = -1;
};

} // namespace hidupsd::lib
