// SPDX-License-Identifier: GPL-2.0-or-later
// NUT mapping tables of arduino-, delta_ups-, ecoflow-, ever- and idowell-hid.c, as data.
#include "ups/mapping_rows.hpp"

namespace hidupsd::nut {

namespace {

using namespace rows;

// Every table: networkupstools/nut @ 6c63f774 drivers/NAME-hid.c NAME_hid2nut[], in its
// order. Left out: the "unmapped.*" rows (WITH_UNMAPPED_DATA_POINTS builds only) and rows
// whose conversion reads raw report bytes outside the descriptor (named where they are).

// ---------------------------------------------------------------- arduino-hid.c 0.22
constexpr VariableMap kArduinoVariables[] = {
    rw(conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.PowerSummary.DelayBeforeReboot", 0),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 2),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 2),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    num("input.voltage", "UPS.PowerConverter.Input.[1].Voltage", 1),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
};

constexpr StatusMap kArduinoStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.FullyDischarged", B::Depleted),
};

// ---------------------------------------------------------------- delta_ups-hid.c 0.6
constexpr Lookup kDeltaSensitivity[] = {{0, "normal"}, {1, "reduced"}, {2, "low"}};
constexpr Lookup kDeltaOutputSource[] = {{0, "normal"},   {1, "battery"},   {2, "bypass/reserve"},
                                         {3, "reducing"}, {4, "boosting"},  {5, "manual bypass"},
                                         {6, "other"},    {7, "no output"}, {8, "on eco"}};

constexpr VariableMap kDeltaVariables[] = {
    rw(lkp("input.sensitivity", "UPS.DeltaCustom.[1].DeltaConfigSensitivity", kDeltaSensitivity),
       10),
    num("input.voltage.nominal", "UPS.PowerSummary.Input.ConfigVoltage", 1),
    num("input.voltage", "UPS.PowerSummary.Input.Voltage", 1),
    num("input.voltage", "UPS.PowerConverter.Input.Voltage", 1),
    rw(num("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 1), 10),
    rw(num("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 1), 10),
    num("input.transfer.low.min", "UPS.PowerConverter.Output.DeltaConfigTransferLowMin", 1),
    num("input.transfer.low.max", "UPS.PowerConverter.Output.DeltaConfigTransferLowMax", 1),
    num("input.transfer.high.min", "UPS.PowerConverter.Output.DeltaConfigTransferHighMin", 1),
    num("input.transfer.high.max", "UPS.PowerConverter.Output.DeltaConfigTransferHighMax", 1),
    lkp("input.source", "UPS.OutletSystem.Outlet.DeltaOutputSource", kDeltaOutputSource),
    num("input.frequency", "UPS.PowerConverter.Input.Frequency", 1),
    num("battery.voltage.nominal", "UPS.BatterySystem.Battery.ConfigVoltage", 1),
    num("battery.voltage", "UPS.BatterySystem.Battery.Voltage", 1),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge", "UPS.BatterySystem.Battery.RemainingCapacity", 0),
    rw(num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0), 5),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    conv("battery.temperature", "UPS.BatterySystem.Temperature", C::KelvinToCelsius),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    num("battery.capacity", "UPS.PowerSummary.DesignCapacity", 0),
    num("battery.capacity", "UPS.PowerSummary.FullChargeCapacity", 0),
    num("output.voltage.nominal", "UPS.Flow.ConfigVoltage", 1),
    num("output.frequency.nominal", "UPS.Flow.ConfigFrequency", 1),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
    num("output.frequency", "UPS.PowerConverter.Output.Frequency", 1),
    num("output.current", "UPS.PowerConverter.Output.Current", 1),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    lkp("ups.test.result", "UPS.BatterySystem.Test", kTestResult),
    conv("ups.type", "UPS.DeltaCustom.[1].DeltaUPSType", C::DeltaUpsType),
    rw(lkp("ups.start.auto", "UPS.DeltaCustom.[1].DeltaConfigStartPowerRestore", kYesNo), 10),
    num("ups.power.nominal", "UPS.Flow.ConfigApparentPower", 0),
    num("ups.realpower", "UPS.OutletSystem.Outlet.ActivePower", 1),
    num("ups.realpower", "UPS.PowerConverter.Output.ActivePower", 1),
    num("ups.load", "UPS.OutletSystem.Outlet.PercentLoad", 1),
    rw(num("ups.delay.start", "UPS.OutletSystem.Outlet.DeltaConfigStartPowerRestoreDelay", 0), 10),
    num("ups.timer.start", "UPS.OutletSystem.Outlet.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.OutletSystem.Outlet.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.OutletSystem.Outlet.DelayBeforeReboot", 0),
};

constexpr StatusMap kDeltaStatus[] = {
    inverted("UPS.PowerSummary.PresentStatus.Good", B::Off),
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.FullyDischarged", B::Depleted),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerConverter.PresentStatus.VoltageOutOfRange", B::VoltageRange),
    flag("UPS.PowerConverter.PresentStatus.Buck", B::Trim),
    flag("UPS.PowerConverter.PresentStatus.Boost", B::Boost),
    flag("UPS.PowerConverter.PresentStatus.Overload", B::Overload),
    inverted("UPS.PowerConverter.PresentStatus.Used", B::NoBattery),
    flag("UPS.PowerConverter.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerConverter.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerConverter.PresentStatus.AwaitingPower", B::AwaitingPower),
};

// ---------------------------------------------------------------- ecoflow-hid.c 0.01
constexpr VariableMap kEcoFlowVariables[] = {
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    num("ups.power.nominal", "UPS.Flow.[4].ConfigActivePower", 0),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 1),
    num("ups.timer.reboot", "UPS.OutletSystem.Outlet.DelayBeforeReboot", 0),
    num("ups.timer.shutdown", "UPS.OutletSystem.Outlet.DelayBeforeShutdown", 0),
    num("battery.capacity.nominal", "UPS.PowerSummary.DesignCapacity", 0),
    num("battery.capacity", "UPS.PowerSummary.FullChargeCapacity", 0),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    conv("experimental.ups.powersummary.ioeminformation", "UPS.PowerSummary.iOEMInformation",
         C::String),
    conv("ups.mfr.date", "UPS.PowerSummary.ManufacturerDate", C::PackedDate),
    num("experimental.ups.powersummary.presentstatus.shutdownrequested",
        "UPS.PowerSummary.PresentStatus.ShutdownRequested", 0),
    num("experimental.ups.powersummary.presentstatus.voltagenotregulated",
        "UPS.PowerSummary.PresentStatus.VoltageNotRegulated", 0),
    num("experimental.ups.powersummary.rechargeable", "UPS.PowerSummary.Rechargeable", 0),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    rw(num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0), 5),
    num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0),
    scaled("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 60, 0), // minutes
    num("battery.voltage", "UPS.PowerSummary.Voltage", 1),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
};

constexpr StatusMap kEcoFlowStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.CommunicationLost", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.FullyCharged", B::FullyCharged),
    flag("UPS.PowerSummary.PresentStatus.FullyDischarged", B::Depleted),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", B::TimeLimitExpired),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
};

// ---------------------------------------------------------------- ever-hid.c 0.10
// The standard names only: the experimental.* rows whose functions read raw network-card
// reports (0xd2..0xe8) and the EVER102 on/off (raw report 0x4a) are not ported.
constexpr VariableMap kEverVariables[] = {
    conv("ups.temperature", "UPS.EVER1.EVER42", C::KelvinToCelsius),
    conv("battery.temperature", "UPS.EVER1.EVER43", C::KelvinToCelsius),
    num("output.powerfactor", "UPS.EVER1.EVER44", 0),
    rw(num("output.voltage", "UPS.EVER1.EVER54", 0), 3),
    rw(num("battery.packs.external", "UPS.EVER1.EVER61", 0), 1),
    num("ups.realpower.nominal", "UPS.Flow.ConfigActivePower", 0),
    num("ups.power.nominal", "UPS.Flow.ConfigApparentPower", 0),
    num("output.frequency.nominal", "UPS.Flow.ConfigFrequency", 0),
    num("output.voltage.nominal", "UPS.Flow.ConfigVoltage", 0),
    num("outlet.1.id", "UPS.OutletSystem.Outlet.OutletID", 0),
    lkp("outlet.1.switchable", "UPS.OutletSystem.Outlet.PresentStatus.Switchable", kYesNo),
    num("outlet.1.status", "UPS.OutletSystem.Outlet.PresentStatus.SwitchOn/Off", 0),
    num("input.frequency", "UPS.PowerConverter.Input.Frequency", 0),
    num("input.voltage", "UPS.PowerConverter.Input.Voltage", 0),
    num("ups.realpower", "UPS.PowerConverter.Output.ActivePower", 0),
    num("ups.power", "UPS.PowerConverter.Output.ApparentPower", 0),
    num("output.current", "UPS.PowerConverter.Output.Current", 0),
    num("output.frequency", "UPS.PowerConverter.Output.Frequency", 0),
    num("ups.load", "UPS.PowerConverter.Output.PercentLoad", 0),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 0),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay), 10),
    num("battery.capacity", "UPS.PowerSummary.DesignCapacity", 0),
    num("battery.capacity", "UPS.PowerSummary.FullChargeCapacity", 0),
    num("battery.type", "UPS.PowerSummary.iDeviceChemistry", 0), // sic: the index, "%.0f"
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    rw(num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0), 10),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
};

constexpr StatusMap kEverStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    flag("UPS.PowerSummary.PresentStatus.AwaitingPower", B::AwaitingPower),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.PresentStatus.CommunicationLost", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
    flag("UPS.EVER1.EVER18.EVER19", B::Overload),
    flag("UPS.EVER1.EVER18.EVER20", B::LowBattery),
    flag("UPS.EVER1.EVER18.EVER21", B::Boost),
    flag("UPS.EVER1.EVER18.EVER22", B::Trim),
    flag("UPS.EVER1.EVER18.EVER25", B::Charging),
    flag("UPS.EVER1.EVER18.EVER28", B::ReplaceBattery),
    flag("UPS.EVER1.EVER32.EVER33", B::Overload),
    flag("UPS.EVER1.EVER32.EVER40", B::CommFault),
};

// ---------------------------------------------------------------- idowell-hid.c 0.22
constexpr VariableMap kIDowellVariables[] = {
    conv("device.mfr", "UPS.PowerSummary.iManufacturer", C::String),
    conv("device.model", "UPS.PowerSummary.iProduct", C::String),
    conv("device.serial", "UPS.PowerSummary.iSerialNumber", C::String),
    num("battery.capacity.design", "UPS.PowerSummary.DesignCapacity", 0),
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.low", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.capacity.full", "UPS.PowerSummary.FullChargeCapacity", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    rw(conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay), 10),
    rw(conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay), 10),
    num("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    num("ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", 0),
    num("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 0),
    num("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 0),
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 1),
    num("output.voltage.nominal", "UPS.Flow.[4].ConfigVoltage", 0),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 1),
    num("output.frequency.nominal", "UPS.Flow.[4].ConfigFrequency", 0),
};

constexpr StatusMap kIDowellStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    inverted("UPS.PowerSummary.PresentStatus.BatteryPresent", B::NoBattery),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerSummary.PresentStatus.Charging", B::Charging),
    flag("UPS.PowerSummary.PresentStatus.CommunicationLost", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.Discharging", B::Discharging),
    inverted("UPS.PowerSummary.PresentStatus.Good", B::Off),
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
};

constexpr Mapping kArduino{
    kArduinoVariables, kArduinoStatus, {}, "arduino-hid.c \"Arduino HID 0.22\"", "Arduino"};
constexpr Mapping kDeltaUps{kDeltaVariables,
                            kDeltaStatus,
                            {},
                            "delta_ups-hid.c \"Delta UPS HID 0.6\"",
                            "Delta",
                            "UPS.DeltaCustom.[1].DeltaModelName"};
constexpr Mapping kEcoFlow{
    kEcoFlowVariables, kEcoFlowStatus, {}, "ecoflow-hid.c \"EcoFlow HID 0.01\"", "EcoFlow"};
constexpr Mapping kEver{kEverVariables, kEverStatus, {}, "ever-hid.c \"Ever HID 0.10\"", "Ever"};
constexpr Mapping kIDowell{
    kIDowellVariables, kIDowellStatus, {}, "idowell-hid.c \"iDowell HID 0.22\"", "iDowell"};

} // namespace

const Mapping& arduinoMapping() noexcept { return kArduino; }
const Mapping& deltaUpsMapping() noexcept { return kDeltaUps; }
const Mapping& ecoFlowMapping() noexcept { return kEcoFlow; }
const Mapping& everMapping() noexcept { return kEver; }
const Mapping& iDowellMapping() noexcept { return kIDowell; }

} // namespace hidupsd::nut
