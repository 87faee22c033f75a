// SPDX-License-Identifier: GPL-2.0-or-later
// Usage names as NUT's usbhid-ups prints them, per vendor dialect, and HID path strings.
#include "hid/usage_tables.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

namespace hidupsd::hid {

namespace {

struct UsageName {
  Usage usage;
  std::string_view name;
};

// The tables below are NUT's, name for name (sic spellings included), sorted by
// usage here; NUT keeps them in source order and takes the first match, which
// is the same thing since no vendor table repeats a usage or a name and the
// generic table is already in usage order ("Undefined" and "VoltageOutOfRange"
// each name two usages there: a name lookup gives the page 0x84 one, as NUT's).

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

// jimklimov/nut drivers/mge-hid.c mge_usage_lkp[] @ 2bc7b78b ("MGE HID 1.51"):
// Eaton / MGE vendor page 0xffff. Newer than networkupstools/nut @ bb2a545a
// ("MGE HID 1.44"), it adds USB, iDesignator, Gateway, System and Status, and
// spells 0xffff009c "HysteresisVoltageTransfer" (was "Hysteresys..."), as the
// usbhid-ups 2.8.x logs in our fixtures do.
constexpr UsageName kMge[] = {
    {0xffff0000, "Undefined"}, {0xffff0001, "STS"}, {0xffff0002, "Environment"},
    {0xffff0003, "Statistic"}, {0xffff0004, "StatisticSystem"}, {0xffff0005, "USB"},
    {0xffff0010, "Phase"}, {0xffff0011, "PhaseID"}, {0xffff0012, "Chopper"},
    {0xffff0013, "ChopperID"}, {0xffff0014, "Inverter"}, {0xffff0015, "InverterID"},
    {0xffff0016, "Rectifier"}, {0xffff0017, "RectifierID"}, {0xffff0018, "LCMSystem"},
    {0xffff0019, "LCMSystemID"}, {0xffff001a, "LCMAlarm"}, {0xffff001b, "LCMAlarmID"},
    {0xffff001c, "HistorySystem"}, {0xffff001d, "HistorySystemID"}, {0xffff001e, "Event"},
    {0xffff001f, "EventID"}, {0xffff0020, "CircuitBreaker"}, {0xffff0021, "TransferForbidden"},
    {0xffff0022, "OverallAlarm"}, {0xffff0023, "Dephasing"}, {0xffff0024, "BypassBreaker"},
    {0xffff0025, "PowerModule"}, {0xffff0026, "PowerRate"}, {0xffff0027, "PowerSource"},
    {0xffff0028, "CurrentPowerSource"}, {0xffff0029, "RedundancyLevel"},
    {0xffff002a, "RedundancyLost"}, {0xffff002b, "NotificationStatus"},
    {0xffff002c, "ProtectionLost"}, {0xffff002d, "ConfigurationFailure"},
    {0xffff002e, "CompatibilityFailure"}, {0xffff0040, "SwitchType"}, {0xffff0041, "ConverterType"},
    {0xffff0042, "FrequencyConverterMode"}, {0xffff0043, "AutomaticRestart"},
    {0xffff0044, "ForcedReboot"}, {0xffff0045, "TestPeriod"}, {0xffff0046, "EnergySaving"},
    {0xffff0047, "StartOnBattery"}, {0xffff0048, "Schedule"},
    {0xffff0049, "DeepDischargeProtection"}, {0xffff004a, "ShortCircuit"},
    {0xffff004b, "ExtendedVoltageMode"}, {0xffff004c, "SensitivityMode"},
    {0xffff004d, "RemainingCapacityLimitSetting"}, {0xffff004e, "ExtendedFrequencyMode"},
    {0xffff004f, "FrequencyConverterModeSetting"}, {0xffff0050, "LowVoltageBoostTransfer"},
    {0xffff0051, "HighVoltageBoostTransfer"}, {0xffff0052, "LowVoltageBuckTransfer"},
    {0xffff0053, "HighVoltageBuckTransfer"}, {0xffff0054, "OverloadTransferEnable"},
    {0xffff0055, "OutOfToleranceTransferEnable"}, {0xffff0056, "ForcedTransferEnable"},
    {0xffff0057, "LowVoltageBypassTransfer"}, {0xffff0058, "HighVoltageBypassTransfer"},
    {0xffff0059, "FrequencyRangeBypassTransfer"}, {0xffff005a, "LowVoltageEcoTransfer"},
    {0xffff005b, "HighVoltageEcoTransfer"}, {0xffff005c, "FrequencyRangeEcoTransfer"},
    {0xffff005d, "ShutdownTimer"}, {0xffff005e, "StartupTimer"}, {0xffff005f, "RestartLevel"},
    {0xffff0060, "PhaseOutOfRange"}, {0xffff0061, "CurrentLimitation"},
    {0xffff0062, "ThermalOverload"}, {0xffff0063, "SynchroSource"}, {0xffff0064, "FuseFault"},
    {0xffff0065, "ExternalProtectedTransfert"}, {0xffff0066, "ExternalForcedTransfert"},
    {0xffff0067, "Compensation"}, {0xffff0068, "EmergencyStop"}, {0xffff0069, "PowerFactor"},
    {0xffff006a, "PeakFactor"}, {0xffff006b, "ChargerType"},
    {0xffff006c, "HighPositiveDCBusVoltage"}, {0xffff006d, "LowPositiveDCBusVoltage"},
    {0xffff006e, "HighNegativeDCBusVoltage"}, {0xffff006f, "LowNegativeDCBusVoltage"},
    {0xffff0070, "FrequencyRangeTransfer"}, {0xffff0071, "WiringFaultDetection"},
    {0xffff0072, "ControlStandby"}, {0xffff0073, "ShortCircuitTolerance"},
    {0xffff0074, "VoltageTooHigh"}, {0xffff0075, "VoltageTooLow"}, {0xffff0076, "DCBusUnbalanced"},
    {0xffff0077, "FanFailure"}, {0xffff0078, "WiringFault"}, {0xffff0079, "Floating"},
    {0xffff007a, "OverCurrent"}, {0xffff007b, "RemainingActivePower"}, {0xffff007c, "Energy"},
    {0xffff007d, "Threshold"}, {0xffff007e, "OverThreshold"}, {0xffff0080, "Sensor"},
    {0xffff0081, "LowHumidity"}, {0xffff0082, "HighHumidity"}, {0xffff0083, "LowTemperature"},
    {0xffff0084, "HighTemperature"}, {0xffff0085, "ECOControl"}, {0xffff0086, "Efficiency"},
    {0xffff0087, "ABMEnable"}, {0xffff0088, "NegativeCurrent"}, {0xffff0089, "AutomaticStart"},
    {0xffff0090, "Count"}, {0xffff0091, "Timer"}, {0xffff0092, "Interval"},
    {0xffff0093, "TimerExpired"}, {0xffff0094, "Mode"}, {0xffff0095, "Country"},
    {0xffff0096, "State"}, {0xffff0097, "Time"}, {0xffff0098, "Code"}, {0xffff0099, "DataValid"},
    {0xffff009a, "ToggleTimer"}, {0xffff009b, "BypassTransferDelay"},
    {0xffff009c, "HysteresisVoltageTransfer"}, {0xffff009d, "SlewRate"}, {0xffff00a0, "PDU"},
    {0xffff00a1, "Breaker"}, {0xffff00a2, "BreakerID"}, {0xffff00a3, "OverVoltage"},
    {0xffff00a4, "Tripped"}, {0xffff00a5, "OverEnergy"}, {0xffff00a6, "OverHumidity"},
    {0xffff00a7, "ConfigurationReset"}, {0xffff00a8, "Level"}, {0xffff00a9, "PDUType"},
    {0xffff00aa, "ReactivePower"}, {0xffff00ab, "Pole"}, {0xffff00ac, "PoleID"},
    {0xffff00ad, "Reset"}, {0xffff00ae, "WatchdogReset"}, {0xffff00ba, "iDesignator"},
    {0xffff00e0, "COPIBridge"}, {0xffff00e1, "Gateway"}, {0xffff00e5, "System"},
    {0xffff00e9, "Status"}, {0xffff00f0, "iModel"}, {0xffff00f1, "iVersion"},
    {0xffff00f2, "iTechnicalLevel"}, {0xffff00f3, "iPartNumber"}, {0xffff00f4, "iReferenceNumber"},
    {0xffff00f5, "iGang"},
};

// networkupstools/nut drivers/apc-hid.c apc_usage_lkp[] @ e71497ed ("APC HID 0.96",
// same entries in jimklimov/nut @ ae42537d). The BUP* entries sit on pages 0x85
// and 0x86 (Back-UPS Pro).
constexpr UsageName kApc[] = {
    {0x00850058, "BUPHibernate"}, {0x00860010, "BUPSelfTest"},
    {0x00860012, "BUPBattCapBeforeStartup"}, {0x00860076, "BUPDelayBeforeStartup"},
    {0xff860005, "APCGeneralCollection"}, {0xff860006, "APCEnvironment"}, {0xff860007, "APCProbe1"},
    {0xff860008, "APCProbe2"}, {0xff860016, "APCBattReplaceDate"},
    {0xff860019, "APCBattCapBeforeStartup"}, {0xff860042, "APC_UPS_FirmwareRevision"},
    {0xff860052, "APCLineFailCause"}, {0xff860060, "APCStatusFlag"}, {0xff860061, "APCSensitivity"},
    {0xff860072, "APCPanelTest"}, {0xff860076, "APCShutdownAfterDelay"},
    {0xff860079, "APC_USB_FirmwareRevision"}, {0xff86007c, "APCDelayBeforeReboot"},
    {0xff86007d, "APCDelayBeforeShutdown"}, {0xff86007e, "APCDelayBeforeStartup"},
};

// jimklimov/nut drivers/cps-hid.c cps_usage_lkp[] @ 8002fe24 ("CyberPower HID 0.83";
// empty before 0.8x, e.g. networkupstools/nut @ df0b2302).
constexpr UsageName kCyberPower[] = {
    {0xff010043, "CPSInputSensitivity"}, {0xff0100d0, "CPSFirmwareVersion"},
};

// networkupstools/nut drivers/belkin-hid.c belkin_usage_lkp[] @ 23bd7512
// ("Belkin/Liebert HID 0.17"): Belkin's mis-encoded page 0x86.
constexpr UsageName kBelkin[] = {
    {0x00860010, "BELKINBatterySystem"}, {0x0086001a, "BELKINInput"}, {0x0086001c, "BELKINOutput"},
    {0x00860021, "BELKINPowerStatus"}, {0x00860022, "BELKINBatteryStatus"},
    {0x00860026, "BELKINConfig"}, {0x00860027, "BELKINControls"}, {0x00860028, "BELKINStatus"},
    {0x00860029, "BELKINDevice"}, {0x0086002a, "BELKINPowerState"}, {0x00860030, "BELKINVoltage"},
    {0x00860032, "BELKINFrequency"}, {0x00860034, "BELKINPower"}, {0x00860035, "BELKINPercentLoad"},
    {0x00860036, "BELKINTemperature"}, {0x00860039, "BELKINCharge"},
    {0x00860040, "BELKINConfigVoltage"}, {0x00860042, "BELKINConfigFrequency"},
    {0x00860043, "BELKINConfigApparentPower"}, {0x00860044, "BELKINConfigBatteryVoltage"},
    {0x00860045, "BELKINConfigOverloadTransfer"}, {0x00860050, "BELKINLoadOn"},
    {0x00860051, "BELKINLoadOff"}, {0x00860052, "BELKINLoadToggle"},
    {0x00860053, "BELKINLowVoltageTransfer"}, {0x00860054, "BELKINHighVoltageTransfer"},
    {0x00860055, "BELKINDelayBeforeReboot"}, {0x00860056, "BELKINDelayBeforeStartup"},
    {0x00860057, "BELKINDelayBeforeShutdown"}, {0x00860058, "BELKINTest"},
    {0x0086005a, "BELKINAudibleAlarmControl"}, {0x0086005b, "BELKINLowVoltageTransferMax"},
    {0x0086005c, "BELKINLowVoltageTransferMin"}, {0x0086005d, "BELKINHighVoltageTransferMax"},
    {0x0086005e, "BELKINHighVoltageTransferMin"}, {0x0086006c, "BELKINRunTimeToEmpty"},
    {0x00860074, "BELKINVoltageSensitivity"}, {0x00860075, "BELKINModelString"},
    {0x00860076, "BELKINModelStringOffset"}, {0x0086007c, "BELKINUPSType"},
};

// networkupstools/nut drivers/tripplite-hid.c tripplite_usage_lkp[] @ 1a1f1211
// ("TrippLite HID 0.82"). The four TL* usages on page 0x84 shadow generic
// names (0x00840044 is "TLCharging", not "ConfigActivePower") because NUT
// searches this table first: Tripp Lite swapped pages 0x84 and 0x85 on some
// OMNI1000LCD units.
constexpr UsageName kTrippLite[] = {
    {0x00840044, "TLCharging"}, {0x00840045, "TLDischarging"}, {0x0084004b, "TLNeedReplacement"},
    {0x008400d0, "TLACPresent"}, {0xffff0010, "TLCustom"}, {0xffff0056, "TLDelayBeforeStartup"},
    {0xffff0057, "TLLowVoltageTransferMax"}, {0xffff0058, "TLLowVoltageTransferMin"},
    {0xffff0059, "TLHighVoltageTransferMax"}, {0xffff005a, "TLHighVoltageTransferMin"},
    {0xffff007a, "OutletState"}, {0xffff007b, "OutletCount"}, {0xffff007c, "UPSFirmwareVersion"},
    {0xffff007d, "CommunicationProtocolVersion"}, {0xffff007e, "CommunicationVersion"},
    {0xffff007f, "iUPSPartNumber"}, {0xffff0080, "AutoOnDelay"}, {0xffff0092, "TLWatchdog"},
    {0xffff0095, "TLOutletsAvailableMask"}, {0xffff0096, "TLOutletsStatusMask"},
};

// liebert-hid.c's liebert_usage_lkp[] is empty (networkupstools/nut @ d655f6d2).

// clang-format on

constexpr bool sortedByUsage(std::span<const UsageName> table) noexcept {
  return std::adjacent_find(table.begin(), table.end(), [](const auto& a, const auto& b) {
           return a.usage >= b.usage;
         }) == table.end();
}
static_assert(sortedByUsage(kGeneric) && sortedByUsage(kMge) && sortedByUsage(kApc) &&
              sortedByUsage(kCyberPower) && sortedByUsage(kBelkin) && sortedByUsage(kTrippLite));

/// The table each subdriver puts before hid_usage_lkp in its usage_tables_t
/// (mge_utab = { mge_usage_lkp, hid_usage_lkp, NULL }, and so on for all six).
std::span<const UsageName> vendorTable(Dialect d) noexcept {
  switch (d) {
  case Dialect::Mge: return kMge;
  case Dialect::Apc: return kApc;
  case Dialect::CyberPower: return kCyberPower;
  case Dialect::Belkin: return kBelkin;
  case Dialect::TrippLite: return kTrippLite;
  case Dialect::Generic:
  case Dialect::Liebert: break;
  }
  return {};
}

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

struct VendorDialect {
  std::uint16_t vendorId;
  Dialect dialect;
};

// The vendor IDs of each subdriver's usb_device_id_t table, in usbhid-ups'
// claim order (mge first). HP (0x03f0) is split by product between mge-hid and
// tripplite-hid, and 0x0483 (ST Micro) is CyberPower only for 0xa430: see
// dialectForDevice().
constexpr VendorDialect kVendors[] = {
    {0x0463, Dialect::Mge},        // Eaton (MGE_VENDORID)
    {0x047c, Dialect::Mge},        // Dell
    {0x0592, Dialect::Mge},        // Powerware
    {0x2b2d, Dialect::Mge},        // AEG
    {0x04b3, Dialect::Mge},        // IBM
    {0x051d, Dialect::Apc},        // APC
    {0x050d, Dialect::Belkin},     // Belkin
    {0x10af, Dialect::Belkin},     // Liebert GXT/PowerSure: belkin-hid.c, not liebert-hid.c
    {0x0764, Dialect::CyberPower}, // Cyber Power Systems
    {0x06da, Dialect::Liebert},    // Phoenixtec; mge-hid takes AEG-branded units by name
    {0x09ae, Dialect::TrippLite},  // Tripp Lite
};

} // namespace

Dialect dialectForVendor(std::uint16_t vendorId) noexcept {
  for (const auto& v : kVendors)
    if (v.vendorId == vendorId) return v.dialect;
  return Dialect::Generic;
}

Dialect dialectForDevice(std::uint16_t vendorId, std::uint16_t productId) noexcept {
  constexpr std::uint16_t kHp = 0x03f0;
  if (vendorId == kHp && productId >= 0x1fe5 && productId <= 0x1fe8) return Dialect::Mge;
  if (vendorId == kHp) {
    constexpr std::uint16_t kTrippLiteHp[] = {0x0001, 0x1fe0, 0x1fe1, 0x1fe2, 0x1fe3,
                                              0x1f06, 0x1f08, 0x1f09, 0x1f0a};
    const bool tl = std::find(std::begin(kTrippLiteHp), std::end(kTrippLiteHp), productId) !=
                    std::end(kTrippLiteHp);
    return tl ? Dialect::TrippLite : Dialect::Generic;
  }
  if (vendorId == 0x0483 && productId == 0xa430) return Dialect::CyberPower; // Cyber Energy
  return dialectForVendor(vendorId);
}

const char* nameOf(Dialect d) noexcept {
  switch (d) {
  case Dialect::Generic: return "generic";
  case Dialect::Mge: return "mge";
  case Dialect::Apc: return "apc";
  case Dialect::CyberPower: return "cps";
  case Dialect::Belkin: return "belkin";
  case Dialect::TrippLite: return "tripplite";
  case Dialect::Liebert: return "liebert";
  }
  return "?";
}

std::string_view usageName(Usage usage, Dialect d) noexcept {
  const auto vendor = nameIn(vendorTable(d), usage);
  return vendor.empty() ? nameIn(kGeneric, usage) : vendor;
}

std::optional<Usage> usageByName(std::string_view name, Dialect d) noexcept {
  if (const auto vendor = usageIn(vendorTable(d), name)) return vendor;
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
