// SPDX-License-Identifier: GPL-2.0-or-later
// NUT mapping tables of belkin-hid.c, tripplite-hid.c and liebert-hid.c, as data.
#include "ups/mapping_rows.hpp"

namespace hidupsd::nut {

namespace {

using namespace rows;

// ---------------------------------------------------------------- Belkin
// networkupstools/nut @ 6c63f774 drivers/belkin-hid.c belkin_hid2nut[] ("Belkin/Liebert HID
// 0.23"), in its order; the Liebert PSA and PSI5 rows (10af) included. Belkin's own units
// report 0.1 V and 0.1 Hz (divide_by_10_conversion), Liebert's PSI5 0.01 Hz.

// belkin_sensitivity_conversion_fun: 1 reduced, 2 low, anything else normal.
constexpr Lookup kBelkinSensitivity[] = {{0, "normal"}, {1, "reduced"}, {2, "low"}};
constexpr Lookup kBelkinTest[] = {{0, "No test initiated"}, {1, "Done and passed"},
                                  {2, "Done and warning"},  {3, "Done and error"},
                                  {4, "Aborted"},           {5, "In progress"}};
// belkin_upstype_conversion_fun: the low nibble; "online" for anything unlisted.
constexpr Lookup kBelkinUpsType[] = {{0, "online"},           {1, "offline"},
                                     {2, "line-interactive"}, {3, "simple online"},
                                     {4, "simple offline"},   {5, "simple line-interactive"}};

constexpr VariableMap kBelkinVariables[] = {
    num("battery.charge", "UPS.BELKINBatterySystem.BELKINCharge", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    scaled("battery.voltage", "UPS.BELKINBatterySystem.BELKINVoltage", 0.1, 1),
    num("battery.voltage.nominal", "UPS.BELKINConfig.BELKINConfigBatteryVoltage", 0),
    scaled("input.frequency", "UPS.BELKINPowerState.BELKINInput.BELKINFrequency", 0.1, 1),
    num("input.frequency.nominal", "UPS.BELKINConfig.BELKINConfigFrequency", 0),
    rw(lkp("input.sensitivity", "UPS.BELKINDevice.BELKINVoltageSensitivity", kBelkinSensitivity),
       10),
    rw(num("input.transfer.high", "UPS.BELKINConfig.BELKINHighVoltageTransfer", 0), 10),
    num("input.transfer.high.max", "UPS.BELKINConfig.BELKINHighVoltageTransferMax", 0),
    num("input.transfer.high.min", "UPS.BELKINConfig.BELKINHighVoltageTransferMin", 0),
    rw(num("input.transfer.low", "UPS.BELKINConfig.BELKINLowVoltageTransfer", 0), 10),
    num("input.transfer.low.max", "UPS.BELKINConfig.BELKINLowVoltageTransferMax", 0),
    num("input.transfer.low.min", "UPS.BELKINConfig.BELKINLowVoltageTransferMin", 0),
    scaled("input.voltage", "UPS.BELKINPowerState.BELKINInput.BELKINVoltage", 0.1, 1),
    num("input.voltage.nominal", "UPS.BELKINConfig.BELKINConfigVoltage", 0),
    scaled("output.frequency", "UPS.BELKINPowerState.BELKINOutput.BELKINFrequency", 0.1, 1),
    scaled("output.voltage", "UPS.BELKINPowerState.BELKINOutput.BELKINVoltage", 0.1, 1),
    lkp("ups.beeper.status", "UPS.BELKINControls.BELKINAudibleAlarmControl", kBeeper),
    rw(conv("ups.delay.start", "UPS.BELKINControls.BELKINDelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.BELKINControls.BELKINDelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.BELKINControls.BELKINDelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.BELKINControls.BELKINDelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.BELKINControls.BELKINDelayBeforeReboot", 0),
    conv("ups.firmware", "UPS.BELKINDevice.BELKINUPSType", C::BelkinFirmware),
    num("ups.load", "UPS.BELKINPowerState.BELKINOutput.BELKINPercentLoad", 0),
    num("ups.load.high", "UPS.BELKINConfig.BELKINConfigOverloadTransfer", 0),
    conv("ups.mfr.date", "UPS.PowerSummary.ManufacturerDate", C::PackedDate),
    num("ups.power.nominal", "UPS.BELKINConfig.BELKINConfigApparentPower", 0),
    conv("ups.serial", "UPS.PowerSummary.iSerialNumber", C::String),
    lkp("ups.test.result", "UPS.BELKINControls.BELKINTest", kBelkinTest),
    special("ups.type", "UPS.BELKINDevice.BELKINUPSType", C::LowNibbleLookup, kBelkinUpsType),
    // Liebert PSA
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    scaled("input.frequency", "UPS.Input.Frequency", 0.1, 1),
    conv("input.voltage", "UPS.Input.Voltage", C::LiebertLineVoltage),
    conv("output.voltage", "UPS.Output.Voltage", C::LiebertLineVoltage),
    conv("battery.voltage", "UPS.PowerSummary.Voltage", C::LiebertLineVoltage),
    conv("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", C::LiebertConfigVoltage),
    num("ups.load", "UPS.Output.PercentLoad", 0),
    // Liebert PSI5
    num("input.voltage.nominal", "UPS.Flow.ConfigVoltage", 0),
    scaled("input.frequency", "UPS.PowerConverter.Input.Frequency", 0.01, 1),
    conv("input.voltage", "UPS.PowerConverter.Input.Voltage", C::LiebertLineVoltage),
    num("output.voltage.nominal", "UPS.Flow.ConfigVoltage", 0),
    scaled("output.frequency", "UPS.PowerConverter.Output.Frequency", 0.01, 1),
    conv("output.voltage", "UPS.PowerConverter.Output.Voltage", C::LiebertLineVoltage),
    num("ups.load", "UPS.OutletSystem.Outlet.PercentLoad", 0),
    conv("battery.voltage", "UPS.BatterySystem.Battery.Voltage", C::LiebertLineVoltage),
    num("battery.voltage.nominal", "UPS.BatterySystem.Battery.ConfigVoltage", 0),
    num("battery.capacity", "UPS.Flow.ConfigApparentPower", 0),
};

constexpr StatusMap kBelkinStatus[] = {
    flag("UPS.PowerSummary.Discharging", B::Discharging),
    flag("UPS.PowerSummary.Charging", B::Charging),
    flag("UPS.PowerSummary.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    // BELKINPowerStatus: bit0 AC failure, bit4 overload, bit6 overheat, bit7 UPS fault,
    // bit13 awaiting power; BELKINBatteryStatus: bit2 low, bit6 empty, bit7 replace.
    masked("UPS.BELKINStatus.BELKINPowerStatus", B::Overload, 0x0010, 0x0010),
    masked("UPS.BELKINStatus.BELKINPowerStatus", B::Overheat, 0x0040, 0x0040),
    masked("UPS.BELKINStatus.BELKINPowerStatus", B::CommFault, 0x0080, 0x0080),
    masked("UPS.BELKINStatus.BELKINPowerStatus", B::AwaitingPower, 0x2000, 0x2000),
    masked("UPS.BELKINStatus.BELKINPowerStatus", B::Online, 0x0001, 0x0000),
    masked("UPS.BELKINStatus.BELKINBatteryStatus", B::Depleted, 0x0040, 0x0040),
    masked("UPS.BELKINStatus.BELKINBatteryStatus", B::ReplaceBattery, 0x0080, 0x0080),
    masked("UPS.BELKINStatus.BELKINBatteryStatus", B::LowBattery, 0x0004, 0x0004),
};

// ---------------------------------------------------------------- Tripp Lite
// networkupstools/nut @ 6c63f774 drivers/tripplite-hid.c tripplite_hid2nut[] ("TrippLite HID
// 0.85"), in its order. Battery, voltage, frequency and current scales come from the id
// table (quirk bits: battery_scale_0dot1, smart1500lcdt_scale).

constexpr VariableMap kTrippLiteVariables[] = {
    conv("device.part", "UPS.TLCustom.[1].iUPSPartNumber", C::String),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge", "UPS.BatterySystem.Battery.RemainingCapacity", 0),
    rw(num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0), 5),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.voltage.nominal", "UPS.BatterySystem.Battery.ConfigVoltage", 1),
    devScaled("battery.voltage", "UPS.BatterySystem.Battery.Voltage", DeviceScale::TrippLiteBattery,
              1),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::TrippLiteChemistry),
    conv("battery.temperature", "UPS.BatterySystem.Temperature", C::KelvinToCelsius),
    rw(conv("ups.delay.start", "UPS.OutletSystem.Outlet.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.start", "UPS.OutletSystem.Outlet.TLDelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.OutletSystem.Outlet.DelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.OutletSystem.Outlet.DelayBeforeStartup", 0),
    num("ups.timer.start", "UPS.OutletSystem.Outlet.TLDelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.OutletSystem.Outlet.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.OutletSystem.Outlet.DelayBeforeReboot", 0),
    lkp("ups.test.result", "UPS.BatterySystem.Test", kTestResult),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    num("ups.power.nominal", "UPS.Flow.ConfigApparentPower", 0),
    num("ups.power", "UPS.OutletSystem.Outlet.ActivePower", 1),
    num("ups.power", "UPS.PowerConverter.Output.ActivePower", 1),
    num("ups.load", "UPS.OutletSystem.Outlet.PercentLoad", 0),
    num("ups.firmware", "UPS.TLCustom.[1].UPSFirmwareVersion", 0),
    num("ups.watchdog.status", "UPS.OutletSystem.Outlet.TLWatchdog", 0),
    num("ups.load.nominal", "UPS.Flow.ConfigPercentLoad", 0),
    num("input.voltage.nominal", "UPS.PowerSummary.Input.ConfigVoltage", 0),
    devScaled("input.voltage", "UPS.PowerSummary.Input.Voltage", DeviceScale::TrippLiteVoltage, 1),
    devScaled("input.voltage", "UPS.PowerConverter.Input.Voltage", DeviceScale::TrippLiteVoltage,
              1),
    devScaled("input.frequency", "UPS.PowerConverter.Input.Frequency",
              DeviceScale::TrippLiteFrequency, 1),
    rw(num("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 1), 5),
    num("input.transfer.low.max", "UPS.PowerConverter.Output.TLLowVoltageTransferMax", 0),
    num("input.transfer.low.min", "UPS.PowerConverter.Output.TLLowVoltageTransferMin", 0),
    rw(num("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 1), 5),
    num("input.transfer.high.max", "UPS.PowerConverter.Output.TLHighVoltageTransferMax", 0),
    num("input.transfer.high.min", "UPS.PowerConverter.Output.TLHighVoltageTransferMin", 0),
    num("output.voltage.nominal", "UPS.Flow.ConfigVoltage", 0),
    devScaled("output.voltage", "UPS.PowerConverter.Output.Voltage", DeviceScale::TrippLiteVoltage,
              1),
    devScaled("output.voltage", "UPS.PowerSummary.Voltage", DeviceScale::TrippLiteVoltage, 1),
    devScaled("output.current", "UPS.PowerConverter.Output.Current", DeviceScale::TrippLiteCurrent,
              1),
    num("output.frequency.nominal", "UPS.Flow.ConfigFrequency", 0),
    devScaled("output.frequency", "UPS.PowerConverter.Output.Frequency",
              DeviceScale::TrippLiteFrequency, 1),
};

constexpr StatusMap kTrippLiteStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.FullyDischarged", B::Depleted),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    // OMNI1000LCD's swapped pages (tripplite_usage_lkp names them TL*).
    flag("UPS.PowerSummary.PresentStatus.TLACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.TLDischarging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.TLCharging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.TLNeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerConverter.PresentStatus.VoltageOutOfRange", B::VoltageRange),
    flag("UPS.PowerConverter.PresentStatus.Buck", B::Trim),
    flag("UPS.PowerConverter.PresentStatus.Boost", B::Boost),
    flag("UPS.PowerConverter.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerConverter.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerConverter.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerConverter.PresentStatus.AwaitingPower", B::AwaitingPower),
};

// ---------------------------------------------------------------- Phoenixtec / Liebert
// networkupstools/nut @ 6c63f774 drivers/liebert-hid.c liebert_hid2nut[] ("Phoenixtec/Liebert
// HID 0.41"), in its order; the vendor usages it reads by hex (its own table is empty).

constexpr VariableMap kLiebertVariables[] = {
    num("battery.voltage", "UPS.PowerSummary.Voltage", 2),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("experimental.battery.capacity", "UPS.PowerSummary.FullChargeCapacity", 0),
    num("experimental.battery.capacity.nominal", "UPS.PowerSummary.DesignCapacity", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    num("ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", 0),
    lkp("ups.test.result", "UPS.BatterySystem.Battery.Test", kTestResult),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.Flow.[4].ConfigVoltage", 0),
    num("output.frequency", "UPS.PowerConverter.Output.Frequency", 2),
    num("output.frequency.nominal", "UPS.Flow.[4].ConfigFrequency", 0),
    num("output.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 1),
    num("output.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 1),
    num("input.voltage", "UPS.PowerConverter.Input.[1].Voltage", 1),
    num("input.frequency", "UPS.PowerConverter.Input.[1].Frequency", 2),
    num("input.transfer.low", "UPS.PowerConverter.Output.ffff0057", 0),
    num("input.transfer.high", "UPS.PowerConverter.Output.ffff0058", 0),
    num("input.frequency.transfer.low", "UPS.PowerConverter.Output.ffff00f9", 0),
    num("input.frequency.transfer.high", "UPS.PowerConverter.Output.ffff00f8", 0),
    rw(conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay), 10),
};

constexpr StatusMap kLiebertStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    inverted("UPS.PowerSummary.PresentStatus.Good", B::Off),
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.Buck", B::Trim),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.Boost", B::Boost),
};

constexpr Mapping kBelkin{
    kBelkinVariables, kBelkinStatus, {}, "belkin-hid.c \"Belkin/Liebert HID 0.23\"", "Belkin"};
constexpr Mapping kTrippLite{
    kTrippLiteVariables, kTrippLiteStatus, {}, "tripplite-hid.c \"TrippLite HID 0.85\""};
constexpr Mapping kLiebert{kLiebertVariables,
                           kLiebertStatus,
                           {},
                           "liebert-hid.c \"Phoenixtec/Liebert HID 0.41\"",
                           "Liebert"};

} // namespace

const Mapping& belkinMapping() noexcept { return kBelkin; }
const Mapping& trippLiteMapping() noexcept { return kTrippLite; }
const Mapping& liebertMapping() noexcept { return kLiebert; }

} // namespace hidupsd::nut
