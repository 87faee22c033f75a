// SPDX-License-Identifier: GPL-2.0-or-later
// NUT's value conversions of the newer subdrivers, one small function each.
#include "ups/nut_convert.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "hid/dialect.hpp"

namespace hidupsd::nut {

namespace {

namespace q = hid::quirk;

/// NUT's (long)value, guarded against values no long can hold.
std::optional<std::int64_t> integral(double value) {
  if (!std::isfinite(value) || std::fabs(value) > 9.0e18) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

/// cps-hid.c cps_adjust_frequency_scale() without a nominal frequency known:
/// 45..65 Hz as read, 450..650 read in 0.1 Hz.
std::string cpsFrequency(double v, std::uint16_t quirks) {
  if ((quirks & q::kCpsScaleCheck) != 0 && !(v >= 45 && v <= 65) && v / 10 >= 45 && v / 10 <= 65)
    v /= 10;
  return fixed(v, 1);
}

/// belkin-hid.c liebert_line_voltage_fun(): a reading below 1 has lost its
/// exponent (1.39e-06 is 13.9 V, 0.000273 is 27.3 V).
std::string liebertLineVoltage(double v) {
  if (v < 1 && std::fabs(v - 1e-5) < 4e-5) return fixed(v * 1e7, 1);
  if (v < 1 && std::fabs(v - 1e-3) < 4e-3) return fixed(v * 1e5, 1);
  return fixed(v, 1);
}

/// belkin-hid.c liebert_config_voltage_fun(): 1e-7 stands for 10 V.
std::string liebertConfigVoltage(double v) {
  if (v < 1 && std::fabs(v - 1e-7) < 1e-9) return fixed(v * 1e8, 1);
  return fixed(v, 1);
}

/// delta_ups-hid.c delta_ups_type_fun(): the low nibble, 3..5 and 6 renumbered.
std::optional<std::string> deltaUpsType(std::int64_t v) {
  static constexpr std::array<const char*, 5> kTypes = {"online", "offline", "line-interactive",
                                                        "3-phase", "split-phase"};
  auto type = v & 0xf;
  if (type == 6)
    type = 4;
  else if (type > 2 && type <= 5)
    type -= 2;
  if (type < 0 || type > 4) return std::nullopt;
  return kTypes[static_cast<std::size_t>(type)];
}

/// openups-hid.c openups_temperature_fun(): the thermistor reading (x 100)
/// against the Windows tool's table of -40..125 °C in 5 °C steps.
std::string openUpsTemperature(double v) {
  static constexpr std::array<unsigned, 34> kTable = {
      0x31,  0x40,  0x53,  0x68,  0x82,  0xA0,  0xC3,  0xE9,  0x113, 0x13F, 0x16E, 0x19F,
      0x1CF, 0x200, 0x22F, 0x25C, 0x286, 0x2AE, 0x2D3, 0x2F4, 0x312, 0x32D, 0x345, 0x35A,
      0x36D, 0x37E, 0x38C, 0x399, 0x3A5, 0x3AF, 0x3B7, 0x3BF, 0x3C6, 0x3CC};
  const auto t = static_cast<unsigned>(std::max(0.0, v * 100));
  if (t <= kTable.front()) return "-40";
  if (t >= kTable.back()) return "125";
  std::size_t pos = 0;
  while (pos + 1 < kTable.size() && kTable[pos + 1] <= t)
    ++pos;
  const int t1 = static_cast<int>(pos) * 5 - 40;
  if (t == kTable[pos]) return std::to_string(t1);
  const double d1 = kTable[pos], d2 = kTable[pos + 1];
  return fixed((t - d1) * 5 / (d2 - d1) + t1, 2);
}

/// powercom-hid.c powercom_startup_fun(): minutes, bytes swapped.
std::string powercomStartup(std::int64_t v) {
  const auto i = static_cast<std::uint16_t>(v);
  return std::to_string(60 * (((i & 0x00ff) << 8) + (i >> 8)));
}

/// powercom-hid.c powercom_shutdown_fun(): minutes in the high byte, seconds in the low.
std::string powercomShutdown(std::int64_t v) {
  const auto i = static_cast<std::uint16_t>(v);
  return std::to_string(60 * (i >> 8) + (i & 0x00ff));
}

std::optional<std::string> lowNibble(std::span<const Lookup> table, std::int64_t v) {
  if (table.empty()) return std::nullopt;
  for (const auto& row : table)
    if (row.value == (v & 0x0f)) return std::string(row.text);
  return std::string(table.front().text);
}

} // namespace

std::string fixed(double value, int decimals) {
  char buf[400]; // the longest double in %.2f is 312 characters
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

double deviceScale(DeviceScale scale, std::uint16_t quirks) noexcept {
  const bool smart = (quirks & q::kSmart1500Scale) != 0;
  const bool d004 = (quirks & q::kOpenUpsD004) != 0;
  const bool d005 = (quirks & q::kOpenUpsD005) != 0;
  const auto openUps = [&](double forD004) { return d004 ? forD004 : d005 ? 0.1 : 1.0; };
  switch (scale) {
  case DeviceScale::None: return 1;
  case DeviceScale::TrippLiteBattery:
    return smart ? 1e5 : (quirks & q::kBatteryScale01) != 0 ? 0.1 : 1;
  case DeviceScale::TrippLiteVoltage: return smart ? 1e5 : 1;
  case DeviceScale::TrippLiteFrequency:
  case DeviceScale::TrippLiteCurrent: return smart ? 0.01 : 1;
  case DeviceScale::OpenUpsVin: return openUps(0.03545 * 100);
  case DeviceScale::OpenUpsVout: return openUps(0.02571 * 100);
  case DeviceScale::OpenUpsCharge: return openUps(0.8274 / 10);
  case DeviceScale::OpenUpsDischarge: return openUps(16.113 / 10);
  }
  return 1;
}

std::optional<std::string> convertForDevice(const VariableMap& m, double v, std::uint16_t quirks) {
  const auto i = integral(v);
  switch (m.convert) {
  case Convert::Scaled: return fixed(v * m.scale * deviceScale(m.device, quirks), m.decimals);
  case Convert::CpsFrequency: return cpsFrequency(v, quirks);
  case Convert::LiebertLineVoltage: return liebertLineVoltage(v);
  case Convert::LiebertConfigVoltage: return liebertConfigVoltage(v);
  case Convert::BelkinFirmware: return i ? std::optional(std::to_string(*i >> 4)) : std::nullopt;
  case Convert::LowNibbleLookup: return i ? lowNibble(m.lookup, *i) : std::nullopt;
  case Convert::DeltaUpsType: return i ? deltaUpsType(*i) : std::nullopt;
  case Convert::OpenUpsTemperature: return openUpsTemperature(v);
  case Convert::PowercomStartup: return i ? std::optional(powercomStartup(*i)) : std::nullopt;
  case Convert::PowercomShutdown: return i ? std::optional(powercomShutdown(*i)) : std::nullopt;
  default: return std::nullopt;
  }
}

} // namespace hidupsd::nut
