// SPDX-License-Identifier: GPL-2.0-or-later
// Socket helpers: literal addresses through getaddrinfo(AI_NUMERICHOST), descriptors, poll.
#include "serve/nut_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

namespace hidupsd::serve {

std::string formatEndpoint(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

SocketAddress literalAddress(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const auto service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr)
    throw std::system_error(EINVAL, std::generic_category(),
                            formatEndpoint(host, port) + ": not an IPv4 or IPv6 address");
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, &::freeaddrinfo);
  SocketAddress out;
  std::memcpy(&out.storage, found->ai_addr, found->ai_addrlen);
  out.length = found->ai_addrlen;
  return out;
}

std::string addressText(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
  }
  return text;
}

namespace {

bool loopback(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(&a)->sin_addr.s_addr) >> 24) == 127;
  if (a.ss_family != AF_INET6) return false;
  const auto& v6 = reinterpret_cast<const sockaddr_in6*>(&a)->sin6_addr;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

} // namespace

bool onThisHost(int fd, const sockaddr_storage& peer) {
  if (loopback(peer)) return true;
  sockaddr_storage local{};
  socklen_t length = sizeof(local);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return false;
  return local.ss_family == peer.ss_family && addressText(local) == addressText(peer);
}

lib::UniqueFd openStreamSocket(int family) {
  lib::UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP));
  if (!fd.valid()) throw std::system_error(errno, std::generic_category(), "socket");
  return fd;
}

Listener listenOn(const std::string& host, std::uint16_t port, int backlog,
                  const std::string& what) {
  const auto endpoint = formatEndpoint(host, port);
  const auto fail = [&](const std::string& step) {
    throw std::system_error(errno, std::generic_category(), what + ": " + step + " " + endpoint);
  };
  const SocketAddress address = literalAddress(host, port);
  Listener out;
  out.family = address.storage.ss_family;
  out.fd = openStreamSocket(out.family);
  const int one = 1;
  if (::setsockopt(out.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
    fail("setsockopt SO_REUSEADDR on");
  if (::bind(out.fd.get(), address.get(), address.length) != 0) fail("cannot bind");
  if (::listen(out.fd.get(), backlog) != 0) fail("cannot listen on");
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (::getsockname(out.fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
    fail("getsockname of");
  out.port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
  return out;
}

bool waitFor(int fd, short events, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
  }
}

} // namespace hidupsd::serve
