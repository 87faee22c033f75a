// SPDX-License-Identifier: GPL-2.0-or-later
// NUT mapping tables of legrand-, openups-, powercom-, powervar- and salicru-hid.c, as data.
#include "ups/mapping_rows.hpp"

namespace hidupsd::nut {

namespace {

using namespace rows;

// Every table: networkupstools/nut @ 6c63f774 drivers/NAME-hid.c NAME_hid2nut[], in its
// order. Left out: the "unmapped.*" rows (WITH_UNMAPPED_DATA_POINTS builds only) and rows
// whose conversion reads raw report bytes outside the descriptor (named where they are).

// ---------------------------------------------------------------- legrand-hid.c 0.2
// legrand_times10/100k/1M/10M: "%0.1f" of value x 10 ... x 1e7. NUT spells
// "UPS.PowerSummary.RuntimeToEmpty"; its case-blind lookup resolves it to
// RunTimeToEmpty, spelled so here.
constexpr VariableMap kLegrandVariables[] = {
    num("input.voltage", "UPS.Input.Voltage", 0),
    scaled("input.voltage", "UPS.PowerConverter.Input.Voltage", 1e6, 1),
    num("input.transfer.high", "UPS.Input.HighVoltageTransfer", 0),
    scaled("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 10, 1),
    num("input.transfer.low", "UPS.Input.LowVoltageTransfer", 0),
    num("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 0),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    num("input.voltage.nominal", "UPS.Flow.ConfigVoltage", 0),
    scaled("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 0.1, 1),
    num("battery.voltage.nominal", "UPS.BatterySystem.Battery.ConfigVoltage", 0),
    scaled("battery.voltage", "UPS.PowerSummary.Voltage", 0.1, 1),
    scaled("battery.voltage", "UPS.BatterySystem.Battery.Voltage", 1e5, 1),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("output.voltage", "UPS.Output.Voltage", 0),
    scaled("output.voltage", "UPS.PowerConverter.Output.Voltage", 1e7, 1),
    num("output.frequency", "UPS.Output.Frequency", 0),
    num("ups.load", "UPS.Output.PercentLoad", 0),
    num("ups.load", "UPS.OutletSystem.Outlet.PercentLoad", 0),
    num("ups.realpower.nominal", "UPS.Output.ConfigActivePower", 0),
    num("ups.realpower.nominal", "UPS.Flow.ConfigApparentPower", 0),
    rw(conv("ups.delay.shutdown", "UPS.OutletSystem.Outlet.DelayBeforeShutdown", C::OffDelay), 10),
    rw(conv("ups.delay.start", "UPS.OutletSystem.Outlet.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.Output.DelayBeforeShutdown", C::OffDelay), 10),
    rw(conv("ups.delay.start", "UPS.Output.DelayBeforeStartup", C::OnDelay), 10),
};

constexpr StatusMap kLegrandStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.Output.Overload", B::Overload),
};

// ---------------------------------------------------------------- openups-hid.c 0.50
constexpr VariableMap kOpenUpsVariables[] = {
    conv("ups.serial", "UPS.PowerSummary.iSerialNumber", C::String),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    conv("battery.mfr.date", "UPS.PowerSummary.iOEMInformation", C::String),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 2),
    num("battery.current", "UPS.PowerSummary.Current", 3),
    num("battery.capacity", "UPS.PowerSummary.DesignCapacity", 0),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    conv("battery.temperature", "UPS.PowerSummary.Temperature", C::OpenUpsTemperature),
    devScaled("output.voltage", "UPS.PowerSummary.Output.Voltage", DeviceScale::OpenUpsVout, 2),
    devScaled("output.current", "UPS.PowerSummary.Output.Current", DeviceScale::OpenUpsDischarge,
              3),
    devScaled("input.voltage", "UPS.PowerSummary.Input.Voltage", DeviceScale::OpenUpsVin, 2),
    devScaled("input.current", "UPS.PowerSummary.Input.Current", DeviceScale::OpenUpsCharge, 3),
};

constexpr StatusMap kOpenUpsStatus[] = {
    inverted("UPS.PowerSummary.PresentStatus.Good", B::Off),
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
};

// ---------------------------------------------------------------- powercom-hid.c 0.75
// Not ported: battery.voltage from powercom_hack_voltage, which reads report 0xa4 (not in
// the descriptor) as ASCII over a raw control transfer.
constexpr Lookup kPowercomBeeper[] = {{1, "enabled"}, {2, "disabled"}};

constexpr VariableMap kPowerComVariables[] = {
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge", "UPS.Battery.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    conv("battery.mfr.date", "UPS.Battery.ManufacturerDate", C::PackedDate),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kPowercomBeeper),
    lkp("ups.beeper.status", "UPS.AudibleAlarmControl", kPowercomBeeper),
    num("ups.load", "UPS.Output.PercentLoad", 0),
    conv("ups.date", "UPS.PowerSummary.ManufacturerDate", C::PackedDate),
    lkp("ups.test.result", "UPS.Battery.Test", kTestResult),
    rw(conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay), 8),
    conv("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", C::PowercomStartup),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay), 8),
    conv("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::PowercomShutdown),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.PCMDelayBeforeShutdown", C::OffDelay), 8),
    conv("ups.timer.shutdown", "UPS.PowerSummary.PCMDelayBeforeShutdown", C::PowercomShutdown),
    num("input.voltage", "UPS.Input.Voltage", 1),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    num("input.frequency", "UPS.Input.Frequency", 1),
    num("output.voltage", "UPS.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.Output.ConfigVoltage", 0),
    num("output.frequency", "UPS.Output.Frequency", 1),
    conv("ups.serial", "PowercomUPS.PowercomSerialNumber", C::String),
    conv("ups.mfr", "PowercomUPS.PowercomManufacturerName", C::String),
    conv("ups.mfr.date", "PowercomUPS.PowercomManufacturerDate", C::PackedDate),
    num("battery.temperature", "PowercomUPS.PowercomBatterySystem.PowercomTemperature", 0),
    num("battery.temperature", "UPS.Battery.Temperature", 1),
    num("battery.charge", "PowercomUPS.PowercomBatterySystem.PowercomVoltage", 0),
    num("input.frequency", "PowercomUPS.PowercomPowerConverter.PowercomInput.PowercomFrequency", 0),
    scaled("input.voltage", "PowercomUPS.PowercomPowerConverter.PowercomInput.PowercomVoltage", 4,
           0),
    scaled("output.voltage", "PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomVoltage", 4,
           0),
    num("ups.load", "PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomPercentLoad", 0),
    num("output.frequency", "PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomFrequency",
        0),
    lkp("ups.test.result", "PowercomUPS.PowercomPowerConverter.PowercomTest", kTestResult),
    num("ups.delay.shutdown", "PowercomUPS.PowercomPowerConverter.PowercomDelayBeforeShutdown", 0),
    num("ups.delay.start", "PowercomUPS.PowercomPowerConverter.PowercomDelayBeforeStartup", 0),
};

constexpr std::string_view kPcmCharge =
    "PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomInternalChargeController";
constexpr std::string_view kPcmSupport =
    "PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomPrimaryBatterySupport";

constexpr StatusMap kPowerComStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.CommunicationLost", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PresentStatus.ACPresent", B::Online),
    inverted("UPS.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PresentStatus.Boost", B::Boost),
    flag("UPS.PresentStatus.Buck", B::Trim),
    flag("UPS.PresentStatus.Charging", B::Charging),
    flag("UPS.PresentStatus.CommunicationLost", B::CommFault),
    flag("UPS.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PresentStatus.Overload", B::Overload),
    flag("UPS.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    // InternalChargeController: bit0 UPS fault, bit1 battery bad, bit2 test, bit4 pre-shutdown.
    masked(kPcmCharge, B::FanFailure, 0x0001, 0x0001),
    masked(kPcmCharge, B::ReplaceBattery, 0x0002, 0x0002),
    masked(kPcmCharge, B::Calibration, 0x0004, 0x0004),
    masked(kPcmCharge, B::ShutdownImminent, 0x0010, 0x0010),
    // PrimaryBatterySupport: bit0 line fail, bit1 low battery, bits 3-4 AVR buck/boost, bit5
    // overload.
    masked(kPcmSupport, B::Online, 0x0001, 0x0000),
    masked(kPcmSupport, B::LowBattery, 0x0002, 0x0002),
    masked(kPcmSupport, B::Trim, 0x0018, 0x0008),
    masked(kPcmSupport, B::Boost, 0x0018, 0x0018),
    masked(kPcmSupport, B::Overload, 0x0020, 0x0020),
};

// ---------------------------------------------------------------- powervar-hid.c 0.21
constexpr VariableMap kPowervarVariables[] = {
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.capacity", "UPS.PowerSummary.FullChargeCapacity", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0), // NUT: "RuntimeToEmpty"
};

// InternalFailure and Good map to yes_no_info there, which sets no status bit: left out.
constexpr StatusMap kPowervarStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PowerSummary.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.FullyDischarged", B::Depleted),
};

// ---------------------------------------------------------------- salicru-hid.c 0.4
constexpr VariableMap kSalicruVariables[] = {
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    rw(num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0), 10),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    rw(num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0), 10),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 0),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 2),
    num("ups.load", "UPS.Output.PercentLoad", 0),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    lkp("ups.test.result", "UPS.Output.Test", kTestResult),
    num("ups.realpower.nominal", "UPS.Output.ConfigActivePower", 0),
    num("input.frequency", "UPS.Input.Frequency", 1),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    num("input.voltage", "UPS.Input.Voltage", 1),
    num("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 0),
    num("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 0),
    num("output.frequency", "UPS.Output.Frequency", 1),
    num("output.voltage", "UPS.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.Output.ConfigVoltage", 0),
    // Twin Pro 2
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    lkp("ups.test.result", "UPS.BatterySystem.Battery.Test", kTestResult),
    num("ups.realpower.nominal", "UPS.Flow.[4].ConfigActivePower", 0),
    num("ups.realpower", "UPS.PowerConverter.Output.ActivePower", 0),
    num("input.frequency", "UPS.PowerConverter.Input.[1].Frequency", 1),
    num("input.voltage", "UPS.PowerConverter.Input.[1].Voltage", 1),
    num("output.frequency", "UPS.PowerConverter.Output.Frequency", 1),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
    num("output.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 0),
};

constexpr StatusMap kSalicruStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.Output.CommunicationLost", B::CommFault),
    flag("UPS.Output.Boost", B::Boost),
    flag("UPS.Output.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.OverTemperature", B::Overheat),
};

constexpr Mapping kLegrand{
    kLegrandVariables, kLegrandStatus, {}, "legrand-hid.c \"Legrand HID 0.2\"", "Legrand"};
constexpr Mapping kOpenUps{
    kOpenUpsVariables, kOpenUpsStatus, {}, "openups-hid.c \"openUPS HID 0.50\"", "openUPS"};
constexpr Mapping kPowerCom{
    kPowerComVariables, kPowerComStatus, {}, "powercom-hid.c \"PowerCOM HID 0.75\"", "PowerCOM"};
constexpr Mapping kPowervar{
    kPowervarVariables, kPowervarStatus, {}, "powervar-hid.c \"Powervar HID 0.21\"", "Powervar"};
constexpr Mapping kSalicru{
    kSalicruVariables, kSalicruStatus, {}, "salicru-hid.c \"Salicru HID 0.4\"", "Salicru"};

} // namespace

const Mapping& legrandMapping() noexcept { return kLegrand; }
const Mapping& openUpsMapping() noexcept { return kOpenUps; }
const Mapping& powerComMapping() noexcept { return kPowerCom; }
const Mapping& powervarMapping() noexcept { return kPowervar; }
const Mapping& salicruMapping() noexcept { return kSalicru; }

} // namespace hidupsd::nut
