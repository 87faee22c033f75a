// SPDX-License-Identifier: GPL-2.0-or-later
// NUT mapping tables: HID path -> NUT variable, status bit and alarm, per vendor dialect.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "hid/usage_tables.hpp"

namespace hidupsd::nut {

/// A HID value and the NUT text it stands for (NUT's info_lkp_t rows).
struct Lookup {
  std::int64_t value;
  std::string_view text;
};

/// How a field's physical value becomes a NUT value.
enum class Convert : std::uint8_t {
  Number,                   ///< printf "%.<decimals>f" of the physical value
  Lookup,                   ///< integer part of the value looked up in `lookup`
  String,                   ///< the value is a USB string index: the string
  Text,                     ///< `text`, published as soon as the path exists (NUT HU_FLAG_ABSENT)
  OffDelay,                 ///< the configured off delay, published when the path exists
  OnDelay,                  ///< the configured on delay, published when the path exists
  KelvinToCelsius,          ///< "%.1f" °C; values outside 273..373 are taken as °C already
  PackedDate,               ///< PDC 1.0 §4.2.6 date: (year-1980)*512 + month*32 + day
  ApcDate,                  ///< APC BCD date 0xMMDDYY
  AmpSecondsToAh,           ///< "%.2f" of value/3600
  PercentToRatio,           ///< "%.2f" of value/100
  MgeBatteryVoltage,        ///< "%.1f", only for the Eaton series NUT trusts it on
  MgeBatteryVoltageNominal, ///< "%.0f", same series (Evolution 650: 12)
  MgeOutletThreshold,       ///< `lookup` values (10/25/60 VA) as numbers, only on Protection
                            ///< Station/Ellipse ECO, and 3S outside Europe
  MgeOutletYesNo,           ///< "no"/"yes", same models
  MgeChargerState,          ///< `lookup`, unless ABM is disabled (ABMEnable 0)
  MgeRealPowerEstimate,     ///< ups.load x ups.power.nominal x power factor (0.80 if unknown)
  CpsBatteryVoltage,        ///< "%.1f", scaled by 2/3 on 0764:0501 units that read 1.4x nominal
  CpsCharge,                ///< "%.0f", clamped to 100
  CpsPercent,               ///< "%.0f%"
  Scaled,                   ///< "%.<decimals>f" of value x `scale` x the device's `deviceScale`
  CpsFrequency,             ///< "%.1f"; 0764:0501 firmwares that send 0.1 Hz: divided by 10
  TrippLiteChemistry,       ///< a string index, "unknown" on 09ae:1003 and 09ae:2005 (firmware bug)
  LiebertLineVoltage,       ///< "%.1f"; below 1 (a broken exponent): x 1e7 or x 1e5
  LiebertConfigVoltage,     ///< "%.1f"; 1e-7 (a broken exponent): x 1e8
  BelkinFirmware,           ///< value >> 4 (the high nibble of BELKINUPSType)
  LowNibbleLookup,          ///< `lookup` of value & 0x0f; the first row for values not listed
  DeltaUpsType,             ///< delta_ups-hid.c's UPS type nibble
  OpenUpsTemperature,       ///< openUPS thermistor table, "%.2f" degrees Celsius
  PowercomStartup,          ///< PowerCOM's minutes with bytes swapped, in seconds
  PowercomShutdown,         ///< PowerCOM's minutes (high byte) and seconds (low byte), in seconds
};

/// A scale that depends on the device: the quirk bits of its USB id row
/// (hid::quirksFor), as NUT's subdrivers set them from their id tables.
enum class DeviceScale : std::uint8_t {
  None,
  TrippLiteBattery,   ///< x 0.1 (quirk::kBatteryScale01), x 1e5 (kSmart1500Scale)
  TrippLiteVoltage,   ///< x 1e5 (kSmart1500Scale)
  TrippLiteFrequency, ///< x 0.01 (kSmart1500Scale)
  TrippLiteCurrent,   ///< x 0.01 (kSmart1500Scale)
  OpenUpsVin,         ///< d004 x 3.545, d005 x 0.1
  OpenUpsVout,        ///< d004 x 2.571, d005 x 0.1
  OpenUpsCharge,      ///< d004 x 0.08274, d005 x 0.1
  OpenUpsDischarge,   ///< d004 x 1.6113, d005 x 0.1
};

/// `scale` for a device with `quirks` (hid::quirk bits): 1 when the quirk is absent.
double deviceScale(DeviceScale scale, std::uint16_t quirks) noexcept;

/// One NUT variable read from one HID path. Several rows may name the same
/// variable: the first row whose path exists and gives a value wins.
struct VariableMap {
  std::string_view name;
  std::string_view path;
  Convert convert = Convert::Number;
  std::int8_t decimals = 0;               ///< for Convert::Number
  std::span<const Lookup> lookup{};       ///< for Convert::Lookup and the Mge kinds that name it
  std::string_view text{};                ///< for Convert::Text
  double scale = 1;                       ///< for Convert::Scaled
  DeviceScale device = DeviceScale::None; ///< for Convert::Scaled
  /// NUT's ST_FLAG_RW | ST_FLAG_STRING with this length (0: read-only).
  /// Writable through this row when its path is a non-constant Feature field.
  std::uint8_t rw = 0;
};

/// NUT's internal status bits (usbhid-ups status_info[]), before they are
/// turned into ups.status flags and ups.alarm texts.
enum class StatusBit : std::uint8_t {
  Online,
  Discharging,
  Charging,
  LowBattery,
  Overload,
  ReplaceBattery,
  ShutdownImminent,
  Trim,
  Boost,
  BypassAuto,
  BypassManual,
  EcoMode,
  EssMode,
  Off,
  Calibration,
  Overheat,
  CommFault,
  Depleted,
  TimeLimitExpired,
  FullyCharged,
  AwaitingPower,
  FanFailure,
  NoBattery,
  BatteryVoltageLow,
  BatteryVoltageHigh,
  ChargerFailure,
  VoltageRange,
  FrequencyRange,
  Count
};

/// A value that sets (or clears) a status bit.
struct StatusAction {
  std::int64_t value;
  StatusBit bit;
  bool set;
};

enum class StatusRule : std::uint8_t {
  Flag,           ///< 1 sets `bit`, 0 clears it, other values do nothing
  InvertedFlag,   ///< 0 sets `bit`, 1 clears it
  Actions,        ///< `actions` decide
  MgeCharging,    ///< as Flag(Charging) unless ABM is enabled or battery.charge >= 100, then clears
  MgeDischarging, ///< as Flag(Discharging) unless ABM is enabled, then clears
  MgeChargerMode, ///< ABM enabled only: 1,3 set Charging, 2 sets Discharging
  MgeChargerStatus,   ///< ABM enabled, no Charger.Mode: 1,2 set Charging, 4 sets Discharging
  MgeConverterOnline, ///< as Flag(Online), skipped while Off is set
  Mask,               ///< value & `mask` == `match` sets `bit`, anything else clears it
};

/// One HID boolean (or small enum) feeding ups.status. Rows are applied in
/// table order; a later row may undo an earlier one, as in NUT.
struct StatusMap {
  std::string_view path;
  StatusRule rule = StatusRule::Flag;
  StatusBit bit = StatusBit::Online;
  std::span<const StatusAction> actions{};
  std::uint32_t mask = 0;  ///< for StatusRule::Mask
  std::uint32_t match = 0; ///< for StatusRule::Mask
};

/// A vendor alarm: the path reading 1 adds `text` to ups.alarm.
struct AlarmMap {
  std::string_view path;
  std::string_view text;
};

/// The tables of one dialect, and how it names the UPS (NUT's
/// format_mfr/format_model: the manufacturer string, else `defaultMfr`;
/// the model from the string index at `modelPath` when set, else the
/// product string).
struct Mapping {
  std::span<const VariableMap> variables;
  std::span<const StatusMap> status;
  std::span<const AlarmMap> alarms;
  std::string_view source{};     ///< "apc-hid.c \"APC HID 0.101\""
  std::string_view defaultMfr{}; ///< when the device has no manufacturer string
  std::string_view modelPath{};  ///< a string-index path naming the model (Delta)
};

/// The tables for `d`: every NUT subdriver's own; Generic (unknown makes,
/// NUT's explore) gets the standard HID Power Device paths.
const Mapping& mappingFor(hid::Dialect d) noexcept;

/// Eaton/MGE series: what NUT's mge-hid calls models_type_t.
enum class MgeSeries : std::uint8_t {
  Offline,         ///< MGE_DEFAULT_OFFLINE
  Pegasus,         ///< Protection Station, Ellipse ECO
  ThreeS,          ///< 3S 700/750
  LineInteractive, ///< MGE_DEFAULT: everything not listed
  Evolution,
  Evolution650,
  PulsarM,
  Eaton5P, ///< 5P, 5PX, 5SC
  Eaton9E,
};

/// A known Eaton/MGE model: iProduct + iModel, its series and display name
/// (empty name: "<iProduct> <iModel>").
struct MgeModelName {
  std::string_view product;
  std::string_view model;
  MgeSeries series;
  std::string_view name;
};

std::span<const MgeModelName> mgeModelNames() noexcept;

/// Status texts of NUT's ups_alarm_set(), in its order.
struct StatusAlarm {
  StatusBit bit;
  std::string_view text;
};
std::span<const StatusAlarm> statusAlarms() noexcept;

/// Paths the Eaton logic reads besides the tables.
inline constexpr std::string_view kMgeModelPath = "UPS.PowerSummary.iModel";
inline constexpr std::string_view kMgeApparentPowerPath = "UPS.Flow.[4].ConfigApparentPower";
inline constexpr std::string_view kMgeCountryPath = "UPS.PowerSummary.Country";
inline constexpr std::string_view kMgeAbmEnablePath = "UPS.BatterySystem.Charger.ABMEnable";
inline constexpr std::string_view kMgeChargerModePath = "UPS.BatterySystem.Charger.Mode";
inline constexpr std::string_view kMgePowerFactorPath = "UPS.PowerConverter.Output.PowerFactor";

} // namespace hidupsd::nut
