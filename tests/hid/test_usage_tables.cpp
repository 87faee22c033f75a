// SPDX-License-Identifier: GPL-2.0-or-later
// Usage names and HID path strings, checked against NUT's own output in the fixtures.
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hid/usage_tables.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
namespace t = hidupsd::test;

namespace {

/// Every path of NAME.expected.txt (NUT's log) and column 1 of NAME.fields.txt.
std::set<std::string> fixturePaths(const std::string& fixture) {
  std::set<std::string> paths;
  const auto expected = t::fixturesDir() / (fixture + ".expected.txt");
  if (std::filesystem::exists(expected))
    for (const auto& e : t::readExpected(expected))
      paths.insert(e.path);
  std::istringstream in(t::readFile(t::fixturesDir() / (fixture + ".fields.txt")));
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') paths.insert(line.substr(0, line.find('|')));
  return paths;
}

/// The dialect's name: doctest cannot print a Dialect (nameOf() gives a char*).
std::string dialectName(Dialect d) { return hidupsd::hid::nameOf(d); }

std::string roundTrip(const std::string& path, Dialect d) {
  const auto nodes = pathFromString(path, d);
  REQUIRE_MESSAGE(nodes.has_value(), "cannot resolve ", path);
  return pathToString(*nodes, d);
}

} // namespace

TEST_CASE("every path NUT printed for a fixture resolves and prints back identically") {
  std::size_t checked = 0;
  for (const auto& name : t::fixtureNames()) {
    const Dialect d = dialectForVendor(t::fixtureVendor(name));
    for (const auto& path : fixturePaths(name)) {
      CAPTURE(name);
      CAPTURE(path);
      CHECK(roundTrip(path, d) == path);
      ++checked;
    }
  }
  CHECK(checked > 500);
}

TEST_CASE("the fixtures' vendors map to NUT's subdrivers") {
  CHECK(dialectName(dialectForVendor(t::fixtureVendor("eaton-3s-700"))) == "mge");
  CHECK(dialectName(dialectForVendor(t::fixtureVendor("apc-back-ups-xs-1400u"))) == "apc");
  CHECK(dialectName(dialectForVendor(t::fixtureVendor("cyberpower-cp1500pfclcd"))) == "cps");
}

TEST_CASE("dialect by USB vendor and product") {
  CHECK(dialectName(dialectForVendor(0x0463)) == "mge");
  CHECK(dialectName(dialectForVendor(0x047c)) == "mge");
  CHECK(dialectName(dialectForVendor(0x051d)) == "apc");
  CHECK(dialectName(dialectForVendor(0x0764)) == "cps");
  CHECK(dialectName(dialectForVendor(0x050d)) == "belkin");
  CHECK(dialectName(dialectForVendor(0x10af)) == "belkin"); // Liebert GXT, via belkin-hid
  CHECK(dialectName(dialectForVendor(0x06da)) == "liebert");
  CHECK(dialectName(dialectForVendor(0x09ae)) == "tripplite");
  CHECK(dialectName(dialectForVendor(0x1234)) == "generic");
  CHECK(dialectName(dialectForVendor(0x03f0)) == "generic"); // HP: needs the product
  CHECK(dialectName(dialectForDevice(0x03f0, 0x1fe7)) == "mge");
  CHECK(dialectName(dialectForDevice(0x03f0, 0x1f0a)) == "tripplite");
  CHECK(dialectName(dialectForDevice(0x03f0, 0x1234)) == "generic");
  CHECK(dialectName(dialectForDevice(0x0483, 0xa430)) == "cps");
  CHECK(dialectName(dialectForDevice(0x0483, 0x5740)) == "generic");
  CHECK(dialectName(dialectForDevice(0x0463, 0xffff)) == "mge");
  CHECK(std::string(nameOf(Dialect::Mge)) == "mge");
  CHECK(std::string(nameOf(Dialect::Generic)) == "generic");
}

TEST_CASE("well-known usages by name and code") {
  CHECK(usageByName("UPS", Dialect::Generic) == 0x00840004u);
  CHECK(usageByName("RemainingCapacity", Dialect::Generic) == 0x00850066u);
  CHECK(usageByName("ACPresent", Dialect::Mge) == 0x008500d0u);
  CHECK(usageName(0x00840004, Dialect::Apc) == "UPS");
  CHECK(usageName(0x00850066, Dialect::Generic) == "RemainingCapacity");
  CHECK(usageName(0x008500d0, Dialect::CyberPower) == "ACPresent");
  CHECK(pathFromString("UPS.PowerSummary.RemainingCapacity", Dialect::Generic) ==
        std::vector<Usage>{0x00840004, 0x00840024, 0x00850066});
}

TEST_CASE("NUT's spellings, sic") {
  CHECK(usageName(0x00850088, Dialect::Generic) == "iDevicename");
  CHECK(usageName(0x00850019, Dialect::Generic) == "Usenext");
  CHECK(usageName(0x00850063, Dialect::Generic) == "Maxerror");
  CHECK(usageName(0x0084006b, Dialect::Generic) == "SwitchOn/Off");
  CHECK(usageName(0xffff009c, Dialect::Mge) == "HysteresisVoltageTransfer");
  CHECK(usageName(0xffff0065, Dialect::Mge) == "ExternalProtectedTransfert");
}

TEST_CASE("Eaton/MGE vendor usages are named only in the MGE dialect") {
  CHECK(usageName(0xffff0087, Dialect::Mge) == "ABMEnable");
  CHECK(usageName(0xffff00f0, Dialect::Mge) == "iModel");
  CHECK(usageName(0xffff00e9, Dialect::Mge) == "Status");
  CHECK(usageName(0xffff0087, Dialect::Generic).empty());
  CHECK(pathToString(std::vector<Usage>{0x00840004, 0x00840024, 0xffff00f0}, Dialect::Generic) ==
        "UPS.PowerSummary.ffff00f0");
  CHECK(pathToString(std::vector<Usage>{0x00840004, 0x00840024, 0xffff00f0}, Dialect::Mge) ==
        "UPS.PowerSummary.iModel");
}

TEST_CASE("the vendor table is searched before the generic one") {
  // Tripp Lite: page 0x84 usages renamed (swapped pages on OMNI1000LCD).
  CHECK(usageName(0x00840044, Dialect::TrippLite) == "TLCharging");
  CHECK(usageName(0x00840044, Dialect::Generic) == "ConfigActivePower");
  CHECK(usageByName("ConfigActivePower", Dialect::TrippLite) == 0x00840044u);
  // APC: a Back-UPS Pro usage on the Battery System page.
  CHECK(usageName(0x00850058, Dialect::Apc) == "BUPHibernate");
  CHECK(usageName(0x00850058, Dialect::Generic).empty());
  // "Undefined" names 0xffff0000 in mge_usage_lkp, searched first.
  CHECK(usageByName("Undefined", Dialect::Mge) == 0xffff0000u);
  CHECK(usageByName("Undefined", Dialect::Generic) == 0x00840000u);
  CHECK(usageByName("CPSFirmwareVersion", Dialect::CyberPower) == 0xff0100d0u);
  CHECK_FALSE(usageByName("CPSFirmwareVersion", Dialect::Generic).has_value());
}

TEST_CASE("a name on two pages resolves to the first, as NUT's table order") {
  CHECK(usageByName("VoltageOutOfRange", Dialect::Generic) == 0x00840063u);
  CHECK(usageName(0x008500d8, Dialect::Generic) == "VoltageOutOfRange");
}

TEST_CASE("unnamed usages print as 8 lower-case hex digits and parse back") {
  CHECK(pathToString(std::vector<Usage>{0xffff0042}, Dialect::Generic) == "ffff0042");
  CHECK(pathToString(std::vector<Usage>{0xffff0042}, Dialect::Mge) == "FrequencyConverterMode");
  CHECK(pathToString(std::vector<Usage>{0xffff00e2}, Dialect::Mge) == "ffff00e2");
  CHECK(pathToString(std::vector<Usage>{0x00000001}, Dialect::Mge) == "00000001");
  CHECK(pathFromString("ff860024", Dialect::Apc) == std::vector<Usage>{0xff860024});
  CHECK(pathFromString("FFFF0042", Dialect::Generic) == std::vector<Usage>{0xffff0042});
  CHECK(pathFromString("42", Dialect::Generic) == std::vector<Usage>{0x42});
  CHECK_FALSE(pathFromString("1ffff0042", Dialect::Generic).has_value()); // 9 digits
}

TEST_CASE("index nodes print as [n] and parse back") {
  CHECK(pathFromString("[4]", Dialect::Mge) == std::vector<Usage>{makeIndexNode(4)});
  CHECK(pathToString(std::vector<Usage>{makeIndexNode(4)}, Dialect::Mge) == "[4]");
  const std::vector<Usage> flow{0x00840004, 0x0084001e, makeIndexNode(4), 0x00840043};
  CHECK(pathToString(flow, Dialect::Mge) == "UPS.Flow.[4].ConfigApparentPower");
  CHECK(pathFromString("UPS.Flow.[4].ConfigApparentPower", Dialect::Mge) == flow);
  CHECK(pathToString(std::vector<Usage>{kIndexNodeTag | 300}, Dialect::Generic) == "[300]");
  CHECK(pathFromString("[65535]", Dialect::Generic) == std::vector<Usage>{kIndexNodeTag | 0xffff});
  CHECK_FALSE(pathFromString("[65536]", Dialect::Generic).has_value());
  CHECK_FALSE(pathFromString("[]", Dialect::Generic).has_value());
  CHECK_FALSE(pathFromString("[4", Dialect::Generic).has_value());
}

TEST_CASE("names are matched case-insensitively, printed as NUT spells them") {
  CHECK(usageByName("remainingcapacity", Dialect::Generic) == 0x00850066u);
  CHECK(usageByName("ACPRESENT", Dialect::Generic) == 0x008500d0u);
  CHECK(usageByName("abmenable", Dialect::Mge) == 0xffff0087u);
  const auto nodes = pathFromString("ups.POWERSUMMARY.remainingCapacity", Dialect::Generic);
  REQUIRE(nodes.has_value());
  CHECK(pathToString(*nodes, Dialect::Generic) == "UPS.PowerSummary.RemainingCapacity");
}

TEST_CASE("malformed path strings") {
  CHECK(pathFromString("", Dialect::Generic) == std::vector<Usage>{});
  CHECK(pathToString(std::vector<Usage>{}, Dialect::Generic).empty());
  CHECK_FALSE(pathFromString("UPS..Battery", Dialect::Generic).has_value());
  CHECK_FALSE(pathFromString("UPS.", Dialect::Generic).has_value());
  CHECK_FALSE(pathFromString(".UPS", Dialect::Generic).has_value());
  CHECK_FALSE(pathFromString("UPS.NoSuchUsage", Dialect::Generic).has_value());
  CHECK_FALSE(pathFromString("UPS.ff86002g", Dialect::Apc).has_value());
  CHECK_FALSE(usageByName("", Dialect::Mge).has_value());
}
