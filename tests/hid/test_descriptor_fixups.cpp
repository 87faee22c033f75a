// SPDX-License-Identifier: GPL-2.0-or-later
// NUT's descriptor fix-ups: each one on the descriptor fields that trigger it, and not elsewhere.
#include <doctest/doctest.h>

#include <algorithm>

#include "hid/descriptor_fixups.hpp"
#include "hid/field_codec.hpp"
#include "hid/replay_file.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
namespace t = hidupsd::test;

namespace {

constexpr Usage kVoltage = 0x00840030;
constexpr Usage kConfigVoltage = 0x00840040;
constexpr Usage kConfigActivePower = 0x00840044;

DeviceInfo device(std::uint16_t vid, std::uint16_t pid, std::string product = "UPS") {
  DeviceInfo d;
  d.vendorId = vid;
  d.productId = pid;
  d.product = std::move(product);
  return d;
}

ReportDescriptor fixtureDescriptor(const std::string& name) {
  return ReportDescriptor::parse(t::descriptorOfReplay(t::fixturesDir() / (name + ".replay")));
}

std::string range(const ReportDescriptor& d, std::uint8_t id, Usage usage) {
  const auto it = std::find_if(d.fields().begin(), d.fields().end(), [&](const Field& f) {
    return f.reportId == id && f.usage() == usage;
  });
  if (it == d.fields().end()) return "absent";
  return std::to_string(it->logicalMin) + ".." + std::to_string(it->logicalMax);
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

// Input Voltage (report 0x0f) with Logical Maximum "26 ff ff" (-1 as 2 bytes:
// read as unsigned 65535, NUT's assumed maximum), then Output Voltage (0x12)
// at 0..255: the CP1350EPFCLCD shape of NUT issue #1512.
const char* kCpsAssumed = "05 84 09 04 a1 01 "
                          "85 0f 09 30 15 00 26 ff ff 75 10 95 01 b1 02 "
                          "85 12 09 30 15 00 26 ff 00 75 10 95 01 b1 02 "
                          "c0";

} // namespace

TEST_CASE("cps-voltage-ranges: the CP1500PFCLCD's Output Voltage has the transfer limits") {
  auto d = fixtureDescriptor("cyberpower-cp1500pfclcd");
  REQUIRE(range(d, 0x12, kVoltage) == "136..142"); // High Voltage Transfer's range
  REQUIRE(range(d, 0x0f, kVoltage) == "0..255");
  // The capture: report 0x12 = e1 00 (225 V) read as the clamped 142.
  const std::vector<std::uint8_t> report = {0x12, 0xe1, 0x00};
  CHECK(readLogical(report, *d.findField(0x12, kVoltage)) == 142);

  const auto lines = applyFixups(d, device(0x0764, 0x0501));
  CHECK(range(d, 0x12, kVoltage) == "0..511");
  CHECK(range(d, 0x0f, kVoltage) == "0..255"); // not the transfer's range: left alone
  CHECK(readLogical(report, *d.findField(0x12, kVoltage)) == 225);
  CHECK(
      mentions(lines, "cps-voltage-ranges: report 0x12 usage 00840030 logical 136..142 -> 0..511"));
}

TEST_CASE("cps-nominal-power: ConfigActivePower clipped at 900 gets 2048") {
  auto d = fixtureDescriptor("cyberpower-cp1500pfclcd");
  REQUIRE(range(d, 0x18, kConfigActivePower) == "0..900");
  const auto lines = applyFixups(d, device(0x0764, 0x0501));
  CHECK(range(d, 0x18, kConfigActivePower) == "0..2048");
  CHECK(mentions(lines, "cps-nominal-power: report 0x18"));
}

TEST_CASE("cps-assumed-maximum: a maximum read as unsigned is aligned and cut to the bits") {
  auto d = ReportDescriptor::parse(t::hexBytes(kCpsAssumed));
  REQUIRE(range(d, 0x0f, kVoltage) == "0..65535");
  REQUIRE(d.findField(0x0f, kVoltage)->assumedLogicalMax);
  REQUIRE(d.findField(0x12, kVoltage)->assumedLogicalMax); // NUT's mark sticks to later fields
  const auto lines = applyFixups(d, device(0x0764, 0x0601));
  CHECK(range(d, 0x0f, kVoltage) == "0..65535");
  CHECK(range(d, 0x12, kVoltage) == "0..65535"); // raised to 511, aligned, cut to 16 bits
  CHECK(lines.size() == 1);
  CHECK(mentions(lines, "cps-assumed-maximum: report 0x12"));
}

TEST_CASE("the CyberPower fix-ups stay off other CyberPower products and other makes") {
  for (const auto& info :
       {device(0x0764, 0x0005), device(0x0483, 0xa430), device(0x1234, 0x0501)}) {
    CAPTURE(info.productId);
    auto d = fixtureDescriptor("cyberpower-cp1500pfclcd");
    CHECK(applyFixups(d, info).empty());
    CHECK(range(d, 0x12, kVoltage) == "136..142");
  }
}

TEST_CASE("apc-input-voltage: the Back-UPS XS 1400U's 120 V limits on a 230 V unit") {
  auto d = fixtureDescriptor("apc-back-ups-xs-1400u");
  REQUIRE(range(d, 0x31, kVoltage) == "75..140");
  REQUIRE(range(d, 0x30, kConfigVoltage) == "75..140");
  const auto lines = applyFixups(d, device(0x051d, 0x0002));
  CHECK(range(d, 0x31, kVoltage) == "0..560"); // twice the High Voltage Transfer's 280
  CHECK(range(d, 0x30, kConfigVoltage) == "75..255");
  CHECK(lines.size() == 2);
  // 230 V, which the unpatched range clamps to 140.
  CHECK(readLogical(std::vector<std::uint8_t>{0x30, 0xe6}, *d.findField(0x30, kConfigVoltage)) ==
        230);
  auto other = fixtureDescriptor("apc-back-ups-xs-1400u");
  CHECK(applyFixups(other, device(0x051d, 0x0003)).empty());
}

TEST_CASE("parseFixed notes each change, and applies none when told not to") {
  const auto bytes = t::descriptorOfReplay(t::fixturesDir() / "apc-back-ups-xs-1400u.replay");
  std::vector<std::string> notes;
  const auto fixed = parseFixed(bytes, device(0x051d, 0x0002), notes);
  CHECK(notes.size() == 2);
  CHECK(notes[0].rfind("descriptor fix-up apc-input-voltage: ", 0) == 0);
  std::vector<std::string> none;
  const auto raw = parseFixed(bytes, device(0x051d, 0x0002), none, false);
  CHECK(none.empty());
  CHECK(range(raw, 0x31, kVoltage) == "75..140");
  CHECK(range(fixed, 0x31, kVoltage) == "0..560");
}

TEST_CASE("no fixture of another make triggers a fix-up") {
  for (const auto& name : t::fixtureNames()) {
    const auto script = loadReplay(t::fixturesDir() / (name + ".replay"));
    if (script.device.vendorId == 0x0764 || script.device.vendorId == 0x051d) continue;
    CAPTURE(name);
    auto d = ReportDescriptor::parse(script.descriptor);
    CHECK(applyFixups(d, script.device).empty());
  }
}

TEST_CASE("GoldenMate's byte-swapped 0xFEFFFFFF maximum needs no fix-up here") {
  // idowell-hid.c mends it for NUT builds with a 32-bit long; extents are 64-bit here.
  auto d = ReportDescriptor::parse(t::hexBytes("05 84 09 04 a1 01 85 02 05 85 09 68 15 00 "
                                               "27 ff ff ff fe 75 20 95 01 81 02 c0"));
  CHECK(range(d, 0x02, 0x00850068) == "0..4278190079");
  CHECK(applyFixups(d, device(0x06da, 0xffff, "Smart-Battery")).empty());
}
