// SPDX-License-Identifier: GPL-2.0-or-later
// Usage names as NUT's usbhid-ups prints them, per vendor dialect, and HID path strings.
#include "hid/usage_tables.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "hid/vendor_usages.hpp"

namespace hidupsd::hid {

namespace {

// NUT's generic table, name for name, in usage order as NUT has it
// ("Undefined" and "VoltageOutOfRange" each name two usages: a name lookup
// gives the page 0x84 one, as NUT's). The vendor tables: vendor_usages.cpp.

// clang-format off

// networkupstools/nut drivers/libhid.c hid_usage_lkp[] @ bd9ec587: the Power
// Device page 0x84 (PDC 1.0 §4) and Battery System page 0x85 (PDC 1.0 §5).
constexpr UsageName kGeneric[] = {
    {0x00840000, "Undefined"}, {0x00840001, "iName"}, {0x00840002, "PresentStatus"},
    {0x00840003, "ChangedStatus"}, {0x00840004, "UPS"}, {0x00840005, "PowerSupply"},
    {0x00840010, "BatterySystem"}, {0x00840011, "BatterySystemID"}, {0x00840012, "Battery"},
    {0x00840013, "BatteryID"}, {0x00840014, "Charger"}, {0x00840015, "ChargerID"},
    {0x00840016, "PowerConverter"}, {0x00840017, "PowerConverterID"}, {0x00840018, "OutletSystem"},
    {0x00840019, "OutletSystemID"}, {0x0084001a, "Input"}, {0x0084001b, "InputID"},
    {0x0084001c, "Output"}, {0x0084001d, "OutputID"}, {0x0084001e, "Flow"}, {0x0084001f, "FlowID"},
    {0x00840020, "Outlet"}, {0x00840021, "OutletID"}, {0x00840022, "Gang"}, {0x00840023, "GangID"},
    {0x00840024, "PowerSummary"}, {0x00840025, "PowerSummaryID"}, {0x00840030, "Voltage"},
    {0x00840031, "Current"}, {0x00840032, "Frequency"}, {0x00840033, "ApparentPower"},
    {0x00840034, "ActivePower"}, {0x00840035, "PercentLoad"}, {0x00840036, "Temperature"},
    {0x00840037, "Humidity"}, {0x00840038, "BadCount"}, {0x00840040, "ConfigVoltage"},
    {0x00840041, "ConfigCurrent"}, {0x00840042, "ConfigFrequency"},
    {0x00840043, "ConfigApparentPower"}, {0x00840044, "ConfigActivePower"},
    {0x00840045, "ConfigPercentLoad"}, {0x00840046, "ConfigTemperature"},
    {0x00840047, "ConfigHumidity"}, {0x00840050, "SwitchOnControl"},
    {0x00840051, "SwitchOffControl"}, {0x00840052, "ToggleControl"},
    {0x00840053, "LowVoltageTransfer"}, {0x00840054, "HighVoltageTransfer"},
    {0x00840055, "DelayBeforeReboot"}, {0x00840056, "DelayBeforeStartup"},
    {0x00840057, "DelayBeforeShutdown"}, {0x00840058, "Test"}, {0x00840059, "ModuleReset"},
    {0x0084005a, "AudibleAlarmControl"}, {0x00840060, "Present"}, {0x00840061, "Good"},
    {0x00840062, "InternalFailure"}, {0x00840063, "VoltageOutOfRange"},
    {0x00840064, "FrequencyOutOfRange"}, {0x00840065, "Overload"}, {0x00840066, "OverCharged"},
    {0x00840067, "OverTemperature"}, {0x00840068, "ShutdownRequested"},
    {0x00840069, "ShutdownImminent"}, {0x0084006b, "SwitchOn/Off"}, {0x0084006c, "Switchable"},
    {0x0084006d, "Used"}, {0x0084006e, "Boost"}, {0x0084006f, "Buck"}, {0x00840070, "Initialized"},
    {0x00840071, "Tested"}, {0x00840072, "AwaitingPower"}, {0x00840073, "CommunicationLost"},
    {0x008400fd, "iManufacturer"}, {0x008400fe, "iProduct"}, {0x008400ff, "iSerialNumber"},
    {0x00850000, "Undefined"}, {0x00850001, "SMBBatteryMode"}, {0x00850002, "SMBBatteryStatus"},
    {0x00850003, "SMBAlarmWarning"}, {0x00850004, "SMBChargerMode"},
    {0x00850005, "SMBChargerStatus"}, {0x00850006, "SMBChargerSpecInfo"},
    {0x00850007, "SMBSelectorState"}, {0x00850008, "SMBSelectorPresets"},
    {0x00850009, "SMBSelectorInfo"}, {0x00850010, "OptionalMfgFunction1"},
    {0x00850011, "OptionalMfgFunction2"}, {0x00850012, "OptionalMfgFunction3"},
    {0x00850013, "OptionalMfgFunction4"}, {0x00850014, "OptionalMfgFunction5"},
    {0x00850015, "ConnectionToSMBus"}, {0x00850016, "OutputConnection"},
    {0x00850017, "ChargerConnection"}, {0x00850018, "BatteryInsertion"}, {0x00850019, "Usenext"},
    {0x0085001a, "OKToUse"}, {0x0085001b, "BatterySupported"}, {0x0085001c, "SelectorRevision"},
    {0x0085001d, "ChargingIndicator"}, {0x00850028, "ManufacturerAccess"},
    {0x00850029, "RemainingCapacityLimit"}, {0x0085002a, "RemainingTimeLimit"},
    {0x0085002b, "AtRate"}, {0x0085002c, "CapacityMode"}, {0x0085002d, "BroadcastToCharger"},
    {0x0085002e, "PrimaryBattery"}, {0x0085002f, "ChargeController"},
    {0x00850040, "TerminateCharge"}, {0x00850041, "TerminateDischarge"},
    {0x00850042, "BelowRemainingCapacityLimit"}, {0x00850043, "RemainingTimeLimitExpired"},
    {0x00850044, "Charging"}, {0x00850045, "Discharging"}, {0x00850046, "FullyCharged"},
    {0x00850047, "FullyDischarged"}, {0x00850048, "ConditioningFlag"}, {0x00850049, "AtRateOK"},
    {0x0085004a, "SMBErrorCode"}, {0x0085004b, "NeedReplacement"}, {0x00850060, "AtRateTimeToFull"},
    {0x00850061, "AtRateTimeToEmpty"}, {0x00850062, "AverageCurrent"}, {0x00850063, "Maxerror"},
    {0x00850064, "RelativeStateOfCharge"}, {0x00850065, "AbsoluteStateOfCharge"},
    {0x00850066, "RemainingCapacity"}, {0x00850067, "FullChargeCapacity"},
    {0x00850068, "RunTimeToEmpty"}, {0x00850069, "AverageTimeToEmpty"},
    {0x0085006a, "AverageTimeToFull"}, {0x0085006b, "CycleCount"},
    {0x00850080, "BattPackModelLevel"}, {0x00850081, "InternalChargeController"},
    {0x00850082, "PrimaryBatterySupport"}, {0x00850083, "DesignCapacity"},
    {0x00850084, "SpecificationInfo"}, {0x00850085, "ManufacturerDate"},
    {0x00850086, "SerialNumber"}, {0x00850087, "iManufacturerName"}, {0x00850088, "iDevicename"},
    {0x00850089, "iDeviceChemistry"}, {0x0085008a, "ManufacturerData"},
    {0x0085008b, "Rechargeable"}, {0x0085008c, "WarningCapacityLimit"},
    {0x0085008d, "CapacityGranularity1"}, {0x0085008e, "CapacityGranularity2"},
    {0x0085008f, "iOEMInformation"}, {0x008500c0, "InhibitCharge"}, {0x008500c1, "EnablePolling"},
    {0x008500c2, "ResetToZero"}, {0x008500d0, "ACPresent"}, {0x008500d1, "BatteryPresent"},
    {0x008500d2, "PowerFail"}, {0x008500d3, "AlarmInhibited"}, {0x008500d4, "ThermistorUnderRange"},
    {0x008500d5, "ThermistorHot"}, {0x008500d6, "ThermistorCold"},
    {0x008500d7, "ThermistorOverRange"}, {0x008500d8, "VoltageOutOfRange"},
    {0x008500d9, "CurrentOutOfRange"}, {0x008500da, "CurrentNotRegulated"},
    {0x008500db, "VoltageNotRegulated"}, {0x008500dc, "MasterMode"},
    {0x008500f0, "ChargerSelectorSupport"}, {0x008500f1, "ChargerSpec"}, {0x008500f2, "Level2"},
    {0x008500f3, "Level3"},
};

// clang-format on

constexpr bool sortedByUsage(std::span<const UsageName> table) noexcept {
  return std::adjacent_find(table.begin(), table.end(), [](const auto& a, const auto& b) {
           return a.usage >= b.usage;
         }) == table.end();
}
static_assert(sortedByUsage(kGeneric));

std::string_view nameIn(std::span<const UsageName> table, Usage usage) noexcept {
  const auto it = std::lower_bound(table.begin(), table.end(), usage,
                                   [](const UsageName& e, Usage u) { return e.usage < u; });
  return it != table.end() && it->usage == usage ? it->name : std::string_view{};
}

char lowerAscii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// strcasecmp() == 0 in the C locale, as NUT's hid_lookup_usage() compares.
bool equalNoCase(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return lowerAscii(x) == lowerAscii(y); });
}

std::optional<Usage> usageIn(std::span<const UsageName> table, std::string_view name) noexcept {
  const auto it = std::find_if(table.begin(), table.end(),
                               [name](const UsageName& e) { return equalNoCase(e.name, name); });
  return it != table.end() ? std::optional<Usage>(it->usage) : std::nullopt;
}

int hexDigit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// An unnamed node such as "ff860024": 1..8 hex digits, either case.
std::optional<Usage> parseHex(std::string_view token) noexcept {
  if (token.empty() || token.size() > 8) return std::nullopt;
  Usage value = 0;
  for (const char c : token) {
    const int digit = hexDigit(c);
    if (digit < 0) return std::nullopt;
    value = (value << 4) | static_cast<Usage>(digit);
  }
  return value;
}

/// An index node "[n]", n decimal 0..65535 (NUT prints node & 0xffff).
std::optional<Usage> parseIndex(std::string_view token) noexcept {
  if (token.size() < 3 || token.size() > 7 || token.front() != '[' || token.back() != ']')
    return std::nullopt;
  Usage n = 0;
  for (const char c : token.substr(1, token.size() - 2)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<Usage>(c - '0');
  }
  return n <= 0xffff ? std::optional<Usage>(kIndexNodeTag | n) : std::nullopt;
}

/// NUT's string_to_path() order: a table name (so names override), then hex,
/// then "[n]".
std::optional<Usage> parseNode(std::string_view token, Dialect d) noexcept {
  if (const auto named = usageByName(token, d)) return named;
  if (const auto hex = parseHex(token)) return hex;
  return parseIndex(token);
}

/// NUT's path_to_string() order: a table name, then "[n]", then "%08x".
void appendNode(std::string& out, Usage node, Dialect d) {
  if (const auto name = usageName(node, d); !name.empty())
    out += name;
  else if (isIndexNode(node))
    fmt::format_to(std::back_inserter(out), "[{}]", node & 0xffffu);
  else
    fmt::format_to(std::back_inserter(out), "{:08x}", node);
}

} // namespace

std::string_view usageName(Usage usage, Dialect d) noexcept {
  const auto vendor = nameIn(vendorUsages(d), usage);
  return vendor.empty() ? nameIn(kGeneric, usage) : vendor;
}

std::optional<Usage> usageByName(std::string_view name, Dialect d) noexcept {
  if (const auto vendor = usageIn(vendorUsages(d), name)) return vendor;
  return usageIn(kGeneric, name);
}

std::string pathToString(std::span<const Usage> path, Dialect d) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += '.';
    appendNode(out, path[i], d);
  }
  return out;
}

std::optional<std::vector<Usage>> pathFromString(std::string_view path, Dialect d) {
  std::vector<Usage> nodes;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const auto node = parseNode(path.substr(0, dot), d);
    if (!node) return std::nullopt;
    nodes.push_back(*node);
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
    if (path.empty()) return std::nullopt; // trailing '.'
  }
  return nodes;
}

} // namespace hidupsd::hid
