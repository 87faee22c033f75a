// SPDX-License-Identifier: GPL-2.0-or-later
// Which NUT subdriver a device is: the USB ID tables, the string claims, the quirks, the udev rule.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <string>

#include "hid/dialect.hpp"
#include "hid/usage_tables.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
namespace t = hidupsd::test;

namespace {

std::string dialectName(Dialect d) { return nameOf(d); }

DeviceInfo device(std::uint16_t vid, std::uint16_t pid, std::string mfr = {},
                  std::string product = {}) {
  DeviceInfo d;
  d.vendorId = vid;
  d.productId = pid;
  d.manufacturer = std::move(mfr);
  d.product = std::move(product);
  return d;
}

/// "vvvv:pppp" of every ATTR{S}{idVendor}/{idProduct} pair of one section of the udev rule.
std::set<std::string> udevIds(const std::string& rules, const std::string& attr) {
  std::set<std::string> out;
  const std::regex pair(attr + R"re(\{idVendor\}=="([0-9a-f]{4})"(, )re" + attr +
                        R"re(\{idProduct\}=="([0-9a-f]{4})")?)re");
  for (std::sregex_iterator it(rules.begin(), rules.end(), pair), end; it != end; ++it)
    out.insert((*it)[1].str() + ":" + ((*it)[3].matched ? (*it)[3].str() : std::string("*")));
  return out;
}

} // namespace

TEST_CASE("every NUT subdriver has a dialect, named after its file") {
  std::set<std::string> names;
  for (const Dialect d : allDialects())
    names.insert(nameOf(d));
  CHECK(names == std::set<std::string>{"apc", "arduino", "belkin", "cps", "delta_ups", "ecoflow",
                                       "ever", "generic", "idowell", "legrand", "liebert", "mge",
                                       "openups", "powercom", "powervar", "salicru", "tripplite"});
  CHECK(allDialects().front() == Dialect::Mge); // NUT's claim order
  CHECK(allDialects().back() == Dialect::Generic);
}

TEST_CASE("one product of each new subdriver") {
  CHECK(dialectName(dialectForDevice(0x2341, 0x8036)) == "arduino");
  CHECK(dialectName(dialectForDevice(0x05dd, 0x041b)) == "delta_ups");
  CHECK(dialectName(dialectForDevice(0x3746, 0xffff)) == "ecoflow");
  CHECK(dialectName(dialectForDevice(0x2e51, 0xffff)) == "ever");
  CHECK(dialectName(dialectForDevice(0x0483, 0xa113)) == "ever");
  CHECK(dialectName(dialectForDevice(0x075d, 0x0300)) == "idowell");
  CHECK(dialectName(dialectForDevice(0x1cb0, 0x0032)) == "legrand");
  CHECK(dialectName(dialectForDevice(0x04d8, 0xd004)) == "openups");
  CHECK(dialectName(dialectForDevice(0x0d9f, 0x00a4)) == "powercom");
  CHECK(dialectName(dialectForDevice(0x4234, 0x0002)) == "powervar");
  CHECK(dialectName(dialectForDevice(0x2e66, 0x0302)) == "salicru");
  // Delta's own id is delta_ups; Minuteman units made by Delta are Tripp Lite's.
  CHECK(dialectName(dialectForDevice(0x05dd, 0xa0a0)) == "tripplite");
  CHECK(dialectName(dialectForVendor(0x05dd)) == "delta_ups");
  // Microchip's id (openUPS) and ST's (Ever, Cyber Energy) say nothing alone.
  CHECK(dialectName(dialectForVendor(0x04d8)) == "openups");
  CHECK(dialectName(dialectForVendor(0x0483)) == "generic");
}

TEST_CASE("the shared Phoenixtec id is split by the device's strings, as the claims do") {
  CHECK(dialectName(dialectFor(device(0x06da, 0xffff, "Phoenixtec", "UPS"))) == "liebert");
  CHECK(dialectName(dialectFor(device(0x06da, 0xffff, "AEG", "PROTECT NAS"))) == "mge");
  CHECK(dialectName(dialectFor(device(0x06da, 0xffff, "-BMS-", "Smart-Battery"))) == "idowell");
  CHECK(dialectName(dialectFor(device(0x06da, 0xffff, "x", "Smart-Battery"))) == "idowell");
  CHECK(dialectName(dialectForDevice(0x06da, 0xffff)) == "liebert"); // no strings known
  CHECK(dialectName(dialectFor(device(0x09d6, 0x0001, "KSTAR", "UPS"))) == "mge");
  CHECK(dialectName(dialectFor(device(0x09d6, 0x0001, "Other", "UPS"))) == "generic");
}

TEST_CASE("quirks come with the exact row, and string rows add theirs") {
  CHECK(quirksFor(device(0x051d, 0x0003)) == quirk::kPollOnly);
  CHECK(quirksFor(device(0x051d, 0x0002, "APC", "Back-UPS XS 1400U")) == 0);
  CHECK(quirksFor(device(0x051d, 0x0002, "APC", "Back-UPS CS 650")) == quirk::kApcMaxReport);
  CHECK(quirksFor(device(0x09ae, 0x2005)) == quirk::kBatteryScale01);
  CHECK(quirksFor(device(0x09ae, 0x3024)) == quirk::kSmart1500Scale);
  CHECK(quirksFor(device(0x0d9f, 0x0001)) == quirk::kInterruptOnly);
  CHECK(quirksFor(device(0x04d8, 0xd005)) == quirk::kOpenUpsD005);
  CHECK(quirksFor(device(0x0764, 0x0501)) == quirk::kCpsScaleCheck);
  CHECK(quirksFor(device(0x0463, 0xffff)) == 0);
}

TEST_CASE("the table holds each NUT row once, in claim order") {
  std::set<std::tuple<int, int, std::string>> seen;
  std::size_t lastClaim = 0;
  for (const auto& row : usbIdTable()) {
    CAPTURE(row.vendorId);
    CAPTURE(row.productId);
    CHECK(seen.insert({row.vendorId, row.productId, std::string(row.needs)}).second);
    std::size_t claim = 0;
    while (allDialects()[claim] != row.dialect)
      ++claim;
    CHECK(claim >= lastClaim);
    lastClaim = claim;
  }
  CHECK(usbIdTable().size() > 110); // 115 rows at 6c63f774
}

TEST_CASE("the udev rule grants every id of the table, USB node and hidraw node alike") {
  const auto rules = t::readFile(std::filesystem::path(std::getenv("HIDUPSD_SOURCE_ROOT")) /
                                 "udev" / "60-hidupsd.rules");
  const auto usb = udevIds(rules, "ATTR");
  const auto hidraw = udevIds(rules, "ATTRS");
  CHECK(usb == hidraw);
  for (const auto& row : usbIdTable()) {
    const auto id = fmt::format("{:04x}:{:04x}", row.vendorId, row.productId);
    const auto vendorWide = fmt::format("{:04x}:*", row.vendorId);
    CAPTURE(id);
    CHECK((usb.count(id) == 1 || usb.count(vendorWide) == 1));
  }
}
