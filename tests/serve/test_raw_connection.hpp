// SPDX-License-Identifier: GPL-2.0-or-later
// RawConnection: a line-level TCP client on 127.0.0.1 (or ::1) for what NutClient does not send.
#pragma once

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <system_error>
#include <utility>

#include "lib/unique_fd.hpp"
#include "serve/nut_socket.hpp"

namespace hidupsd::test {

using namespace std::chrono_literals;
using lib::UniqueFd;

/// A line-level connection for what NutClient does not send (partial and over-long lines).
struct RawConnection {
  explicit RawConnection(std::uint16_t port, const std::string& host = "127.0.0.1")
      : fd(serve::openStreamSocket(host.find(':') != std::string::npos ? AF_INET6 : AF_INET)) {
    const auto address = serve::literalAddress(host, port);
    if (::connect(fd.get(), address.get(), address.length) != 0 && errno != EINPROGRESS)
      throw std::system_error(errno, std::generic_category(), "connect");
    REQUIRE(serve::waitFor(fd.get(), POLLOUT, 2000ms));
  }
  void send(const std::string& data) const {
    REQUIRE(::send(fd.get(), data.data(), data.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(data.size()));
  }
  /// Everything received until `lines` newlines, or "" + EOF marker "<closed>".
  std::string receive(int lines) {
    while (std::count(buffer.begin(), buffer.end(), '\n') < lines) {
      if (!serve::waitFor(fd.get(), POLLIN, 2000ms)) return buffer + "<timeout>";
      char chunk[512];
      const auto n = ::recv(fd.get(), chunk, sizeof(chunk), 0);
      if (n <= 0) return buffer + "<closed>";
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return std::exchange(buffer, {});
  }
  bool closedByPeer() {
    if (!serve::waitFor(fd.get(), POLLIN, 3000ms)) return false;
    char c;
    return ::recv(fd.get(), &c, 1, 0) == 0;
  }
  /// Closed (EOF or reset) without a single byte sent to us.
  bool closedSilently() {
    if (!serve::waitFor(fd.get(), POLLIN, 3000ms)) return false;
    char c;
    const auto n = ::recv(fd.get(), &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  UniqueFd fd;
  std::string buffer;
};

} // namespace hidupsd::test
