// SPDX-License-Identifier: GPL-2.0-or-later
// Vendor usage names: the table each NUT subdriver searches before the generic one, as data.
#include "hid/vendor_usages.hpp"

#include <algorithm>

namespace hidupsd::hid {

namespace {

// Each table is NUT's, name for name (sic spellings included), sorted by
// usage here; NUT keeps source order and takes the first match, which is
// the same thing since no vendor table repeats a usage.

// Every table below was checked entry by entry against networkupstools/nut @ 6c63f774
// (MGE HID 1.59, APC HID 0.101, ...): none of its usage_lkp[] names is missing here.

// clang-format off

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

// networkupstools/nut @ 6c63f774 drivers/delta_ups-hid.c delta_ups_usage_lkp[]
// ("Delta UPS HID 0.6"), the entries not commented out there.
constexpr UsageName kDeltaUps[] = {
    {0x00000000, "DELTA1"}, {0xff000055, "DELTA2"}, {0xffff0010, "DeltaCustom"},
    {0xffff0056, "DELTA4"}, {0xffff0057, "DeltaConfigTransferLowMax"},
    {0xffff0058, "DeltaConfigTransferLowMin"}, {0xffff0059, "DeltaConfigTransferHighMax"},
    {0xffff005a, "DeltaConfigTransferHighMin"}, {0xffff0060, "DELTA9"},
    {0xffff0061, "DeltaConfigExternalBatteryPack"}, {0xffff0062, "DELTA11"},
    {0xffff0063, "DELTA12"}, {0xffff0064, "DELTA13"}, {0xffff0065, "DELTA14"},
    {0xffff0066, "DELTA15"}, {0xffff0067, "DELTA16"}, {0xffff0068, "DELTA17"},
    {0xffff0075, "DeltaModelName"}, {0xffff0076, "DELTA19"}, {0xffff007c, "DeltaUPSType"},
    {0xffff007d, "DELTA21"}, {0xffff0081, "DeltaConfigStartPowerRestoreDelay"},
    {0xffff0091, "DeltaOutputSource"}, {0xffff0092, "DELTA24"}, {0xffff0093, "DELTA25"},
    {0xffff0094, "DELTA26"}, {0xffff0095, "DELTA27"}, {0xffff0096, "DELTA28"},
    {0xffff0097, "DELTA29"}, {0xffff0098, "DELTA30"}, {0xffff0099, "DELTA31"},
    {0xffff009a, "DELTA32"}, {0xffff009b, "DeltaConfigSensitivity"},
    {0xffff009c, "DeltaConfigStartPowerRestore"},
};

// networkupstools/nut @ 6c63f774 drivers/ever-hid.c ever_usage_lkp[] ("Ever HID 0.10"):
// numbered names only, vendor page 0xff00.
constexpr UsageName kEver[] = {
    {0x00000000, "EVER1"}, {0xff000000, "EVER2"}, {0xff000001, "EVER3"}, {0xff000002, "EVER4"},
    {0xff000003, "EVER5"}, {0xff000004, "EVER6"}, {0xff000005, "EVER7"}, {0xff000006, "EVER8"},
    {0xff000007, "EVER9"}, {0xff000008, "EVER10"}, {0xff000009, "EVER11"}, {0xff000010, "EVER12"},
    {0xff000011, "EVER13"}, {0xff000012, "EVER14"}, {0xff000013, "EVER15"}, {0xff000014, "EVER16"},
    {0xff000015, "EVER17"}, {0xff000016, "EVER18"}, {0xff000017, "EVER19"}, {0xff000018, "EVER20"},
    {0xff000019, "EVER21"}, {0xff00001a, "EVER22"}, {0xff00001b, "EVER23"}, {0xff00001c, "EVER24"},
    {0xff00001d, "EVER25"}, {0xff00001e, "EVER26"}, {0xff00001f, "EVER27"}, {0xff000020, "EVER28"},
    {0xff000021, "EVER29"}, {0xff000022, "EVER30"}, {0xff000023, "EVER31"}, {0xff000030, "EVER32"},
    {0xff000031, "EVER33"}, {0xff000032, "EVER34"}, {0xff000033, "EVER35"}, {0xff000034, "EVER36"},
    {0xff000035, "EVER37"}, {0xff000036, "EVER38"}, {0xff000037, "EVER39"}, {0xff000038, "EVER40"},
    {0xff000039, "EVER41"}, {0xff000040, "EVER42"}, {0xff000041, "EVER43"}, {0xff000042, "EVER44"},
    {0xff000043, "EVER45"}, {0xff000044, "EVER46"}, {0xff000045, "EVER47"}, {0xff000046, "EVER48"},
    {0xff000050, "EVER49"}, {0xff000051, "EVER50"}, {0xff000052, "EVER51"}, {0xff000053, "EVER52"},
    {0xff000054, "EVER53"}, {0xff000060, "EVER54"}, {0xff000061, "EVER55"}, {0xff000062, "EVER56"},
    {0xff000063, "EVER57"}, {0xff000064, "EVER58"}, {0xff000066, "EVER59"}, {0xff000067, "EVER60"},
    {0xff000068, "EVER61"}, {0xff000069, "EVER62"}, {0xff00006a, "EVER63"}, {0xff00006b, "EVER64"},
    {0xff00006c, "EVER65"}, {0xff00006d, "EVER66"}, {0xff00006e, "EVER67"}, {0xff00006f, "EVER68"},
    {0xff000070, "EVER69"}, {0xff000071, "EVER70"}, {0xff000072, "EVER71"}, {0xff000073, "EVER72"},
    {0xff000074, "EVER73"}, {0xff000075, "EVER74"}, {0xff000076, "EVER75"}, {0xff000077, "EVER76"},
    {0xff000078, "EVER77"}, {0xff000079, "EVER78"}, {0xff00007a, "EVER79"}, {0xff00007b, "EVER80"},
    {0xff00007c, "EVER81"}, {0xff00007d, "EVER82"}, {0xff00007e, "EVER83"}, {0xff00007f, "EVER84"},
    {0xff000080, "EVER85"}, {0xff000081, "EVER86"}, {0xff000082, "EVER87"}, {0xff000083, "EVER88"},
    {0xff000084, "EVER89"}, {0xff000085, "EVER90"}, {0xff000086, "EVER91"}, {0xff000087, "EVER92"},
    {0xff000088, "EVER93"}, {0xff000089, "EVER94"}, {0xff00008a, "EVER95"}, {0xff00008b, "EVER96"},
    {0xff000090, "EVER97"}, {0xff000091, "EVER98"}, {0xff000092, "EVER99"},
    {0xff000093, "EVER100"}, {0xff000094, "EVER101"}, {0xff000095, "EVER102"},
    {0xff000096, "EVER103"}, {0xff000097, "EVER104"},
};

// networkupstools/nut @ 6c63f774 drivers/openups-hid.c openups_usage_lkp[]
// ("openUPS HID 0.50"): the battery cells, usage page 0.
constexpr UsageName kOpenUps[] = {
    {0x00000001, "Cell1"}, {0x00000002, "Cell2"}, {0x00000003, "Cell3"}, {0x00000004, "Cell4"},
    {0x00000005, "Cell5"}, {0x00000006, "Cell6"},
};

// networkupstools/nut @ 6c63f774 drivers/powercom-hid.c powercom_usage_lkp[]
// ("PowerCOM HID 0.75"): PowerCOM's own collections on page 0x0002 (a page
// the HID tables give to simulation controls), and the PCM* usages that
// NUT names on page 0x00ff.
constexpr UsageName kPowerCom[] = {
    {0x00020004, "PowercomUPS"}, {0x00020010, "PowercomBatterySystem"},
    {0x00020016, "PowercomPowerConverter"}, {0x0002001a, "PowercomInput"},
    {0x0002001c, "PowercomOutput"}, {0x00020030, "PowercomVoltage"},
    {0x00020032, "PowercomFrequency"}, {0x00020035, "PowercomPercentLoad"},
    {0x00020036, "PowercomTemperature"}, {0x00020056, "PowercomDelayBeforeStartup"},
    {0x00020057, "PowercomDelayBeforeShutdown"}, {0x00020058, "PowercomTest"},
    {0x00020068, "PowercomShutdownRequested"}, {0x00020081, "PowercomInternalChargeController"},
    {0x00020082, "PowercomPrimaryBatterySupport"}, {0x00020083, "PowercomDesignCapacity"},
    {0x00020084, "PowercomSpecificationInfo"}, {0x00020085, "PowercomManufacturerDate"},
    {0x00020086, "PowercomSerialNumber"}, {0x00020087, "PowercomManufacturerName"},
    {0x0084002f, "POWERCOM1"}, {0x00ff0056, "PCMDelayBeforeStartup"},
    {0x00ff0057, "PCMDelayBeforeShutdown"}, {0xff860060, "POWERCOM2"}, {0xff860080, "POWERCOM3"},
};

// networkupstools/nut @ 6c63f774 drivers/powervar-hid.c powervar_usage_lkp[]
// ("Powervar HID 0.21").
constexpr UsageName kPowervar[] = {
    {0xff000001, "POWERVAR1"},
};

// The other subdrivers' vendor tables are empty at 6c63f774: arduino-hid.c,
// ecoflow-hid.c, idowell-hid.c, legrand-hid.c, liebert-hid.c, salicru-hid.c.

// clang-format on

constexpr bool sortedByUsage(std::span<const UsageName> table) noexcept {
  return std::adjacent_find(table.begin(), table.end(), [](const auto& a, const auto& b) {
           return a.usage >= b.usage;
         }) == table.end();
}
static_assert(sortedByUsage(kMge) && sortedByUsage(kApc) && sortedByUsage(kCyberPower) &&
              sortedByUsage(kBelkin) && sortedByUsage(kTrippLite) && sortedByUsage(kDeltaUps) &&
              sortedByUsage(kEver) && sortedByUsage(kOpenUps) && sortedByUsage(kPowerCom) &&
              sortedByUsage(kPowervar));

} // namespace

std::span<const UsageName> vendorUsages(Dialect d) noexcept {
  switch (d) {
  case Dialect::Mge: return kMge;
  case Dialect::Apc: return kApc;
  case Dialect::CyberPower: return kCyberPower;
  case Dialect::Belkin: return kBelkin;
  case Dialect::TrippLite: return kTrippLite;
  case Dialect::DeltaUps: return kDeltaUps;
  case Dialect::Ever: return kEver;
  case Dialect::OpenUps: return kOpenUps;
  case Dialect::PowerCom: return kPowerCom;
  case Dialect::Powervar: return kPowervar;
  case Dialect::Generic:
  case Dialect::Liebert:
  case Dialect::Arduino:
  case Dialect::EcoFlow:
  case Dialect::IDowell:
  case Dialect::Legrand:
  case Dialect::Salicru: break;
  }
  return {};
}

} // namespace hidupsd::hid
