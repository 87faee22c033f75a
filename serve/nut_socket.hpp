// SPDX-License-Identifier: GPL-2.0-or-later
// Socket helpers of the NUT server and client: addresses, sockets, waits.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "lib/unique_fd.hpp"

namespace hidupsd::serve {

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

/// Whether the peer of the connected socket `fd` runs on this host: a loopback address
/// (127.0.0.0/8, ::1, their IPv4-mapped forms), or the very address the connection came to
/// (a client of this host's own LAN address). Its bytes never cross a network.
bool onThisHost(int fd, const sockaddr_storage& peer);

/// A TCP socket, close-on-exec and non-blocking. Throws std::system_error.
lib::UniqueFd openStreamSocket(int family);

/// A listening socket on the IP literal `host` and `port` (SO_REUSEADDR, never
/// SO_REUSEPORT: a second daemon must fail to bind, not share the port).
struct Listener {
  lib::UniqueFd fd;
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
