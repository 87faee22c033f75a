// SPDX-License-Identifier: GPL-2.0-or-later
// Report-descriptor parser: items, global/local state, and every malformation.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "hid/report_descriptor.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
using hidupsd::test::hexBytes;

namespace {

ReportDescriptor parseHex(const std::string& hex, const ParseLimits& limits = {}) {
  return ReportDescriptor::parse(hexBytes(hex), limits);
}

/// Asserts that parsing fails at `offset` with a message containing `why`.
void checkFails(const std::string& hex, std::size_t offset, const std::string& why,
                const ParseLimits& limits = {}) {
  CAPTURE(hex);
  try {
    parseHex(hex, limits);
    FAIL("parsed a malformed descriptor");
  } catch (const DescriptorError& e) {
    CHECK(e.offset() == offset);
    CHECK(std::string(e.what()).find(why) != std::string::npos);
    CHECK(std::string(e.what()).find("byte " + std::to_string(offset)) != std::string::npos);
  }
}

// UPS / PowerSummary / RemainingCapacity (Feature and Input, report 1), then
// a padding byte, then ACPresent as one bit.
const std::string kSmall =
    "05 84 09 04 a1 01 "          // Usage Page 0x84, Usage UPS, Collection(Application)
    "09 24 a1 00 "                // Usage PowerSummary, Collection(Physical)
    "85 01 05 85 09 66 "          // Report ID 1, Usage Page 0x85, Usage RemainingCapacity
    "75 08 95 01 15 00 26 ff 00 " // size 8, count 1, logical 0..255
    "b1 02 09 66 81 02 "          // Feature(Var), Usage RemainingCapacity, Input(Var)
    "75 08 95 01 b1 03 "          // padding: Feature(Const) without usage
    "09 d0 75 01 25 01 b1 82 "    // ACPresent 1 bit, Feature(Var, Volatile)
    "c0 c0";

} // namespace

TEST_CASE("a small descriptor gives paths, offsets and attributes") {
  const auto d = parseHex(kSmall);
  REQUIRE(d.fields().size() == 3);
  const Field& charge = d.fields()[0];
  CHECK(charge.path == std::vector<Usage>{0x00840004, 0x00840024, 0x00850066});
  CHECK(charge.type == ReportType::Feature);
  CHECK(charge.reportId == 1);
  CHECK(charge.bitOffset == 0);
  CHECK(charge.bitSize == 8);
  CHECK(charge.logicalMin == 0);
  CHECK(charge.logicalMax == 255);
  CHECK_FALSE(charge.physicalMin.has_value());
  CHECK(charge.flags == flags::kVariable);
  CHECK(charge.itemOffset == 25);
  CHECK(d.fields()[1].type == ReportType::Input);
  CHECK(d.fields()[1].bitOffset == 0);
  const Field& ac = d.fields()[2];
  CHECK(ac.usage() == 0x008500d0);
  CHECK(ac.bitOffset == 16); // after the charge and the padding byte
  CHECK(ac.bitSize == 1);
  CHECK(ac.flags == (flags::kVariable | flags::kVolatile));
  CHECK(d.usesReportIds());
  CHECK(d.applications() == std::vector<Usage>{0x00840004});
  REQUIRE(d.report(ReportType::Feature, 1) != nullptr);
  CHECK(d.report(ReportType::Feature, 1)->bitLength == 17);
  CHECK(d.report(ReportType::Feature, 1)->byteLength() == 4);
  CHECK(d.report(ReportType::Input, 1)->byteLength() == 2);
  CHECK(d.report(ReportType::Output, 1) == nullptr);
  CHECK(d.warnings().empty());
}

TEST_CASE("logical and physical extents are sign-extended by item size") {
  // Logical Min -1 (1 byte), Max 0x7fff (2 bytes); Physical Min -100000 (4 bytes), Max 0x80 (1 byte
  // = -128)
  const auto d = parseHex("05 84 09 04 a1 01 09 30 15 ff 26 ff 7f 37 60 79 fe ff 45 80 "
                          "75 10 95 01 b1 02 c0");
  REQUIRE(d.fields().size() == 1);
  CHECK(d.fields()[0].logicalMin == -1);
  CHECK(d.fields()[0].logicalMax == 0x7fff);
  CHECK(d.fields()[0].physicalMin == -100000);
  CHECK(d.fields()[0].physicalMax == -128);
}

TEST_CASE("Unit Exponent is a signed nibble, or a signed byte") {
  const auto nibble = parseHex("05 84 09 04 a1 01 09 30 55 0e 75 08 95 01 b1 02 c0");
  CHECK(nibble.fields()[0].unitExponent == -2);
  const auto byte = parseHex("05 84 09 04 a1 01 09 30 55 fe 75 08 95 01 b1 02 c0");
  CHECK(byte.fields()[0].unitExponent == -2);
  const auto seven = parseHex("05 84 09 04 a1 01 09 30 55 07 66 21 d1 75 08 95 01 b1 02 c0");
  CHECK(seven.fields()[0].unitExponent == 7);
  CHECK(seven.fields()[0].unit == 0xd121);
  const auto eight = parseHex("05 84 09 04 a1 01 09 30 55 08 75 08 95 01 b1 02 c0");
  CHECK(eight.fields()[0].unitExponent == -8);
  checkFails("05 84 09 04 a1 01 09 30 55 40 75 08 95 01 b1 02 c0", 8, "Unit Exponent 64");
}

TEST_CASE("Push and Pop save and restore the global state") {
  // size 8 → Push → size 16 → field (16) → Pop → field (8)
  const auto d = parseHex("05 84 09 04 a1 01 75 08 95 01 a4 75 10 09 30 b1 02 b4 09 31 b1 02 c0");
  REQUIRE(d.fields().size() == 2);
  CHECK(d.fields()[0].bitSize == 16);
  CHECK(d.fields()[1].bitSize == 8);
  CHECK(d.fields()[1].bitOffset == 16);
}

TEST_CASE("extended usages carry their own page") {
  const auto d = parseHex("05 84 09 04 a1 01 0b 42 00 ff ff 75 08 95 01 b1 02 c0");
  CHECK(d.fields()[0].usage() == 0xffff0042);
}

TEST_CASE("Usage Minimum..Maximum expands into one usage per control") {
  const auto d = parseHex("05 84 09 04 a1 01 05 85 19 44 29 46 75 01 95 03 b1 02 c0");
  REQUIRE(d.fields().size() == 3);
  CHECK(d.fields()[0].usage() == 0x00850044);
  CHECK(d.fields()[2].usage() == 0x00850046);
  CHECK(d.fields()[2].bitOffset == 2);
  checkFails("05 84 09 04 a1 01 19 46 29 44 75 01 95 03 b1 02 c0", 8, "below Usage Minimum");
  checkFails("05 84 09 04 a1 01 29 44 75 01 95 03 b1 02 c0", 6, "without a Usage Minimum");
}

TEST_CASE("more controls than usages: the rest get no field, as in NUT") {
  const auto d = parseHex("05 84 09 04 a1 01 09 30 75 08 95 03 b1 02 09 31 95 01 b1 02 c0");
  REQUIRE(d.fields().size() == 2);
  CHECK(d.fields()[1].bitOffset == 24);
}

TEST_CASE("a Delimiter set keeps its first usage") {
  const auto d = parseHex("05 84 09 04 a1 01 a9 01 09 30 09 31 a9 00 75 08 95 01 b1 02 c0");
  REQUIRE(d.fields().size() == 1);
  CHECK(d.fields()[0].usage() == 0x00840030);
  checkFails("05 84 09 04 a1 01 a9 01 a9 01", 8, "nested Delimiter");
  checkFails("05 84 09 04 a1 01 a9 00", 6, "Delimiter close without an open");
}

TEST_CASE("long items are skipped") {
  const auto d = parseHex("05 84 fe 02 10 aa bb 09 04 a1 01 09 30 75 08 95 01 b1 02 c0");
  REQUIRE(d.fields().size() == 1);
  CHECK(d.warnings().size() == 1);
  checkFails("05 84 fe 05 10 aa", 2, "long item needs 5 data bytes");
}

TEST_CASE("vendor collection types add an index node, as NUT's [n]") {
  // UPS / Flow (collection type 0x84 → [4]) / ConfigVoltage
  const auto d = parseHex("05 84 09 04 a1 01 09 1e a1 84 09 40 75 08 95 01 b1 02 c0 c0");
  CHECK(d.fields()[0].path ==
        std::vector<Usage>{0x00840004, 0x0084001e, makeIndexNode(4), 0x00840040});
}

TEST_CASE("offsets count per report type and ID") {
  const auto d = parseHex("05 84 09 04 a1 01 75 08 95 01 85 01 09 30 b1 02 85 02 09 31 b1 02 "
                          "85 01 09 32 b1 02 09 32 81 02 c0");
  REQUIRE(d.fields().size() == 4);
  CHECK(d.fields()[1].bitOffset == 0); // report 2 starts again
  CHECK(d.fields()[2].bitOffset == 8); // report 1 continues
  CHECK(d.fields()[3].bitOffset == 0); // Input report 1 is its own layout
  CHECK(d.reports().size() == 3);
}

TEST_CASE("Logical Maximum below Logical Minimum is read as unsigned, with a warning") {
  // The Ellipse ECO's 33-byte oddity: Logical Max 0xff in one byte = -1
  const auto d = parseHex("05 84 09 04 a1 01 09 30 15 00 25 ff 75 08 95 01 b1 02 c0");
  CHECK(d.fields()[0].logicalMax == 255);
  REQUIRE(d.warnings().size() == 1);
  CHECK(d.warnings()[0].find("byte 10") != std::string::npos);
}

TEST_CASE("without Report ID items every report is ID 0") {
  const auto d = parseHex("05 84 09 04 a1 01 09 30 75 08 95 01 b1 02 c0");
  CHECK_FALSE(d.usesReportIds());
  CHECK(d.fields()[0].reportId == 0);
}

TEST_CASE("malformed descriptors fail with the offset and reason") {
  checkFails("", 0, "empty");
  checkFails("05", 0, "needs 1 data bytes, only 0 left");
  checkFails("05 84 09 04 a1 01 27 ff ff", 6, "needs 4 data bytes, only 2 left");
  checkFails("05 84 c0", 2, "End Collection without a Collection");
  checkFails("05 84 09 04 a1 01 09 24 a1 00 c0", 4, "1 collection(s) not closed");
  checkFails("05 84 b4", 2, "Pop without a Push");
  checkFails("05 84 09 04 a1 01 09 30 75 00 95 01 b1 02 c0", 12, "Report Size is 0");
  checkFails("05 84 09 04 a1 01 09 30 75 21 95 01 b1 02 c0", 12, "Report Size 33");
  checkFails("05 84 09 04 a1 01 09 30 75 08 96 ff ff b1 02 c0", 13, "Report Count 65535");
  checkFails("85 00", 0, "Report ID 0");
  checkFails("86 00 01", 0, "Report ID 256");
}

TEST_CASE("nesting, pushes, fields and report sizes are bounded") {
  std::string deep;
  for (int i = 0; i < 33; ++i)
    deep += "a1 00 ";
  checkFails(deep, 64, "nested deeper than 32");
  std::string pushes;
  for (int i = 0; i < 17; ++i)
    pushes += "a4 ";
  checkFails(pushes, 16, "too many nested Push");
  ParseLimits few;
  few.maxFields = 2;
  checkFails("05 84 09 04 a1 01 09 30 09 31 09 32 75 08 95 03 b1 02 c0", 16, "more than 2 fields",
             few);
  // 1024 controls of 32 bits fill the 4 KiB a report may have; a second item overflows it
  checkFails("05 84 09 04 a1 01 75 20 96 00 04 b1 03 b1 03 c0", 13, "grows past 32768 bits");
}

TEST_CASE("random bytes never crash the parser") {
  std::mt19937 rng(20261125);
  std::size_t parsed = 0, rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> bytes(rng() % 96);
    for (auto& b : bytes)
      b = static_cast<std::uint8_t>(rng());
    try {
      const auto d = ReportDescriptor::parse(bytes);
      for (const auto& f : d.fields())
        CHECK(f.bitSize >= 1);
      ++parsed;
    } catch (const DescriptorError& e) {
      CHECK(e.offset() <= bytes.size());
      ++rejected;
    }
  }
  CHECK(parsed + rejected == 20000);
  CHECK(rejected > 0);
}
