// SPDX-License-Identifier: GPL-2.0-or-later
// Field access: bits at every alignment, NUT's logical values, physical scaling.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "hid/field_codec.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
using hidupsd::test::hexBytes;

TEST_CASE("bits round-trip at every alignment and size 1..32, neighbours untouched") {
  std::mt19937 rng(7);
  for (std::uint32_t size = 1; size <= 32; ++size) {
    for (std::uint32_t offset = 0; offset < 24; ++offset) {
      std::vector<std::uint8_t> buf(8);
      for (auto& b : buf)
        b = static_cast<std::uint8_t>(rng());
      const auto before = buf;
      const std::uint32_t mask = size == 32 ? 0xffffffffu : (1u << size) - 1;
      const std::uint32_t value = static_cast<std::uint32_t>(rng()) & mask;
      insertBits(buf, offset, size, value);
      CHECK(extractBits(buf, offset, size) == value);
      for (std::uint32_t bit = 0; bit < 64; ++bit) {
        if (bit >= offset && bit < offset + size) continue;
        CHECK(((buf[bit / 8] >> (bit % 8)) & 1) == ((before[bit / 8] >> (bit % 8)) & 1));
      }
      CHECK(signExtend(value, size) ==
            (size < 32 && (value >> (size - 1)) & 1
                 ? static_cast<std::int64_t>(value) - (std::int64_t{1} << size)
             : size == 32 && (value >> 31)
                 ? static_cast<std::int64_t>(value) - (std::int64_t{1} << 32)
                 : static_cast<std::int64_t>(value)));
    }
  }
}

TEST_CASE("signed fields round-trip through writeLogical/readLogical") {
  for (std::uint32_t size = 2; size <= 32; ++size) {
    for (std::uint32_t offset = 0; offset < 9; ++offset) {
      Field f;
      f.bitOffset = offset;
      f.bitSize = size;
      f.logicalMin = -(std::int64_t{1} << (size - 1));
      f.logicalMax = (std::int64_t{1} << (size - 1)) - 1;
      for (std::int64_t v :
           {f.logicalMin, std::int64_t{-1}, std::int64_t{0}, std::int64_t{1}, f.logicalMax}) {
        std::vector<std::uint8_t> report(7, 0xa5);
        writeLogical(report, f, v);
        CHECK(report[0] == 0xa5); // the report ID byte is never touched
        CHECK(readLogical(report, f) == v);
      }
    }
  }
}

TEST_CASE("bits past the end read as zero and are not written") {
  const std::vector<std::uint8_t> one{0xff};
  CHECK(extractBits(one, 4, 8) == 0x0f);
  std::vector<std::uint8_t> buf{0x00};
  insertBits(buf, 4, 8, 0xff);
  CHECK(buf[0] == 0xf0);
}

namespace {
struct LogicalCase {
  const char* bytes; // report data, without the ID byte
  std::uint32_t offset, size;
  std::int64_t logMin, logMax;
  std::int64_t expected;
};
} // namespace

// In the manner of NUT's tests/getvaluetest.c.
TEST_CASE("logical values: masking, sign and clamping as NUT's GetValue") {
  const LogicalCase cases[] = {
      {"64", 0, 8, 0, 255, 100},
      {"ff ff ff ff", 0, 32, -1, 2147483647, -1}, // Eaton "no delay"
      {"00 0a 08 80", 0, 32, 0, 0xffff, 0x0a00},  // APC BF500: garbage high bits
      {"e6", 0, 8, 75, 140, 140},                 // above the range: clamped
      {"01", 0, 8, 75, 140, 75},                  // below: clamped
      {"fe", 0, 8, -128, 127, -2},
      {"0c", 0, 4, -8, 7, -4},
      {"f0", 4, 4, 0, 15, 15},
      {"80 00", 7, 2, 0, 1, 1}, // one bit across a byte boundary
      {"5c b1 0a 00", 8, 16, 0, 65535, 0x0ab1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.bytes);
    Field f;
    f.bitOffset = c.offset;
    f.bitSize = c.size;
    f.logicalMin = c.logMin;
    f.logicalMax = c.logMax;
    auto report = hexBytes(std::string("01 ") + c.bytes);
    CHECK(readLogical(report, f) == c.expected);
  }
}

TEST_CASE("physical values: ranges and unit exponents as NUT's Value:") {
  Field volt;
  volt.bitSize = 16;
  volt.logicalMax = 65535;
  volt.unit = 0x00f0d121;
  volt.unitExponent = 7; // the PDC's volt already is 10^7 → plain volts
  CHECK(toPhysical(volt, 230) == 230.0);
  volt.unitExponent = 5; // Eaton battery voltage in 1/100 V
  CHECK(toPhysical(volt, 2709) == doctest::Approx(27.09));
  CHECK(toLogical(volt, 27.09) == 2709);

  Field hertz;
  hertz.bitSize = 16;
  hertz.logicalMax = 65535;
  hertz.unit = 0xf001;
  hertz.unitExponent = -1;
  CHECK(toPhysical(hertz, 499) == doctest::Approx(49.9));

  Field percent; // unit none, physical 0..100 over logical 0..200
  percent.bitSize = 8;
  percent.logicalMax = 200;
  percent.physicalMin = 0;
  percent.physicalMax = 100;
  CHECK(toPhysical(percent, 150) == 75.0);
  CHECK(toLogical(percent, 75.0) == 150);
  CHECK(toLogical(percent, 1000.0) == 200); // clamped to the logical range

  Field odd; // a unit NUT's table does not know keeps its own exponent
  odd.bitSize = 8;
  odd.logicalMax = 255;
  odd.unit = 0x1234;
  odd.unitExponent = 1;
  CHECK(toPhysical(odd, 5) == 50.0);
  CHECK(effectiveExponent(odd) == 1);

  Field zeroRange = percent; // physical 0..0 means "same as logical"
  zeroRange.physicalMax = 0;
  CHECK(toPhysical(zeroRange, 150) == 150.0);
}
