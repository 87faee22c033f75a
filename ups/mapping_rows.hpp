// SPDX-License-Identifier: GPL-2.0-or-later
// Mapping rows: the constructors the per-subdriver tables are written with, and NUT's shared
// lookups.
#pragma once

#include "ups/nut_mapping.hpp"

namespace hidupsd::nut {

// The subdrivers' tables (nut_mapping.cpp: mge, apc, cps, generic;
// mapping_vendors.cpp: belkin, tripplite, liebert; mapping_small.cpp: the rest).
const Mapping& mgeMapping() noexcept;
const Mapping& apcMapping() noexcept;
const Mapping& cpsMapping() noexcept;
const Mapping& genericMapping() noexcept;
const Mapping& belkinMapping() noexcept;
const Mapping& trippLiteMapping() noexcept;
const Mapping& liebertMapping() noexcept;
const Mapping& arduinoMapping() noexcept;
const Mapping& deltaUpsMapping() noexcept;
const Mapping& ecoFlowMapping() noexcept;
const Mapping& everMapping() noexcept;
const Mapping& iDowellMapping() noexcept;
const Mapping& legrandMapping() noexcept;
const Mapping& openUpsMapping() noexcept;
const Mapping& powerComMapping() noexcept;
const Mapping& powervarMapping() noexcept;
const Mapping& salicruMapping() noexcept;

namespace rows {

using B = StatusBit;
using C = Convert;

constexpr VariableMap num(std::string_view name, std::string_view path, std::int8_t decimals) {
  return {name, path, C::Number, decimals};
}
constexpr VariableMap lkp(std::string_view name, std::string_view path,
                          std::span<const Lookup> table) {
  return {name, path, C::Lookup, 0, table};
}
constexpr VariableMap conv(std::string_view name, std::string_view path, Convert c) {
  return {name, path, c};
}
constexpr VariableMap special(std::string_view name, std::string_view path, Convert c,
                              std::span<const Lookup> table) {
  return {name, path, c, 0, table};
}
constexpr VariableMap text(std::string_view name, std::string_view path, std::string_view t) {
  return {name, path, C::Text, 0, {}, t};
}
/// value x `scale`, "%.<decimals>f" (divide_by_10_conversion is scaled(.., 0.1, 1)).
constexpr VariableMap scaled(std::string_view name, std::string_view path, double scale,
                             std::int8_t decimals) {
  return {name, path, C::Scaled, decimals, {}, {}, scale};
}
/// value x the device's scale (quirk bits), "%.<decimals>f".
constexpr VariableMap devScaled(std::string_view name, std::string_view path, DeviceScale d,
                                std::int8_t decimals) {
  return {name, path, C::Scaled, decimals, {}, {}, 1, d};
}
/// `m`, writable as NUT's ST_FLAG_RW | ST_FLAG_STRING of `length`.
constexpr VariableMap rw(VariableMap m, std::uint8_t length) {
  m.rw = length;
  return m;
}

constexpr StatusMap flag(std::string_view path, StatusBit bit) {
  return {path, StatusRule::Flag, bit};
}
constexpr StatusMap inverted(std::string_view path, StatusBit bit) {
  return {path, StatusRule::InvertedFlag, bit};
}
constexpr StatusMap rule(std::string_view path, StatusRule r) { return {path, r}; }
constexpr StatusMap actions(std::string_view path, std::span<const StatusAction> a) {
  return {path, StatusRule::Actions, StatusBit::Online, a};
}
/// value & `mask` == `match` sets `bit`, else clears it (a bit of a vendor status word).
constexpr StatusMap masked(std::string_view path, StatusBit bit, std::uint32_t mask,
                           std::uint32_t match) {
  return {path, StatusRule::Mask, bit, {}, mask, match};
}

// usbhid-ups.c value tables.
inline constexpr Lookup kYesNo[] = {{0, "no"}, {1, "yes"}};
inline constexpr Lookup kOnOff[] = {{0, "off"}, {1, "on"}};
inline constexpr Lookup kBeeper[] = {{1, "disabled"}, {2, "enabled"}, {3, "muted"}};
inline constexpr Lookup kTestResult[] = {
    {1, "Done and passed"}, {2, "Done and warning"},  {3, "Done and error"}, {4, "Aborted"},
    {5, "In progress"},     {6, "No test initiated"}, {7, "Test scheduled"}};

} // namespace rows

} // namespace hidupsd::nut
