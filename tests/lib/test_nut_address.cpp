// SPDX-License-Identifier: GPL-2.0-or-later
// lib/nut_address: "ups@host[:port]" read (and refused with a reason), printed back.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "lib/nut_address.hpp"

namespace {

using hidupsd::lib::NutAddress;
using hidupsd::lib::nutAddressText;
using hidupsd::lib::parseNutAddress;

std::string refusal(const char* text) {
  try {
    parseNutAddress(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

} // namespace

TEST_CASE("nut_address: the forms upsc accepts") {
  struct Row {
    const char* text;
    NutAddress expected;
    const char* printed;
  };
  const Row rows[] = {
      {"ups@localhost", {"ups", "localhost", 3493}, "ups@localhost:3493"},
      {"ups@127.0.0.1:3494", {"ups", "127.0.0.1", 3494}, "ups@127.0.0.1:3494"},
      {"eaton-5sc_1.a@pve1.lan:1", {"eaton-5sc_1.a", "pve1.lan", 1}, "eaton-5sc_1.a@pve1.lan:1"},
      {"ups@[::1]", {"ups", "::1", 3493}, "ups@[::1]:3493"},
      {"ups@[fe80::1%eth0]:65535", {"ups", "fe80::1%eth0", 65535}, "ups@[fe80::1%eth0]:65535"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    const auto parsed = parseNutAddress(row.text);
    CHECK(parsed == row.expected);
    CHECK(nutAddressText(parsed) == row.printed);
    CHECK(parseNutAddress(nutAddressText(parsed)) == parsed);
  }
}

TEST_CASE("nut_address: refusals say why") {
  struct Row {
    const char* text;
    const char* why;
  };
  const Row rows[] = {
      {"localhost", "no '@'"},
      {"@localhost", "no UPS name"},
      {"u ps@localhost", "the UPS name must be"},
      {"ups@", "no host"},
      {"ups@:3493", "no host"},
      {"ups@host:", "an empty port"},
      {"ups@host:0", "not 1..65535"},
      {"ups@host:65536", "not 1..65535"},
      {"ups@host:34x", "not 1..65535"},
      {"ups@::1", "an IPv6 address goes in brackets"},
      {"ups@[::1", "without its ']'"},
      {"ups@[::1]x", "no :PORT"},
      {"ups@[::1]:", "an empty port"},
      {"ups@[]:3493", "no host"},
      {"ups@ho st", "a character a host has not"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    const auto why = refusal(row.text);
    CHECK(why.find(row.why) != std::string::npos);
    CHECK(why.find(row.text) != std::string::npos);
  }
}
