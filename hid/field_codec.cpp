// SPDX-License-Identifier: GPL-2.0-or-later
// Field access in report bytes, with NUT's logical and physical conversions.
#include "hid/field_codec.hpp"

#include <algorithm>
#include <cmath>

namespace hidupsd::hid {

std::uint32_t extractBits(std::span<const std::uint8_t> data, std::uint32_t offset,
                          std::uint32_t size) noexcept {
  std::uint32_t value = 0;
  for (std::uint32_t i = 0; i < size && i < 32; ++i) {
    const std::size_t bit = std::size_t{offset} + i;
    if (bit / 8 >= data.size()) break;
    if ((data[bit / 8] >> (bit % 8)) & 1u) value |= 1u << i;
  }
  return value;
}

void insertBits(std::span<std::uint8_t> data, std::uint32_t offset, std::uint32_t size,
                std::uint32_t value) noexcept {
  for (std::uint32_t i = 0; i < size && i < 32; ++i) {
    const std::size_t bit = std::size_t{offset} + i;
    if (bit / 8 >= data.size()) break;
    const auto mask = static_cast<std::uint8_t>(1u << (bit % 8));
    if ((value >> i) & 1u)
      data[bit / 8] = static_cast<std::uint8_t>(data[bit / 8] | mask);
    else
      data[bit / 8] = static_cast<std::uint8_t>(data[bit / 8] & ~mask);
  }
}

std::int64_t signExtend(std::uint32_t raw, std::uint32_t size) noexcept {
  if (size == 0 || size >= 64) return raw;
  const std::uint64_t sign = std::uint64_t{1} << (size - 1);
  const std::uint64_t v = raw & ((sign << 1) - 1);
  return static_cast<std::int64_t>(v ^ sign) - static_cast<std::int64_t>(sign);
}

namespace {

/// 1 + the position of the highest set bit, 0 for 0.
unsigned highBit(std::uint64_t x) noexcept {
  unsigned n = 0;
  for (; x != 0; x >>= 1)
    ++n;
  return n;
}

std::uint64_t magnitude(std::int64_t v) noexcept {
  return v >= 0 ? static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(-(v + 1));
}

} // namespace

// HID 1.11 §6.2.2.7: a field is unsigned when both logical extents are
// non-negative, two's complement otherwise. Devices put garbage in bits
// above the range (NUT's note on the APC BF500), so as NUT's GetValue: keep
// the bits the range needs, sign-extend if the minimum is negative, clamp.
std::int64_t readLogical(std::span<const std::uint8_t> report, const Field& field) noexcept {
  const auto data = report.empty() ? report : report.subspan(1);
  const std::int64_t raw = extractBits(data, field.bitOffset, field.bitSize);
  const std::uint64_t widest = std::max(magnitude(field.logicalMax), magnitude(field.logicalMin));
  const std::uint64_t signBit = std::uint64_t{1} << highBit(widest);
  const std::uint64_t mask = (signBit - 1) | (field.logicalMin < 0 ? signBit : 0);
  auto value = static_cast<std::int64_t>(static_cast<std::uint64_t>(raw) & mask);
  if (field.logicalMin < 0 && (static_cast<std::uint64_t>(value) & signBit) != 0)
    value = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) | ~mask);
  return std::clamp(value, std::min(field.logicalMin, field.logicalMax),
                    std::max(field.logicalMin, field.logicalMax));
}

void writeLogical(std::span<std::uint8_t> report, const Field& field, std::int64_t value) noexcept {
  if (report.empty()) return;
  insertBits(report.subspan(1), field.bitOffset, field.bitSize,
             static_cast<std::uint32_t>(static_cast<std::uint64_t>(value) & 0xffffffffu));
}

namespace {

/// The exponent a unit implies in the HID Power Device Class tables
/// (PDC 1.0 §3.2.3): volts are in 10^-7 SI units of mass·length²/time³·current,
/// so a volt field with Unit Exponent 7 is in plain volts. From NUT libhid.c.
struct UnitExponent {
  std::uint32_t unit;
  int exponent;
};
constexpr UnitExponent kUnitExponents[] = {
    {0x00000000, 0}, // none, percent
    {0x00F0D121, 7}, // volt
    {0x00100001, 0}, // ampere
    {0x0000D121, 7}, // VA and watt
    {0x00001001, 0}, // second
    {0x00010001, 0}, // kelvin
    {0x0000F001, 0}, // hertz
    {0x00101001, 0}, // ampere-second
};

double powerOfTen(int e) noexcept {
  double p = 1;
  for (int i = 0; i < std::abs(e); ++i)
    p *= 10;
  return p;
}

double scale(double value, int exponent) noexcept {
  // Divide rather than multiply by 10^-n: 2709 / 100 prints as 27.09.
  return exponent >= 0 ? value * powerOfTen(exponent) : value / powerOfTen(-exponent);
}

bool hasPhysicalRange(const Field& f) noexcept {
  // HID 1.11 §6.2.2.7: undefined or both 0 → physical = logical.
  if (!f.physicalMin || !f.physicalMax) return false;
  if (*f.physicalMin == 0 && *f.physicalMax == 0) return false;
  return *f.physicalMax > *f.physicalMin && f.logicalMax > f.logicalMin;
}

} // namespace

int effectiveExponent(const Field& field) noexcept {
  for (const auto& u : kUnitExponents)
    if (u.unit == field.unit) return field.unitExponent - u.exponent;
  return field.unitExponent;
}

double toPhysical(const Field& field, std::int64_t logical) noexcept {
  auto value = static_cast<double>(logical);
  if (hasPhysicalRange(field)) {
    const double pmin = static_cast<double>(*field.physicalMin);
    const double pmax = static_cast<double>(*field.physicalMax);
    const double factor = (pmax - pmin) / static_cast<double>(field.logicalMax - field.logicalMin);
    value = std::clamp(static_cast<double>(logical - field.logicalMin) * factor + pmin, pmin, pmax);
  }
  return scale(value, effectiveExponent(field));
}

std::int64_t toLogical(const Field& field, double physical) noexcept {
  double value = scale(physical, -effectiveExponent(field));
  if (hasPhysicalRange(field)) {
    const double pmin = static_cast<double>(*field.physicalMin);
    const double pmax = static_cast<double>(*field.physicalMax);
    const double factor = static_cast<double>(field.logicalMax - field.logicalMin) / (pmax - pmin);
    value = (value - pmin) * factor + static_cast<double>(field.logicalMin);
  }
  const double lo = static_cast<double>(std::min(field.logicalMin, field.logicalMax));
  const double hi = static_cast<double>(std::max(field.logicalMin, field.logicalMax));
  if (!(value >= lo)) return std::min(field.logicalMin, field.logicalMax); // NaN too
  if (value > hi) return std::max(field.logicalMin, field.logicalMax);
  return static_cast<std::int64_t>(std::llround(value));
}

} // namespace hidupsd::hid
