// SPDX-License-Identifier: GPL-2.0-or-later
// NUT mapping tables, as data: APC, CyberPower, the generic paths, and the dialect → tables
// switch. Sources: networkupstools/nut @ 6c63f774 drivers/apc-hid.c (APC HID 0.101),
// cps-hid.c (CyberPower HID 0.85), usbhid-ups.c; the APC table was first ported from
// apc-hid.c 0.95 and checked row by row against 0.101. Eaton/MGE: mapping_mge.cpp.
#include "ups/nut_mapping.hpp"

#include "ups/mapping_rows.hpp"

namespace hidupsd::nut {

namespace {

using namespace rows;

// apc-hid.c / cps-hid.c value tables.
constexpr Lookup kApcSensitivity[] = {{0, "low"}, {1, "medium"}, {2, "high"}};
constexpr Lookup kCpsSensitivity[] = {{0, "low"}, {1, "normal"}, {2, "high"}};

// Status value tables that are not plain 0/1 flags.
constexpr StatusAction kApcStatusFlag[] = {
    {8, B::Off, false}, {16, B::Off, false}, {0, B::Off, true}};
constexpr StatusAction kApcLineFailVoltage[] = {
    {1, B::VoltageRange, true}, {2, B::VoltageRange, true}, {4, B::VoltageRange, true},
    {8, B::VoltageRange, true}, {9, B::VoltageRange, true}, {0, B::VoltageRange, false}};
constexpr StatusAction kApcLineFailFrequency[] = {{7, B::FrequencyRange, true},
                                                  {0, B::FrequencyRange, false}};

// ---------------------------------------------------------------- APC
constexpr VariableMap kApcVariables[] = {
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    rw(num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0), 10),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.Battery.RunTimeToEmpty", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    rw(num("battery.runtime.low", "UPS.Battery.RemainingTimeLimit", 0), 10),
    rw(num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0), 10),
    num("battery.voltage", "UPS.Battery.Voltage", 1),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 1),
    num("battery.voltage.nominal", "UPS.Battery.ConfigVoltage", 1),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 1),
    conv("battery.temperature", "UPS.Battery.Temperature", C::KelvinToCelsius),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    rw(conv("battery.mfr.date", "UPS.Battery.ManufacturerDate", C::PackedDate), 10),
    conv("battery.mfr.date", "UPS.PowerSummary.APCBattReplaceDate", C::ApcDate),
    conv("battery.date", "UPS.Battery.APCBattReplaceDate", C::ApcDate),
    num("ups.load", "UPS.Output.PercentLoad", 1),
    num("ups.load", "UPS.PowerConverter.PercentLoad", 0),
    rw(conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.PowerSummary.DelayBeforeReboot", 0),
    rw(conv("ups.delay.start", "UPS.Output.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.Output.DelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.Output.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.Output.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.Output.DelayBeforeReboot", 0),
    rw(conv("ups.delay.start", "UPS.APCGeneralCollection.APCDelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.APCGeneralCollection.APCDelayBeforeShutdown", C::OffDelay),
       10),
    num("ups.timer.start", "UPS.APCGeneralCollection.APCDelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.APCGeneralCollection.APCDelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.APCGeneralCollection.APCDelayBeforeReboot", 0),
    lkp("ups.test.result", "UPS.Battery.Test", kTestResult),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    conv("ups.mfr.date", "UPS.ManufacturerDate", C::PackedDate),
    conv("ups.mfr.date", "UPS.PowerSummary.ManufacturerDate", C::PackedDate),
    num("ups.realpower.nominal", "UPS.PowerConverter.ConfigActivePower", 0),
    num("ups.realpower.nominal", "UPS.Output.ConfigActivePower", 0),
    num("input.voltage", "UPS.Input.Voltage", 1),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    rw(num("input.transfer.low", "UPS.Output.LowVoltageTransfer", 0), 10),
    rw(num("input.transfer.high", "UPS.Output.HighVoltageTransfer", 0), 10),
    rw(num("input.transfer.low", "UPS.Input.LowVoltageTransfer", 0), 10),
    rw(num("input.transfer.high", "UPS.Input.HighVoltageTransfer", 0), 10),
    rw(lkp("input.sensitivity", "UPS.Input.APCSensitivity", kApcSensitivity), 10),
    num("output.voltage", "UPS.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.Output.ConfigVoltage", 1),
    num("output.current", "UPS.Output.Current", 2),
    num("output.frequency", "UPS.Output.Frequency", 1),
    conv("ambient.temperature", "UPS.APCEnvironment.APCProbe1.Temperature", C::KelvinToCelsius),
    num("ambient.humidity", "UPS.APCEnvironment.APCProbe1.Humidity", 1),
};

constexpr StatusMap kApcStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.Charging", B::Charging),
    flag("UPS.PowerSummary.Discharging", B::Discharging),
    flag("UPS.PowerSummary.ACPresent", B::Online),
    flag("UPS.PowerSummary.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.ShutdownImminent", B::ShutdownImminent),
    actions("UPS.PowerSummary.APCStatusFlag", kApcStatusFlag),
    actions("UPS.Input.APCLineFailCause", kApcLineFailVoltage),
    actions("UPS.Input.APCLineFailCause", kApcLineFailFrequency),
};

// ---------------------------------------------------------------- CyberPower
constexpr VariableMap kCpsVariables[] = {
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    rw(conv("battery.mfr.date", "UPS.Battery.ManufacturerDate", C::PackedDate), 10),
    conv("battery.mfr.date", "UPS.PowerSummary.iOEMInformation", C::String),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    rw(num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0), 10),
    conv("battery.charge", "UPS.PowerSummary.RemainingCapacity", C::CpsCharge),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    rw(num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0), 10),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 0),
    conv("battery.voltage", "UPS.PowerSummary.Voltage", C::CpsBatteryVoltage),
    conv("battery.status", "UPS.PowerSummary.FullChargeCapacity", C::CpsPercent),
    num("ups.load", "UPS.Output.PercentLoad", 0),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    lkp("ups.test.result", "UPS.Output.Test", kTestResult),
    num("ups.power", "UPS.Output.ApparentPower", 0),
    num("ups.power.nominal", "UPS.Output.ConfigApparentPower", 0),
    num("ups.realpower", "UPS.Output.ActivePower", 0),
    num("ups.realpower.nominal", "UPS.Output.ConfigActivePower", 0),
    rw(conv("ups.delay.start", "UPS.Output.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.Output.DelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.Output.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.Output.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.Output.DelayBeforeReboot", 0),
    conv("ups.firmware", "UPS.PowerSummary.CPSFirmwareVersion", C::String),
    conv("ups.temperature", "UPS.PowerSummary.Temperature", C::KelvinToCelsius),
    conv("input.frequency", "UPS.Input.Frequency", C::CpsFrequency),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    num("input.voltage", "UPS.Input.Voltage", 1),
    rw(num("input.transfer.low", "UPS.Input.LowVoltageTransfer", 0), 10),
    rw(num("input.transfer.high", "UPS.Input.HighVoltageTransfer", 0), 10),
    rw(num("input.transfer.low", "UPS.Output.LowVoltageTransfer", 0), 10),
    rw(num("input.transfer.high", "UPS.Output.HighVoltageTransfer", 0), 10),
    rw(lkp("input.sensitivity", "UPS.Output.CPSInputSensitivity", kCpsSensitivity), 10),
    conv("output.frequency", "UPS.Output.Frequency", C::CpsFrequency),
    num("output.voltage", "UPS.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.Output.ConfigVoltage", 0),
};

constexpr StatusMap kCpsStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.Output.Boost", B::Boost),
    flag("UPS.Output.Overload", B::Overload),
};

// ---------------------------------------------------------------- generic
// Standard HID Power Device / Battery System paths (PDC 1.0), as the NUT
// subdrivers for other vendors name them; no vendor usages.
constexpr VariableMap kGenericVariables[] = {
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge", "UPS.Battery.RemainingCapacity", 0),
    num("battery.charge", "UPS.BatterySystem.Battery.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.low", "UPS.Battery.RemainingCapacityLimit", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.runtime", "UPS.Battery.RunTimeToEmpty", 0),
    num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0),
    num("battery.runtime.low", "UPS.Battery.RemainingTimeLimit", 0),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 1),
    num("battery.voltage", "UPS.Battery.Voltage", 1),
    num("battery.voltage", "UPS.BatterySystem.Battery.Voltage", 1),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 1),
    num("battery.voltage.nominal", "UPS.Battery.ConfigVoltage", 1),
    conv("battery.temperature", "UPS.Battery.Temperature", C::KelvinToCelsius),
    conv("battery.temperature", "UPS.BatterySystem.Battery.Temperature", C::KelvinToCelsius),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    conv("battery.type", "UPS.Battery.iDeviceChemistry", C::String),
    conv("battery.mfr.date", "UPS.Battery.ManufacturerDate", C::PackedDate),
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    num("ups.load", "UPS.Output.PercentLoad", 0),
    num("ups.load", "UPS.PowerConverter.PercentLoad", 0),
    num("ups.power", "UPS.Output.ApparentPower", 0),
    num("ups.power", "UPS.PowerConverter.Output.ApparentPower", 0),
    num("ups.power.nominal", "UPS.Output.ConfigApparentPower", 0),
    num("ups.power.nominal", "UPS.PowerSummary.ConfigApparentPower", 0),
    num("ups.realpower", "UPS.Output.ActivePower", 0),
    num("ups.realpower", "UPS.PowerConverter.Output.ActivePower", 0),
    num("ups.realpower.nominal", "UPS.Output.ConfigActivePower", 0),
    num("ups.realpower.nominal", "UPS.PowerConverter.ConfigActivePower", 0),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    lkp("ups.beeper.status", "UPS.AudibleAlarmControl", kBeeper),
    lkp("ups.test.result", "UPS.Battery.Test", kTestResult),
    lkp("ups.test.result", "UPS.BatterySystem.Battery.Test", kTestResult),
    lkp("ups.test.result", "UPS.Output.Test", kTestResult),
    conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay),
    conv("ups.delay.start", "UPS.Output.DelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.Output.DelayBeforeShutdown", C::OffDelay),
    num("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.PowerSummary.DelayBeforeReboot", 0),
    num("ups.timer.start", "UPS.Output.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.Output.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.Output.DelayBeforeReboot", 0),
    conv("ups.mfr.date", "UPS.ManufacturerDate", C::PackedDate),
    conv("ups.mfr.date", "UPS.PowerSummary.ManufacturerDate", C::PackedDate),
    conv("ups.temperature", "UPS.PowerSummary.Temperature", C::KelvinToCelsius),
    num("input.voltage", "UPS.Input.Voltage", 1),
    num("input.voltage", "UPS.PowerConverter.Input.Voltage", 1),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    num("input.frequency", "UPS.Input.Frequency", 1),
    num("input.transfer.low", "UPS.Input.LowVoltageTransfer", 0),
    num("input.transfer.high", "UPS.Input.HighVoltageTransfer", 0),
    num("input.transfer.low", "UPS.Output.LowVoltageTransfer", 0),
    num("input.transfer.high", "UPS.Output.HighVoltageTransfer", 0),
    num("output.voltage", "UPS.Output.Voltage", 1),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.Output.ConfigVoltage", 0),
    num("output.frequency", "UPS.Output.Frequency", 1),
    num("output.current", "UPS.Output.Current", 2),
};

constexpr StatusMap kGenericStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PresentStatus.Overload", B::Overload),
    flag("UPS.Output.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PresentStatus.NeedReplacement", B::ReplaceBattery),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    inverted("UPS.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.FullyDischarged", B::Depleted),
    flag("UPS.PresentStatus.FullyDischarged", B::Depleted),
    flag("UPS.PowerSummary.PresentStatus.Boost", B::Boost),
    flag("UPS.PresentStatus.Boost", B::Boost),
    flag("UPS.Output.Boost", B::Boost),
    flag("UPS.PowerSummary.PresentStatus.Buck", B::Trim),
    flag("UPS.PresentStatus.Buck", B::Trim),
    flag("UPS.Output.Buck", B::Trim),
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerSummary.PresentStatus.AwaitingPower", B::AwaitingPower),
    flag("UPS.PresentStatus.AwaitingPower", B::AwaitingPower),
};

constexpr StatusAlarm kStatusAlarms[] = {
    {B::ReplaceBattery, "Replace battery!"},
    {B::ShutdownImminent, "Shutdown imminent!"},
    {B::FanFailure, "Fan failure!"},
    {B::NoBattery, "No battery installed!"},
    {B::BatteryVoltageLow, "Battery voltage too low!"},
    {B::BatteryVoltageHigh, "Battery voltage too high!"},
    {B::ChargerFailure, "Battery charger fail!"},
    {B::Overheat, "Temperature too high!"},
    {B::CommFault, "Internal UPS fault!"},
    {B::AwaitingPower, "Awaiting power!"},
    {B::BypassAuto, "Automatic bypass mode!"},
    {B::BypassManual, "Manual bypass mode!"},
};

constexpr Mapping kApc{kApcVariables, kApcStatus, {}, "apc-hid.c \"APC HID 0.101\"", "APC"};
constexpr Mapping kCps{kCpsVariables, kCpsStatus, {}, "cps-hid.c \"CyberPower HID 0.85\"", "CPS"};
constexpr Mapping kGeneric{
    kGenericVariables, kGenericStatus, {}, "PDC 1.0 paths as NUT's subdrivers name them"};

} // namespace

const Mapping& apcMapping() noexcept { return kApc; }
const Mapping& cpsMapping() noexcept { return kCps; }
const Mapping& genericMapping() noexcept { return kGeneric; }

const Mapping& mappingFor(hid::Dialect d) noexcept {
  using D = hid::Dialect;
  switch (d) {
  case D::Generic: return kGeneric;
  case D::Mge: return mgeMapping();
  case D::Apc: return kApc;
  case D::CyberPower: return kCps;
  case D::Belkin: return belkinMapping();
  case D::TrippLite: return trippLiteMapping();
  case D::Liebert: return liebertMapping();
  case D::Arduino: return arduinoMapping();
  case D::DeltaUps: return deltaUpsMapping();
  case D::EcoFlow: return ecoFlowMapping();
  case D::Ever: return everMapping();
  case D::IDowell: return iDowellMapping();
  case D::Legrand: return legrandMapping();
  case D::OpenUps: return openUpsMapping();
  case D::PowerCom: return powerComMapping();
  case D::Powervar: return powervarMapping();
  case D::Salicru: return salicruMapping();
  }
  return kGeneric;
}

std::span<const StatusAlarm> statusAlarms() noexcept { return kStatusAlarms; }

} // namespace hidupsd::nut
