// SPDX-License-Identifier: GPL-2.0-or-later
// IP networks ("192.168.1.0/24", "::1"): parsed from text, matched against a peer's sockaddr.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hidupsd::lib {

/// An IPv4 or IPv6 network: the address and how many leading bits must match.
struct IpNetwork {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{}; ///< IPv4: the first 4
  unsigned prefix = 0;                  ///< 0..32 (IPv4), 0..128 (IPv6)
  bool operator==(const IpNetwork&) const = default;
};

/// "ADDR" (a single host: /32 or /128) or "ADDR/PREFIX". An IPv4-mapped IPv6 network
/// ("::ffff:10.0.0.0/104") is kept as the IPv4 network it means. Throws std::invalid_argument
/// with the reason (not an address, a prefix out of range, bits set past the prefix).
IpNetwork parseIpNetwork(std::string_view text);

/// The network as text, as parseIpNetwork reads it back ("10.0.0.0/8", "::1").
std::string ipNetworkText(const IpNetwork& network);

/// Whether `address` (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as its IPv4
/// address) is in any of `networks`. Any other family, or a length too short: false.
bool inAnyNetwork(const std::vector<IpNetwork>& networks, const sockaddr* address,
                  socklen_t length) noexcept;

} // namespace hidupsd::lib
