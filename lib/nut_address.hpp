// SPDX-License-Identifier: GPL-2.0-or-later
// NutAddress: "ups@host[:port]", the way upsc and upsmon's MONITOR line name a remote UPS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hidupsd::lib {

/// A UPS on a NUT server (upsd or hidupsd's [serve.nut]).
struct NutAddress {
  std::string ups;           ///< the UPS's name on that server ("ups")
  std::string host;          ///< a name or an IP literal, without brackets ("::1")
  std::uint16_t port = 3493; ///< NUT's port unless given
  bool operator==(const NutAddress&) const = default;
};

/// "UPS@HOST", "UPS@HOST:PORT", "UPS@[IPV6]" or "UPS@[IPV6]:PORT" (NUT's upscli_splitname
/// form; an IPv6 literal needs its brackets). The UPS name is letters, digits and "._-";
/// the port 1..65535. Throws std::invalid_argument with the reason (it quotes the text: no
/// secret lives in an address).
NutAddress parseNutAddress(std::string_view text);

/// The address as text, as parseNutAddress reads it back ("ups@[::1]:3493").
std::string nutAddressText(const NutAddress& address);

} // namespace hidupsd::lib
