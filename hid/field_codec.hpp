// SPDX-License-Identifier: GPL-2.0-or-later
// Field access in report bytes: bits, logical values and physical values.
#pragma once

#include <cstdint>
#include <span>

#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

/// Reads `size` (1..32) bits starting at bit `offset` of `data` (bit 0 is
/// the least significant bit of data[0]); bits past the end read as 0.
std::uint32_t extractBits(std::span<const std::uint8_t> data, std::uint32_t offset,
                          std::uint32_t size) noexcept;

/// Writes the low `size` (1..32) bits of `value` at bit `offset` of `data`;
/// bits past the end are dropped. Other bits are left untouched.
void insertBits(std::span<std::uint8_t> data, std::uint32_t offset, std::uint32_t size,
                std::uint32_t value) noexcept;

/// Sign-extends the low `size` bits of `raw`.
std::int64_t signExtend(std::uint32_t raw, std::uint32_t size) noexcept;

/// The logical value of `field` in `report` (report ID byte first), as
/// NUT's GetValue computes it: excess high bits masked off, sign-extended
/// when Logical Minimum is negative, clamped to [min, max].
std::int64_t readLogical(std::span<const std::uint8_t> report, const Field& field) noexcept;

/// Writes a logical value into `report` (report ID byte first).
void writeLogical(std::span<std::uint8_t> report, const Field& field, std::int64_t value) noexcept;

/// The unit exponent NUT applies: the field's exponent minus the exponent
/// its unit implies (7 for volt, VA, W in the HID Power Device tables).
int effectiveExponent(const Field& field) noexcept;

/// Logical → physical: scaled into the physical range when both ends are
/// set (and not both 0), then times 10^effectiveExponent. NUT's `Value:`.
double toPhysical(const Field& field, std::int64_t logical) noexcept;

/// Physical → logical, the inverse of toPhysical(), clamped to the range.
std::int64_t toLogical(const Field& field, double physical) noexcept;

} // namespace hidupsd::hid
