// SPDX-License-Identifier: GPL-2.0-or-later
// Socket helpers of the NUT server and client: an owned descriptor, addresses, waits.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

namespace hidupsd::serve {

/// One owned file descriptor (move-only); closed by the destructor.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  void reset() noexcept;
  /// Gives the descriptor up without closing it.
  int release() noexcept { return std::exchange(fd_, -1); }

private:
  int fd_ = -1;
};

/// A socket address of either family.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// "127.0.0.1:3493", "[::1]:3493" (for messages).
std::string formatEndpoint(const std::string& host, std::uint16_t port);

/// The IPv4 or IPv6 literal `host` with `port`. Throws std::system_error (EINVAL) naming
/// host:port if `host` is not an IP literal.
SocketAddress literalAddress(const std::string& host, std::uint16_t port);

/// The address part of `address` ("127.0.0.1", "::1"), as upsd prints clients.
std::string addressText(const sockaddr_storage& address);

/// A TCP socket, close-on-exec and non-blocking. Throws std::system_error.
UniqueFd openStreamSocket(int family);

/// A listening socket on the IP literal `host` and `port` (SO_REUSEADDR, never
/// SO_REUSEPORT: a second daemon must fail to bind, not share the port).
struct Listener {
  UniqueFd fd;
  std::uint16_t port = 0; ///< the bound port (the chosen one for port 0)
  int family = 0;         ///< AF_INET or AF_INET6
};
/// Throws std::system_error naming `what` and host:port (EADDRINUSE, EACCES, EINVAL for a
/// host that is not an IP literal...).
Listener listenOn(const std::string& host, std::uint16_t port, int backlog,
                  const std::string& what);

/// Waits up to `timeout` for `events` on `fd`; true if ready. EINTR is retried.
/// Throws std::system_error if poll fails.
bool waitFor(int fd, short events, std::chrono::milliseconds timeout);

} // namespace hidupsd::serve
