// SPDX-License-Identifier: GPL-2.0-or-later
// NUT mapping tables, as data. Sources: NUT drivers/mge-hid.c (MGE HID 1.51),
// apc-hid.c (APC HID 0.95), cps-hid.c (CyberPower HID 0.82), usbhid-ups.c (0.60).
#include "ups/nut_mapping.hpp"

namespace hidupsd::nut {

namespace {

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

// usbhid-ups.c value tables.
constexpr Lookup kYesNo[] = {{0, "no"}, {1, "yes"}};
constexpr Lookup kOnOff[] = {{0, "off"}, {1, "on"}};
constexpr Lookup kBeeper[] = {{1, "disabled"}, {2, "enabled"}, {3, "muted"}};
constexpr Lookup kTestResult[] = {
    {1, "Done and passed"}, {2, "Done and warning"},  {3, "Done and error"}, {4, "Aborted"},
    {5, "In progress"},     {6, "No test initiated"}, {7, "Test scheduled"}};
// mge-hid.c value tables.
constexpr Lookup kEnableDisable[] = {{0, "disabled"}, {1, "enabled"}};
constexpr Lookup kUpsType[] = {{1, "offline / line interactive"},
                               {2, "online"},
                               {3, "online - unitary/parallel"},
                               {4, "online - parallel with hot standy"},
                               {5, "online - hot standby redundancy"}};
constexpr Lookup kMgeSensitivity[] = {{0, "normal"}, {1, "high"}, {2, "low"}};
constexpr Lookup kOutletProtection[] = {{0, "not powered"}, {1, "not protected"}, {2, "protected"}};
constexpr Lookup kOutletEco[] = {{0, "The outlet is not ECO controlled"},
                                 {1, "The outlet is ECO controlled"}};
// NUT also checks the bypass voltage/frequency window before saying "ECO"/"on".
constexpr Lookup kEcoSwitchable[] = {{0, "normal"}, {1, "ECO"}, {2, "ESS"}};
constexpr Lookup kBypassOn[] = {{0, "disabled"}, {1, "on"}};
constexpr Lookup kBypassOff[] = {{0, "disabled"}, {1, "off"}};
// Protection Station master/slave outlet thresholds, VA.
constexpr Lookup kOutletThresholds[] = {{10, "10"}, {25, "25"}, {60, "60"}};
// ABM charger state, UPS.BatterySystem.Charger.Mode.
constexpr Lookup kAbmModes[] = {
    {1, "charging"}, {2, "discharging"}, {3, "floating"}, {4, "resting"}, {6, "off"}};
// UPS.BatterySystem.Charger.Status on 9-series units (NUT PR #2660; values
// from a port of mge-hid.c, not yet seen in a NUT release we could read).
constexpr Lookup kChargerStates[] = {
    {1, "charging"}, {2, "floating"}, {3, "resting"}, {4, "discharging"}, {6, "off"}};
// apc-hid.c / cps-hid.c value tables.
constexpr Lookup kApcSensitivity[] = {{0, "low"}, {1, "medium"}, {2, "high"}};
constexpr Lookup kCpsSensitivity[] = {{0, "low"}, {1, "normal"}, {2, "high"}};

// Status value tables that are not plain 0/1 flags.
constexpr StatusAction kEcoMode[] = {{1, B::EcoMode, true}, {2, B::EssMode, true}};
constexpr StatusAction kApcStatusFlag[] = {
    {8, B::Off, false}, {16, B::Off, false}, {0, B::Off, true}};
constexpr StatusAction kApcLineFailVoltage[] = {
    {1, B::VoltageRange, true}, {2, B::VoltageRange, true}, {4, B::VoltageRange, true},
    {8, B::VoltageRange, true}, {9, B::VoltageRange, true}, {0, B::VoltageRange, false}};
constexpr StatusAction kApcLineFailFrequency[] = {{7, B::FrequencyRange, true},
                                                  {0, B::FrequencyRange, false}};

// ---------------------------------------------------------------- Eaton / MGE
// mge_hid2nut[], in its order (the order decides which duplicate wins).
constexpr VariableMap kMgeVariables[] = {
    // Battery
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimitSetting", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.restart", "UPS.PowerSummary.RestartLevel", 0),
    conv("battery.capacity", "UPS.BatterySystem.Battery.DesignCapacity", C::AmpSecondsToAh),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0),
    num("battery.runtime.elapsed", "UPS.StatisticSystem.Input.[1].Statistic.[1].Time", 0),
    conv("battery.temperature", "UPS.BatterySystem.Battery.Temperature", C::KelvinToCelsius),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    num("battery.voltage", "UPS.BatterySystem.Voltage", 1),
    conv("battery.voltage", "UPS.PowerSummary.Voltage", C::MgeBatteryVoltage),
    num("battery.voltage.nominal", "UPS.BatterySystem.ConfigVoltage", 0),
    conv("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", C::MgeBatteryVoltageNominal),
    lkp("battery.protection", "UPS.BatterySystem.Battery.DeepDischargeProtection", kYesNo),
    lkp("battery.energysave", "UPS.PowerConverter.Input.[3].EnergySaving", kYesNo),
    num("battery.energysave.load", "UPS.PowerConverter.Input.[3].ConfigPercentLoad", 0),
    num("battery.energysave.delay", "UPS.PowerConverter.Input.[3].EnergySaving.ShutdownTimer", 0),
    num("battery.energysave.delay", "UPS.PowerConverter.Input.[3].ShutdownTimer", 0),
    num("battery.energysave.realpower", "UPS.PowerConverter.Input.[3].ConfigActivePower", 0),
    special("battery.charger.status", "UPS.BatterySystem.Charger.Mode", C::MgeChargerState,
            kAbmModes),
    special("battery.charger.status", "UPS.BatterySystem.Charger.Status", C::MgeChargerState,
            kChargerStates),
    // UPS
    num("ups.efficiency", "UPS.PowerConverter.Output.Efficiency", 0),
    conv("ups.firmware", "UPS.PowerSummary.iVersion", C::String),
    num("ups.load", "UPS.PowerSummary.PercentLoad", 0),
    num("ups.load.high", "UPS.Flow.[4].ConfigPercentLoad", 0),
    conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay),
    num("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.PowerSummary.DelayBeforeReboot", 0),
    lkp("ups.test.result", "UPS.BatterySystem.Battery.Test", kTestResult),
    num("ups.test.interval", "UPS.BatterySystem.Battery.TestPeriod", 0),
    lkp("ups.beeper.status", "UPS.BatterySystem.Battery.AudibleAlarmControl", kBeeper),
    lkp("ups.beeper.status", "UPS.PowerSummary.AudibleAlarmControl", kBeeper),
    lkp("ups.beeper.status", "UPS.AudibleAlarmControl", kBeeper),
    conv("ups.temperature", "UPS.PowerSummary.Temperature", C::KelvinToCelsius),
    num("ups.power", "UPS.PowerConverter.Output.ApparentPower", 0),
    num("ups.L1.power", "UPS.PowerConverter.Output.Phase.[1].ApparentPower", 0),
    num("ups.L2.power", "UPS.PowerConverter.Output.Phase.[2].ApparentPower", 0),
    num("ups.L3.power", "UPS.PowerConverter.Output.Phase.[3].ApparentPower", 0),
    num("ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", 0),
    num("ups.realpower", "UPS.PowerConverter.Output.ActivePower", 0),
    conv("ups.realpower", "UPS.Flow.[4].ConfigApparentPower", C::MgeRealPowerEstimate),
    num("ups.L1.realpower", "UPS.PowerConverter.Output.Phase.[1].ActivePower", 0),
    num("ups.L2.realpower", "UPS.PowerConverter.Output.Phase.[2].ActivePower", 0),
    num("ups.L3.realpower", "UPS.PowerConverter.Output.Phase.[3].ActivePower", 0),
    num("ups.realpower.nominal", "UPS.Flow.[4].ConfigActivePower", 0),
    lkp("ups.start.auto", "UPS.PowerConverter.Input.[1].AutomaticRestart", kYesNo),
    lkp("ups.start.battery", "UPS.PowerConverter.Input.[3].StartOnBattery", kYesNo),
    lkp("ups.start.reboot", "UPS.PowerConverter.Output.ForcedReboot", kYesNo),
    lkp("ups.shutdown", "UPS.PowerSummary.PresentStatus.Switchable", kEnableDisable),
    lkp("ups.type", "UPS.PowerConverter.ConverterType", kUpsType),
    // Input
    num("input.voltage", "UPS.PowerConverter.Input.[1].Voltage", 1),
    num("input.L1-N.voltage", "UPS.PowerConverter.Input.[1].Phase.[1].Voltage", 1),
    num("input.L2-N.voltage", "UPS.PowerConverter.Input.[1].Phase.[2].Voltage", 1),
    num("input.L3-N.voltage", "UPS.PowerConverter.Input.[1].Phase.[3].Voltage", 1),
    num("input.L1-L2.voltage", "UPS.PowerConverter.Input.[1].Phase.[12].Voltage", 1),
    num("input.L2-L3.voltage", "UPS.PowerConverter.Input.[1].Phase.[23].Voltage", 1),
    num("input.L3-L1.voltage", "UPS.PowerConverter.Input.[1].Phase.[31].Voltage", 1),
    num("input.voltage.nominal", "UPS.Flow.[1].ConfigVoltage", 0),
    num("input.current", "UPS.PowerConverter.Input.[1].Current", 2),
    num("input.L1.current", "UPS.PowerConverter.Input.[1].Phase.[1].Current", 1),
    num("input.L2.current", "UPS.PowerConverter.Input.[1].Phase.[2].Current", 1),
    num("input.L3.current", "UPS.PowerConverter.Input.[1].Phase.[3].Current", 1),
    num("input.current.nominal", "UPS.Flow.[1].ConfigCurrent", 2),
    num("input.frequency", "UPS.PowerConverter.Input.[1].Frequency", 1),
    num("input.frequency.nominal", "UPS.Flow.[1].ConfigFrequency", 0),
    num("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 0),
    num("input.transfer.eco.low", "UPS.PowerConverter.Output.LowVoltageEcoTransfer", 0),
    num("input.transfer.bypass.low", "UPS.PowerConverter.Output.LowVoltageBypassTransfer", 0),
    num("input.transfer.boost.low", "UPS.PowerConverter.Output.LowVoltageBoostTransfer", 0),
    num("input.transfer.boost.high", "UPS.PowerConverter.Output.HighVoltageBoostTransfer", 0),
    num("input.transfer.trim.low", "UPS.PowerConverter.Output.LowVoltageBuckTransfer", 0),
    num("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 0),
    num("input.transfer.eco.high", "UPS.PowerConverter.Output.HighVoltageEcoTransfer", 0),
    num("input.transfer.bypass.high", "UPS.PowerConverter.Output.HighVoltageBypassTransfer", 0),
    num("input.transfer.frequency.bypass.range",
        "UPS.PowerConverter.Output.FrequencyRangeBypassTransfer", 0),
    num("input.transfer.frequency.eco.range", "UPS.PowerConverter.Output.FrequencyRangeEcoTransfer",
        0),
    num("input.transfer.hysteresis", "UPS.PowerConverter.Output.HysteresisVoltageTransfer", 0),
    lkp("input.transfer.bypass.forced", "UPS.PowerConverter.Input.[2].ForcedTransferEnable",
        kEnableDisable),
    lkp("input.transfer.bypass.overload", "UPS.PowerConverter.Input.[2].OverloadTransferEnable",
        kEnableDisable),
    lkp("input.transfer.bypass.outlimits",
        "UPS.PowerConverter.Input.[2].OutOfToleranceTransferEnable", kEnableDisable),
    num("input.transfer.trim.high", "UPS.PowerConverter.Output.HighVoltageBuckTransfer", 0),
    lkp("input.sensitivity", "UPS.PowerConverter.Output.SensitivityMode", kMgeSensitivity),
    lkp("input.voltage.extended", "UPS.PowerConverter.Output.ExtendedVoltageMode", kYesNo),
    lkp("input.frequency.extended", "UPS.PowerConverter.Output.ExtendedFrequencyMode", kYesNo),
    // Bypass
    num("input.bypass.voltage", "UPS.PowerConverter.Input.[2].Voltage", 1),
    num("input.bypass.L1-N.voltage", "UPS.PowerConverter.Input.[2].Phase.[1].Voltage", 1),
    num("input.bypass.L2-N.voltage", "UPS.PowerConverter.Input.[2].Phase.[2].Voltage", 1),
    num("input.bypass.L3-N.voltage", "UPS.PowerConverter.Input.[2].Phase.[3].Voltage", 1),
    num("input.bypass.L1-L2.voltage", "UPS.PowerConverter.Input.[2].Phase.[12].Voltage", 1),
    num("input.bypass.L2-L3.voltage", "UPS.PowerConverter.Input.[2].Phase.[23].Voltage", 1),
    num("input.bypass.L3-L1.voltage", "UPS.PowerConverter.Input.[2].Phase.[31].Voltage", 1),
    num("input.bypass.voltage.nominal", "UPS.Flow.[2].ConfigVoltage", 0),
    num("input.bypass.current", "UPS.PowerConverter.Input.[2].Current", 2),
    num("input.bypass.L1.current", "UPS.PowerConverter.Input.[2].Phase.[1].Current", 1),
    num("input.bypass.L2.current", "UPS.PowerConverter.Input.[2].Phase.[2].Current", 1),
    num("input.bypass.L3.current", "UPS.PowerConverter.Input.[2].Phase.[3].Current", 1),
    num("input.bypass.current.nominal", "UPS.Flow.[2].ConfigCurrent", 2),
    num("input.bypass.frequency", "UPS.PowerConverter.Input.[2].Frequency", 1),
    num("input.bypass.frequency.nominal", "UPS.Flow.[2].ConfigFrequency", 0),
    lkp("input.eco.switchable", "UPS.PowerConverter.Input.[5].Switchable", kEcoSwitchable),
    lkp("input.bypass.switch.on", "UPS.PowerConverter.Input.[2].SwitchOnControl", kBypassOn),
    lkp("input.bypass.switch.off", "UPS.PowerConverter.Input.[2].SwitchOffControl", kBypassOff),
    lkp("input.bypass.switchable", "UPS.PowerConverter.Input.[2].Switchable", kEnableDisable),
    // Output
    num("output.voltage", "UPS.PowerConverter.Output.Voltage", 1),
    num("output.L1-N.voltage", "UPS.PowerConverter.Output.Phase.[1].Voltage", 1),
    num("output.L2-N.voltage", "UPS.PowerConverter.Output.Phase.[2].Voltage", 1),
    num("output.L3-N.voltage", "UPS.PowerConverter.Output.Phase.[3].Voltage", 1),
    num("output.L1-L2.voltage", "UPS.PowerConverter.Output.Phase.[12].Voltage", 1),
    num("output.L2-L3.voltage", "UPS.PowerConverter.Output.Phase.[23].Voltage", 1),
    num("output.L3-L1.voltage", "UPS.PowerConverter.Output.Phase.[31].Voltage", 1),
    num("output.voltage.nominal", "UPS.Flow.[4].ConfigVoltage", 0),
    num("output.current", "UPS.PowerConverter.Output.Current", 2),
    num("output.L1.current", "UPS.PowerConverter.Output.Phase.[1].Current", 1),
    num("output.L2.current", "UPS.PowerConverter.Output.Phase.[2].Current", 1),
    num("output.L3.current", "UPS.PowerConverter.Output.Phase.[3].Current", 1),
    num("output.current.nominal", "UPS.Flow.[4].ConfigCurrent", 2),
    num("output.frequency", "UPS.PowerConverter.Output.Frequency", 1),
    num("output.frequency.nominal", "UPS.Flow.[4].ConfigFrequency", 0),
    conv("output.powerfactor", "UPS.PowerConverter.Output.PowerFactor", C::PercentToRatio),
    // Outlets (MGE PowerShare): Outlet.[1] is the main outlet, [2] and [3] are outlet.1/.2
    num("outlet.id", "UPS.OutletSystem.Outlet.[1].OutletID", 0),
    text("outlet.desc", "UPS.OutletSystem.Outlet.[1].OutletID", "Main Outlet"),
    lkp("outlet.switchable", "UPS.OutletSystem.Outlet.[1].PresentStatus.Switchable", kYesNo),
    special("outlet.power", "UPS.OutletSystem.Outlet.[1].ConfigApparentPower",
            C::MgeOutletThreshold, kOutletThresholds),
    num("outlet.power", "UPS.OutletSystem.Outlet.[1].ApparentPower", 0),
    num("outlet.realpower", "UPS.OutletSystem.Outlet.[1].ActivePower", 0),
    num("outlet.current", "UPS.OutletSystem.Outlet.[1].Current", 2),
    num("outlet.powerfactor", "UPS.OutletSystem.Outlet.[1].PowerFactor", 2),
    num("outlet.1.id", "UPS.OutletSystem.Outlet.[2].OutletID", 0),
    text("outlet.1.desc", "UPS.OutletSystem.Outlet.[2].OutletID", "PowerShare Outlet 1"),
    lkp("outlet.1.switchable", "UPS.OutletSystem.Outlet.[2].PresentStatus.Switchable", kYesNo),
    lkp("outlet.1.status", "UPS.OutletSystem.Outlet.[2].PresentStatus.SwitchOn/Off", kOnOff),
    lkp("outlet.1.protect.status", "UPS.OutletSystem.Outlet.[1].Status", kOutletProtection),
    conv("outlet.1.designator", "UPS.OutletSystem.Outlet.[1].iDesignator", C::String),
    lkp("outlet.1.status", "UPS.PowerSummary.PresentStatus.ACPresent", kOnOff),
    num("outlet.1.autoswitch.charge.low", "UPS.OutletSystem.Outlet.[2].RemainingCapacityLimit", 0),
    num("outlet.1.delay.shutdown", "UPS.OutletSystem.Outlet.[2].ShutdownTimer", 0),
    num("outlet.1.delay.start", "UPS.OutletSystem.Outlet.[2].StartupTimer", 0),
    num("outlet.1.power", "UPS.OutletSystem.Outlet.[2].ApparentPower", 0),
    num("outlet.1.realpower", "UPS.OutletSystem.Outlet.[2].ActivePower", 0),
    num("outlet.1.current", "UPS.OutletSystem.Outlet.[2].Current", 2),
    num("outlet.1.powerfactor", "UPS.OutletSystem.Outlet.[2].PowerFactor", 2),
    lkp("outlet.1.ecocontrol", "UPS.OutletSystem.Outlet.[2].ECOControl", kOutletEco),
    num("outlet.2.id", "UPS.OutletSystem.Outlet.[3].OutletID", 0),
    text("outlet.2.desc", "UPS.OutletSystem.Outlet.[3].OutletID", "PowerShare Outlet 2"),
    conv("outlet.2.switchable", "UPS.OutletSystem.Outlet.[3].PresentStatus.Switchable",
         C::MgeOutletYesNo),
    lkp("outlet.2.switchable", "UPS.OutletSystem.Outlet.[3].PresentStatus.Switchable", kYesNo),
    lkp("outlet.2.status", "UPS.OutletSystem.Outlet.[3].PresentStatus.SwitchOn/Off", kOnOff),
    lkp("outlet.2.protect.status", "UPS.OutletSystem.Outlet.[3].Status", kOutletProtection),
    num("outlet.2.autoswitch.charge.low", "UPS.OutletSystem.Outlet.[3].RemainingCapacityLimit", 0),
    num("outlet.2.delay.shutdown", "UPS.OutletSystem.Outlet.[3].ShutdownTimer", 0),
    num("outlet.2.delay.start", "UPS.OutletSystem.Outlet.[3].StartupTimer", 0),
    num("outlet.2.power", "UPS.OutletSystem.Outlet.[3].ApparentPower", 0),
    num("outlet.2.realpower", "UPS.OutletSystem.Outlet.[3].ActivePower", 0),
    num("outlet.2.current", "UPS.OutletSystem.Outlet.[3].Current", 2),
    num("outlet.2.powerfactor", "UPS.OutletSystem.Outlet.[3].PowerFactor", 2),
    lkp("outlet.2.ecocontrol", "UPS.OutletSystem.Outlet.[3].ECOControl", kOutletEco),
    // Device
    conv("device.usb.version", "UPS.System.USB.iVersion", C::String),
};

// The "BOOL" rows of mge_hid2nut[], in its order.
constexpr StatusMap kMgeStatus[] = {
    flag("UPS.PowerSummary.PresentStatus.ACPresent", B::Online),
    inverted("UPS.PowerConverter.Input.[3].PresentStatus.Used", B::Online),
    rule("UPS.PowerSummary.PresentStatus.Discharging", StatusRule::MgeDischarging),
    rule("UPS.PowerSummary.PresentStatus.Charging", StatusRule::MgeCharging),
    rule("UPS.BatterySystem.Charger.Mode", StatusRule::MgeChargerMode),
    flag("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", B::LowBattery),
    flag("UPS.PowerConverter.Output.Overload.[1].PresentStatus.OverThreshold", B::Overload),
    flag("UPS.PowerConverter.Output.Overload.[2].PresentStatus.OverThreshold", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.Overload", B::Overload),
    flag("UPS.PowerSummary.PresentStatus.NeedReplacement", B::ReplaceBattery),
    flag("UPS.LCMSystem.LCMAlarm.[2].PresentStatus.TimerExpired", B::ReplaceBattery),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.Buck", B::Trim),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.Boost", B::Boost),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.VoltageOutOfRange", B::VoltageRange),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.FrequencyOutOfRange", B::FrequencyRange),
    inverted("UPS.PowerSummary.PresentStatus.Good", B::Off),
    rule("UPS.PowerConverter.Input.[1].PresentStatus.Used", StatusRule::MgeConverterOnline),
    flag("UPS.PowerConverter.Input.[2].PresentStatus.Used", B::BypassAuto),
    flag("UPS.PowerConverter.Input.[4].PresentStatus.Used", B::BypassManual),
    actions("UPS.PowerConverter.Input.[5].PresentStatus.Used", kEcoMode),
    flag("UPS.PowerSummary.PresentStatus.FanFailure", B::FanFailure),
    inverted("UPS.BatterySystem.Battery.PresentStatus.Present", B::NoBattery),
    flag("UPS.BatterySystem.Charger.PresentStatus.InternalFailure", B::ChargerFailure),
    flag("UPS.BatterySystem.Charger.PresentStatus.VoltageTooHigh", B::BatteryVoltageHigh),
    flag("UPS.PowerConverter.Input.[1].PresentStatus.VoltageTooHigh", B::BatteryVoltageHigh),
    flag("UPS.BatterySystem.Battery.PresentStatus.VoltageTooHigh", B::BatteryVoltageHigh),
    flag("UPS.BatterySystem.Charger.PresentStatus.VoltageTooLow", B::BatteryVoltageLow),
    inverted("UPS.PowerConverter.Input.[1].PresentStatus.VoltageTooLow", B::Online),
    flag("UPS.PowerSummary.PresentStatus.InternalFailure", B::CommFault),
    flag("UPS.PowerSummary.PresentStatus.OverTemperature", B::Overheat),
    flag("UPS.PowerSummary.PresentStatus.ShutdownImminent", B::ShutdownImminent),
};

constexpr AlarmMap kMgeAlarms[] = {
    {"UPS.PowerSummary.PresentStatus.EmergencyStop", "Emergency stop!"},
    {"UPS.PowerConverter.Input.[1].PresentStatus.WiringFault", "Wiring fault!"},
    {"UPS.PowerSummary.PresentStatus.ConfigurationFailure", "Fatal EEPROM fault!"},
    {"UPS.PowerConverter.Inverter.PresentStatus.VoltageTooHigh", "Inverter AC voltage too high!"},
    {"UPS.PowerConverter.Inverter.PresentStatus.VoltageTooLow", "Inverter AC voltage too low!"},
    {"UPS.PowerConverter.Output.PresentStatus.ShortCircuit", "Output short circuit!"},
};

// mge_model_names[]: only the rows that change the series or the name.
constexpr MgeModelName kMgeModels[] = {
    {"ELLIPSE", "300", MgeSeries::Offline, "ellipse 300"},
    {"ELLIPSE", "500", MgeSeries::Offline, "ellipse 500"},
    {"ELLIPSE", "650", MgeSeries::Offline, "ellipse 650"},
    {"ELLIPSE", "800", MgeSeries::Offline, "ellipse 800"},
    {"ELLIPSE", "1200", MgeSeries::Offline, "ellipse 1200"},
    {"ellipse", "PR500", MgeSeries::Offline, "ellipse premium 500"},
    {"ellipse", "PR650", MgeSeries::Offline, "ellipse premium 650"},
    {"ellipse", "PR800", MgeSeries::Offline, "ellipse premium 800"},
    {"ellipse", "PR1200", MgeSeries::Offline, "ellipse premium 1200"},
    {"ELLIPSE", "600", MgeSeries::Offline, "Ellipse 600"},
    {"ELLIPSE", "750", MgeSeries::Offline, "Ellipse 750"},
    {"ELLIPSE", "1000", MgeSeries::Offline, "Ellipse 1000"},
    {"ELLIPSE", "1500", MgeSeries::Offline, "Ellipse 1500"},
    {"Ellipse MAX", "600", MgeSeries::Offline, ""},
    {"Ellipse MAX", "850", MgeSeries::Offline, ""},
    {"Ellipse MAX", "1100", MgeSeries::Offline, ""},
    {"Ellipse MAX", "1500", MgeSeries::Offline, ""},
    {"PROTECTIONCENTER", "420", MgeSeries::Offline, "Protection Center 420"},
    {"PROTECTIONCENTER", "500", MgeSeries::Offline, "Protection Center 500"},
    {"PROTECTIONCENTER", "675", MgeSeries::Offline, "Protection Center 675"},
    {"Protection Station", "500", MgeSeries::Pegasus, ""},
    {"Protection Station", "650", MgeSeries::Pegasus, ""},
    {"Protection Station", "800", MgeSeries::Pegasus, ""},
    {"Ellipse ECO", "650", MgeSeries::Pegasus, ""},
    {"Ellipse ECO", "800", MgeSeries::Pegasus, ""},
    {"Ellipse ECO", "1200", MgeSeries::Pegasus, ""},
    {"Ellipse ECO", "1600", MgeSeries::Pegasus, ""},
    {"3S", "450", MgeSeries::Offline, ""},
    {"3S", "550", MgeSeries::Offline, ""},
    {"3S", "700", MgeSeries::ThreeS, ""},
    {"3S", "750", MgeSeries::ThreeS, ""},
    {"Evolution", "500", MgeSeries::LineInteractive, "Pulsar Evolution 500"},
    {"Evolution", "800", MgeSeries::LineInteractive, "Pulsar Evolution 800"},
    {"Evolution", "1100", MgeSeries::LineInteractive, "Pulsar Evolution 1100"},
    {"Evolution", "1500", MgeSeries::LineInteractive, "Pulsar Evolution 1500"},
    {"Evolution", "2200", MgeSeries::LineInteractive, "Pulsar Evolution 2200"},
    {"Evolution", "3000", MgeSeries::LineInteractive, "Pulsar Evolution 3000"},
    {"Evolution", "3000XL", MgeSeries::LineInteractive, "Pulsar Evolution 3000 XL"},
    {"Evolution", "650", MgeSeries::Evolution650, ""},
    {"Evolution", "850", MgeSeries::Evolution, ""},
    {"Evolution", "1150", MgeSeries::Evolution, ""},
    {"Evolution", "S 1250", MgeSeries::Evolution, ""},
    {"Evolution", "1550", MgeSeries::Evolution, ""},
    {"Evolution", "S 1750", MgeSeries::Evolution, ""},
    {"Evolution", "2000", MgeSeries::Evolution, ""},
    {"Evolution", "S 2500", MgeSeries::Evolution, ""},
    {"Evolution", "S 3000", MgeSeries::Evolution, ""},
    {"Eaton 5P", "650", MgeSeries::Eaton5P, "5P 650"},
    {"Eaton 5P", "850", MgeSeries::Eaton5P, "5P 850"},
    {"Eaton 5P", "1150", MgeSeries::Eaton5P, "5P 1150"},
    {"Eaton 5P", "1550", MgeSeries::Eaton5P, "5P 1550"},
    {"Eaton 5PX", "1500", MgeSeries::Eaton5P, ""},
    {"Eaton 5PX", "2200", MgeSeries::Eaton5P, ""},
    {"Eaton 5PX", "3000", MgeSeries::Eaton5P, ""},
    {"Eaton 5SC", "500", MgeSeries::Eaton5P, ""},
    {"Eaton 5SC", "750", MgeSeries::Eaton5P, ""},
    {"Eaton 5SC", "1000", MgeSeries::Eaton5P, ""},
    {"Eaton 5SC", "1500", MgeSeries::Eaton5P, ""},
    {"Eaton 5SC", "2200", MgeSeries::Eaton5P, ""},
    {"Eaton 5SC", "3000", MgeSeries::Eaton5P, ""},
    {"Eaton 9E", "1000", MgeSeries::Eaton9E, "9E1000"},
    {"Eaton 9E", "1000i", MgeSeries::Eaton9E, "9E1000i"},
    {"Eaton 9E", "1000iau", MgeSeries::Eaton9E, "9E1000iau"},
    {"Eaton 9E", "1000ir", MgeSeries::Eaton9E, "9E1000ir"},
    {"Eaton 9E", "2000", MgeSeries::Eaton9E, "9E2000"},
    {"Eaton 9E", "2000i", MgeSeries::Eaton9E, "9E2000i"},
    {"Eaton 9E", "2000iau", MgeSeries::Eaton9E, "9E2000iau"},
    {"Eaton 9E", "2000ir", MgeSeries::Eaton9E, "9E2000ir"},
    {"Eaton 9E", "3000", MgeSeries::Eaton9E, "9E3000"},
    {"Eaton 9E", "3000i", MgeSeries::Eaton9E, "9E3000i"},
    {"Eaton 9E", "3000iau", MgeSeries::Eaton9E, "9E3000iau"},
    {"Eaton 9E", "3000ir", MgeSeries::Eaton9E, "9E3000ir"},
    {"Eaton 9E", "3000ixl", MgeSeries::Eaton9E, "9E3000ixl"},
    {"Eaton 9E", "3000ixlau", MgeSeries::Eaton9E, "9E3000ixlau"},
    {"unknown", "1000", MgeSeries::Eaton9E, "9E1000i (presumed)"},
    {"unknown", "2000", MgeSeries::Eaton9E, "9E2000i (presumed)"},
    {"unknown", "3000", MgeSeries::Eaton9E, "9E3000i (presumed)"},
    {"PULSAR M", "2200", MgeSeries::PulsarM, ""},
    {"PULSAR M", "3000", MgeSeries::PulsarM, ""},
    {"PULSAR M", "3000 XL", MgeSeries::PulsarM, ""},
    {"EX", "2200", MgeSeries::PulsarM, ""},
    {"EX", "3000", MgeSeries::PulsarM, ""},
    {"EX", "3000 XL", MgeSeries::PulsarM, ""},
    {"PULSAR", "MX4000", MgeSeries::LineInteractive, "Pulsar MX 4000 RT"},
    {"PULSAR", "MX5000", MgeSeries::LineInteractive, "Pulsar MX 5000 RT"},
    {"NOVA AVR", "500", MgeSeries::LineInteractive, "Nova 500 AVR"},
    {"NOVA AVR", "600", MgeSeries::LineInteractive, "Nova 600 AVR"},
    {"NOVA AVR", "625", MgeSeries::LineInteractive, "Nova 625 AVR"},
    {"NOVA AVR", "1100", MgeSeries::LineInteractive, "Nova 1100 AVR"},
    {"NOVA AVR", "1250", MgeSeries::LineInteractive, "Nova 1250 AVR"},
    {"EXtreme", "700C", MgeSeries::LineInteractive, "Pulsar EXtreme 700C"},
    {"EXtreme", "1000C", MgeSeries::LineInteractive, "Pulsar EXtreme 1000C"},
    {"EXtreme", "1500C", MgeSeries::LineInteractive, "Pulsar EXtreme 1500C"},
    {"EXtreme", "1500CCLA", MgeSeries::LineInteractive, "Pulsar EXtreme 1500C CLA"},
    {"EXtreme", "2200C", MgeSeries::LineInteractive, "Pulsar EXtreme 2200C"},
    {"EXtreme", "3200C", MgeSeries::LineInteractive, "Pulsar EXtreme 3200C"},
    {"EX", "700RT", MgeSeries::LineInteractive, "Pulsar EX 700 RT"},
    {"EX", "1000RT", MgeSeries::LineInteractive, "Pulsar EX 1000 RT"},
    {"EX", "1500RT", MgeSeries::LineInteractive, "Pulsar EX 1500 RT"},
    {"EX", "2200RT", MgeSeries::LineInteractive, "Pulsar EX 2200 RT"},
    {"EX", "3200RT", MgeSeries::LineInteractive, "Pulsar EX 3200 RT"},
    {"EX", "5RT31", MgeSeries::LineInteractive, "EX 5 RT 3:1"},
    {"EX", "7RT31", MgeSeries::LineInteractive, "EX 7 RT 3:1"},
    {"EX", "11RT31", MgeSeries::LineInteractive, "EX 11 RT 3:1"},
    {"EX", "5RT", MgeSeries::LineInteractive, "EX 5 RT"},
    {"EX", "7RT", MgeSeries::LineInteractive, "EX 7 RT"},
    {"EX", "11RT", MgeSeries::LineInteractive, "EX 11 RT"},
    {"GALAXY", "3000_10", MgeSeries::LineInteractive, "Galaxy 3000 10 kVA"},
    {"GALAXY", "3000_15", MgeSeries::LineInteractive, "Galaxy 3000 15 kVA"},
    {"GALAXY", "3000_20", MgeSeries::LineInteractive, "Galaxy 3000 20 kVA"},
    {"GALAXY", "3000_30", MgeSeries::LineInteractive, "Galaxy 3000 30 kVA"},
};

// ---------------------------------------------------------------- APC
constexpr VariableMap kApcVariables[] = {
    num("battery.charge", "UPS.PowerSummary.RemainingCapacity", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.runtime", "UPS.Battery.RunTimeToEmpty", 0),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.runtime.low", "UPS.Battery.RemainingTimeLimit", 0),
    num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0),
    num("battery.voltage", "UPS.Battery.Voltage", 1),
    num("battery.voltage", "UPS.PowerSummary.Voltage", 1),
    num("battery.voltage.nominal", "UPS.Battery.ConfigVoltage", 1),
    num("battery.voltage.nominal", "UPS.PowerSummary.ConfigVoltage", 1),
    conv("battery.temperature", "UPS.Battery.Temperature", C::KelvinToCelsius),
    conv("battery.type", "UPS.PowerSummary.iDeviceChemistry", C::String),
    conv("battery.mfr.date", "UPS.Battery.ManufacturerDate", C::PackedDate),
    conv("battery.mfr.date", "UPS.PowerSummary.APCBattReplaceDate", C::ApcDate),
    conv("battery.date", "UPS.Battery.APCBattReplaceDate", C::ApcDate),
    num("ups.load", "UPS.Output.PercentLoad", 1),
    num("ups.load", "UPS.PowerConverter.PercentLoad", 0),
    conv("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", C::OffDelay),
    num("ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.PowerSummary.DelayBeforeReboot", 0),
    conv("ups.delay.start", "UPS.Output.DelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.Output.DelayBeforeShutdown", C::OffDelay),
    num("ups.timer.start", "UPS.Output.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.Output.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.Output.DelayBeforeReboot", 0),
    conv("ups.delay.start", "UPS.APCGeneralCollection.APCDelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.APCGeneralCollection.APCDelayBeforeShutdown", C::OffDelay),
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
    num("input.transfer.low", "UPS.Output.LowVoltageTransfer", 0),
    num("input.transfer.high", "UPS.Output.HighVoltageTransfer", 0),
    num("input.transfer.low", "UPS.Input.LowVoltageTransfer", 0),
    num("input.transfer.high", "UPS.Input.HighVoltageTransfer", 0),
    lkp("input.sensitivity", "UPS.Input.APCSensitivity", kApcSensitivity),
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
    conv("battery.mfr.date", "UPS.Battery.ManufacturerDate", C::PackedDate),
    conv("battery.mfr.date", "UPS.PowerSummary.iOEMInformation", C::String),
    num("battery.charge.warning", "UPS.PowerSummary.WarningCapacityLimit", 0),
    num("battery.charge.low", "UPS.PowerSummary.RemainingCapacityLimit", 0),
    conv("battery.charge", "UPS.PowerSummary.RemainingCapacity", C::CpsCharge),
    num("battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0),
    num("battery.runtime.low", "UPS.PowerSummary.RemainingTimeLimit", 0),
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
    conv("ups.delay.start", "UPS.Output.DelayBeforeStartup", C::OnDelay),
    conv("ups.delay.shutdown", "UPS.Output.DelayBeforeShutdown", C::OffDelay),
    num("ups.timer.start", "UPS.Output.DelayBeforeStartup", 0),
    num("ups.timer.shutdown", "UPS.Output.DelayBeforeShutdown", 0),
    num("ups.timer.reboot", "UPS.Output.DelayBeforeReboot", 0),
    conv("ups.firmware", "UPS.PowerSummary.CPSFirmwareVersion", C::String),
    conv("ups.temperature", "UPS.PowerSummary.Temperature", C::KelvinToCelsius),
    num("input.frequency", "UPS.Input.Frequency", 1),
    num("input.voltage.nominal", "UPS.Input.ConfigVoltage", 0),
    num("input.voltage", "UPS.Input.Voltage", 1),
    num("input.transfer.low", "UPS.Input.LowVoltageTransfer", 0),
    num("input.transfer.high", "UPS.Input.HighVoltageTransfer", 0),
    num("input.transfer.low", "UPS.Output.LowVoltageTransfer", 0),
    num("input.transfer.high", "UPS.Output.HighVoltageTransfer", 0),
    lkp("input.sensitivity", "UPS.Output.CPSInputSensitivity", kCpsSensitivity),
    num("output.frequency", "UPS.Output.Frequency", 1),
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

constexpr Mapping kMge{kMgeVariables, kMgeStatus, kMgeAlarms};
constexpr Mapping kApc{kApcVariables, kApcStatus, {}};
constexpr Mapping kCps{kCpsVariables, kCpsStatus, {}};
constexpr Mapping kGeneric{kGenericVariables, kGenericStatus, {}};

} // namespace

const Mapping& mappingFor(hid::Dialect d) noexcept {
  switch (d) {
  case hid::Dialect::Mge: return kMge;
  case hid::Dialect::Apc: return kApc;
  case hid::Dialect::CyberPower: return kCps;
  default: return kGeneric;
  }
}

std::span<const MgeModelName> mgeModelNames() noexcept { return kMgeModels; }

std::span<const StatusAlarm> statusAlarms() noexcept { return kStatusAlarms; }

} // namespace hidupsd::nut
