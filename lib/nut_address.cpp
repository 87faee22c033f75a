// SPDX-License-Identifier: GPL-2.0-or-later
// NutAddress: "ups@host[:port]" parsed and printed.
#include "lib/nut_address.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace hidupsd::lib {

namespace {

bool upsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool hostChar(char c) { return upsNameChar(c) || c == ':' || c == '%'; }

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw std::invalid_argument(fmt::format("\"{}\" is not UPS@HOST[:PORT]: {}", text, why));
}

std::uint16_t parsePort(std::string_view text, std::string_view port) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || v == 0 || v > 65535)
    fail(text, fmt::format("the port \"{}\" is not 1..65535", port));
  return static_cast<std::uint16_t>(v);
}

/// "HOST", "HOST:PORT", "[V6]", "[V6]:PORT" into `out`.
void parseHostPort(std::string_view text, std::string_view rest, NutAddress& out) {
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) fail(text, "a '[' without its ']'");
    host = rest.substr(1, close - 1);
    const auto after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) fail(text, "text after ']' that is no :PORT");
    if (!after.empty()) port = after.substr(1);
    if (!after.empty() && port.empty()) fail(text, "an empty port");
  } else if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    if (rest.find(':', colon + 1) != std::string_view::npos)
      fail(text, "an IPv6 address goes in brackets: ups@[::1]:3493");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) fail(text, "an empty port");
  }
  if (host.empty()) fail(text, "no host");
  if (!std::all_of(host.begin(), host.end(), hostChar)) fail(text, "a character a host has not");
  out.host = std::string(host);
  if (!port.empty()) out.port = parsePort(text, port);
}

} // namespace

NutAddress parseNutAddress(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos) fail(text, "no '@' (the UPS's name on the server comes first)");
  const auto ups = text.substr(0, at);
  if (ups.empty()) fail(text, "no UPS name before '@'");
  if (!std::all_of(ups.begin(), ups.end(), upsNameChar))
    fail(text, "the UPS name must be letters, digits, '.', '_' or '-'");
  NutAddress out;
  out.ups = std::string(ups);
  parseHostPort(text, text.substr(at + 1), out);
  return out;
}

std::string nutAddressText(const NutAddress& address) {
  if (address.host.find(':') != std::string::npos)
    return fmt::format("{}@[{}]:{}", address.ups, address.host, address.port);
  return fmt::format("{}@{}:{}", address.ups, address.host, address.port);
}

} // namespace hidupsd::lib
