// SPDX-License-Identifier: GPL-2.0-or-later
// Wake-on-LAN: MAC addresses, the magic packet, and sending it (UDP, port 9).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hidupsd::lib {

using MacAddress = std::array<std::uint8_t, 6>;

/// "aa:bb:cc:dd:ee:ff" or "AA-BB-CC-DD-EE-FF"; nullopt for anything else. Pure.
std::optional<MacAddress> parseMac(std::string_view text);
/// "aa:bb:cc:dd:ee:ff". Pure.
std::string macText(const MacAddress& mac);

/// The magic packet: 6 bytes 0xFF, then the MAC 16 times (102 bytes). Pure.
std::array<std::uint8_t, 102> magicPacket(const MacAddress& mac);

/// Sends the magic packet for `mac` as one UDP datagram to IPv4 `address` (dotted;
/// "255.255.255.255" is the broadcast of every interface's network) on `port`, broadcast
/// allowed. Never blocks (a full socket buffer is an error). Returns "" or why it failed.
std::string sendMagicPacket(const MacAddress& mac, const std::string& address,
                            std::uint16_t port = 9);

} // namespace hidupsd::lib
