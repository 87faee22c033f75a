// SPDX-License-Identifier: GPL-2.0-or-later
// Wake-on-LAN: parse a MAC, build the magic packet, send it on a UDP socket of its own.
#include "lib/wake_on_lan.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "lib/unique_fd.hpp"

namespace hidupsd::lib {

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

std::optional<MacAddress> parseMac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  const char separator = text[2];
  if (separator != ':' && separator != '-') return std::nullopt;
  MacAddress mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const std::size_t at = i * 3;
    if (i > 0 && text[at - 1] != separator) return std::nullopt;
    const int hi = hexDigit(text[at]);
    const int lo = hexDigit(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    mac[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return mac;
}

std::string macText(const MacAddress& mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3],
                     mac[4], mac[5]);
}

std::array<std::uint8_t, 102> magicPacket(const MacAddress& mac) {
  std::array<std::uint8_t, 102> packet{};
  for (std::size_t i = 0; i < 6; ++i)
    packet[i] = 0xff;
  for (std::size_t r = 0; r < 16; ++r)
    std::memcpy(packet.data() + 6 + r * mac.size(), mac.data(), mac.size());
  return packet;
}

std::string sendMagicPacket(const MacAddress& mac, const std::string& address, std::uint16_t port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1)
    return fmt::format("{} is not an IPv4 address", address);
  const UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return fmt::format("socket: {}", std::strerror(errno));
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0)
    return fmt::format("SO_BROADCAST: {}", std::strerror(errno));
  const auto packet = magicPacket(mac);
  const auto sent = ::sendto(fd.get(), packet.data(), packet.size(), 0,
                             reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (sent != static_cast<ssize_t>(packet.size()))
    return fmt::format("sendto {}:{}: {}", address, port,
                       sent < 0 ? std::strerror(errno) : "short write");
  return "";
}

} // namespace hidupsd::lib
