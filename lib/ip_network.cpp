// SPDX-License-Identifier: GPL-2.0-or-later
// IP networks: parsing with inet_pton, prefix matching on the address bytes.
#include "lib/ip_network.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace hidupsd::lib {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool isV4Mapped(const std::uint8_t* b) {
  return std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), b);
}

/// Whether the first `prefix` bits of a and b agree.
bool samePrefix(const std::uint8_t* a, const std::uint8_t* b, unsigned prefix) {
  const unsigned whole = prefix / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

unsigned parsePrefix(std::string_view text, unsigned most) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v > most)
    throw std::invalid_argument(fmt::format("/{}: the prefix length is 0..{}", text, most));
  return v;
}

} // namespace

IpNetwork parseIpNetwork(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  IpNetwork n;
  if (::inet_pton(AF_INET, address.c_str(), n.bytes.data()) == 1) {
    n.prefix = 32;
  } else if (::inet_pton(AF_INET6, address.c_str(), n.bytes.data()) == 1) {
    n.v6 = true;
    n.prefix = 128;
  } else {
    throw std::invalid_argument(
        fmt::format("\"{}\" is not an IPv4 or IPv6 address (\"192.168.1.0/24\", \"10.0.0.5\", "
                    "\"::1\"; names are not resolved)",
                    address));
  }
  if (slash != std::string_view::npos) n.prefix = parsePrefix(text.substr(slash + 1), n.prefix);
  if (n.v6 && isV4Mapped(n.bytes.data()) && n.prefix >= 96) {
    std::memmove(n.bytes.data(), n.bytes.data() + 12, 4);
    std::fill(n.bytes.begin() + 4, n.bytes.end(), 0);
    n.v6 = false;
    n.prefix -= 96;
  }
  IpNetwork masked{n.v6, {}, n.prefix};
  const unsigned size = n.v6 ? 16 : 4;
  for (unsigned bit = 0; bit < n.prefix; ++bit)
    masked.bytes[bit / 8] |= static_cast<std::uint8_t>(n.bytes[bit / 8] & (0x80U >> (bit % 8)));
  if (!std::equal(n.bytes.begin(), n.bytes.begin() + size, masked.bytes.begin()))
    throw std::invalid_argument(
        fmt::format("{} has bits set past its prefix: {}?", text, ipNetworkText(masked)));
  return n;
}

std::string ipNetworkText(const IpNetwork& n) {
  char buffer[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(n.v6 ? AF_INET6 : AF_INET, n.bytes.data(), buffer, sizeof buffer);
  if (n.prefix == (n.v6 ? 128U : 32U)) return buffer;
  return fmt::format("{}/{}", buffer, n.prefix);
}

bool inAnyNetwork(const std::vector<IpNetwork>& networks, const sockaddr* address,
                  socklen_t length) noexcept {
  const std::uint8_t* bytes = nullptr;
  bool v6 = false;
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    bytes = reinterpret_cast<const std::uint8_t*>(
        &reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
  } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    bytes = reinterpret_cast<const std::uint8_t*>(
        &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
    v6 = !isV4Mapped(bytes);
    if (!v6) bytes += 12;
  } else {
    return false;
  }
  return std::any_of(networks.begin(), networks.end(), [&](const IpNetwork& n) {
    return n.v6 == v6 && samePrefix(n.bytes.data(), bytes, n.prefix);
  });
}

} // namespace hidupsd::lib
