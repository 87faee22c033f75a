// SPDX-License-Identifier: GPL-2.0-or-later
// Each NUT subdriver's mapping table on a UPS built from its paths: variables, conversions,
// status bits and the quirks of its id table.
#include <doctest/doctest.h>

#include <algorithm>

#include "hid/descriptor_fixups.hpp"
#include "hid/report_state.hpp"
#include "tests/support/synthetic_ups.hpp"
#include "ups/ups_commands.hpp"
#include "ups/ups_model.hpp"

using namespace hidupsd;
using test::SyntheticField;

namespace {

hid::DeviceInfo device(std::uint16_t vid, std::uint16_t pid, std::string mfr = "",
                       std::string product = "UPS") {
  hid::DeviceInfo d;
  d.vendorId = vid;
  d.productId = pid;
  d.manufacturer = std::move(mfr);
  d.product = std::move(product);
  return d;
}

/// The NUT variables of the synthetic UPS, as the device reader gives them: the
/// descriptor with NUT's fix-ups, every feature report read, the strings asked for.
core::Snapshot probe(const hid::DeviceInfo& info, const std::vector<SyntheticField>& fields,
                     std::map<std::uint8_t, std::string> strings = {}) {
  const test::SyntheticUps ups(info, fields, std::move(strings));
  std::vector<std::string> fixups;
  const auto descriptor = hid::parseFixed(ups.descriptor, ups.info, fixups);
  hid::ReportState state(descriptor);
  for (const auto& report : ups.features)
    state.store(hid::ReportType::Feature, report);
  const UpsModel model(descriptor, ups.info);
  return model.snapshot(state, [&ups](std::uint8_t index) {
    const auto it = ups.strings.find(index);
    return it == ups.strings.end() ? std::string() : it->second;
  });
}

std::string var(const core::Snapshot& s, const std::string& name) {
  return s.get(name).value_or("(absent)");
}

} // namespace

TEST_CASE("belkin-hid: 0.1 V units, the UPS type nibble, the status words' bits") {
  const auto s =
      probe(device(0x050d, 0x0980, " "), {{"UPS.BELKINBatterySystem.BELKINVoltage", 272},
                                          {"UPS.BELKINPowerState.BELKINInput.BELKINVoltage", 2301},
                                          {"UPS.BELKINDevice.BELKINUPSType", 0x32},
                                          {"UPS.BELKINStatus.BELKINPowerStatus", 0x0011},
                                          {"UPS.BELKINStatus.BELKINBatteryStatus", 0x0004},
                                          {"UPS.BELKINControls.BELKINTest", 0}});
  CHECK(var(s, "battery.voltage") == "27.2");
  CHECK(var(s, "input.voltage") == "230.1");
  CHECK(var(s, "ups.type") == "line-interactive");
  CHECK(var(s, "ups.firmware") == "3");
  CHECK(var(s, "ups.test.result") == "No test initiated");
  CHECK(var(s, "ups.status") == "OB LB OVER"); // bit0 AC failure, bit4 overload; bit2 low
}

TEST_CASE("tripplite-hid: the battery scale of the id table, the chemistry firmware bug") {
  const std::vector<SyntheticField> fields = {
      {"UPS.BatterySystem.Battery.Voltage", 131},
      {"UPS.PowerSummary.iDeviceChemistry", 3, 8, 0, 255},
      {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
      {"UPS.PowerConverter.PresentStatus.Buck", 1, 8, 0, 1}};
  const auto omni = probe(device(0x09ae, 0x2005), fields, {{3, "PbAc"}});
  CHECK(var(omni, "battery.voltage") == "13.1"); // battery_scale_0dot1
  CHECK(var(omni, "battery.type") == "unknown");
  CHECK(var(omni, "ups.status") == "OL TRIM");
  const auto smart = probe(device(0x09ae, 0x3008), fields, {{3, "PbAc"}});
  CHECK(var(smart, "battery.voltage") == "131.0");
  CHECK(var(smart, "battery.type") == "PbAc");
  const auto lcdt = probe(device(0x09ae, 0x3024), {{"UPS.PowerConverter.Input.Frequency", 5998}});
  CHECK(var(lcdt, "input.frequency") == "60.0"); // smart1500lcdt_scale
}

TEST_CASE("liebert-hid: Phoenixtec's hex-named transfer limits and Good as OFF") {
  const auto s = probe(device(0x06da, 0xffff, "Phoenixtec"),
                       {{"UPS.PowerConverter.Output.ffff0057", 170},
                        {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                        {"UPS.PowerSummary.PresentStatus.Good", 0, 8, 0, 1},
                        {"UPS.PowerConverter.Input.[1].PresentStatus.Boost", 1, 8, 0, 1}});
  CHECK(var(s, "input.transfer.low") == "170");
  CHECK(var(s, "ups.mfr") == "Phoenixtec");
  CHECK(var(s, "ups.status") == "OL BOOST OFF");
}

TEST_CASE("belkin-hid: Liebert PSA voltages with a broken exponent") {
  // 10^-8 units: 2.201e-05 and 1.39e-06 V, which liebert_line_voltage_fun reads as 220.1, 13.9.
  const auto s = probe(device(0x10af, 0x0001, "Liebert"),
                       {{"UPS.Input.Voltage", 2201, 16, 0, 65535, -8},
                        {"UPS.PowerSummary.Voltage", 139, 16, 0, 65535, -8},
                        {"UPS.PowerSummary.ConfigVoltage", 10, 16, 0, 65535, -8}});
  CHECK(var(s, "input.voltage") == "220.1");
  CHECK(var(s, "battery.voltage") == "13.9");
  CHECK(var(s, "battery.voltage.nominal") == "10.0"); // 1e-7 x 1e8
}

TEST_CASE("arduino-hid: the library's PowerSummary, battery present") {
  const auto s = probe(device(0x2341, 0x8036),
                       {{"UPS.PowerSummary.RemainingCapacity", 87, 8, 0, 100},
                        {"UPS.PowerSummary.Voltage", 1236},
                        {"UPS.PowerSummary.PresentStatus.ACPresent", 0, 8, 0, 1},
                        {"UPS.PowerSummary.PresentStatus.Discharging", 1, 8, 0, 1},
                        {"UPS.PowerSummary.PresentStatus.BatteryPresent", 1, 8, 0, 1}});
  CHECK(var(s, "battery.charge") == "87");
  CHECK(var(s, "battery.voltage") == "1236.00");
  CHECK(var(s, "ups.mfr") == "Arduino");
  CHECK(var(s, "ups.status") == "OB DISCHRG");
}

TEST_CASE("delta_ups-hid: the model from DeltaModelName, the type nibble, the sensitivity") {
  const auto s = probe(device(0x05dd, 0x041b),
                       {{"UPS.DeltaCustom.[1].DeltaModelName", 4, 8, 0, 255},
                        {"UPS.DeltaCustom.[1].DeltaUPSType", 0x13, 8, 0, 255},
                        {"UPS.DeltaCustom.[1].DeltaConfigSensitivity", 1, 8, 0, 2},
                        {"UPS.OutletSystem.Outlet.DeltaOutputSource", 4, 8, 0, 8},
                        {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                        {"UPS.PowerConverter.PresentStatus.Boost", 1, 8, 0, 1}},
                       {{4, "Amplon RT-2K"}});
  CHECK(var(s, "ups.model") == "Amplon RT-2K");
  CHECK(var(s, "ups.mfr") == "Delta");
  CHECK(var(s, "ups.type") == "offline"); // 3 → 1
  CHECK(var(s, "input.sensitivity") == "reduced");
  CHECK(var(s, "input.source") == "boosting");
  CHECK(var(s, "ups.status") == "OL BOOST");
}

TEST_CASE("ecoflow-hid: runtime in minutes") {
  const auto s =
      probe(device(0x3746, 0xffff), {{"UPS.PowerSummary.RunTimeToEmpty", 2400},
                                     {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1}});
  CHECK(var(s, "battery.runtime") == "144000");
  CHECK(var(s, "ups.mfr") == "EcoFlow");
}

TEST_CASE("ever-hid: the numbered vendor usages") {
  const auto s =
      probe(device(0x2e51, 0xffff), {{"UPS.EVER1.EVER42", 310},
                                     {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                                     {"UPS.EVER1.EVER18.EVER21", 1, 8, 0, 1}});
  CHECK(var(s, "ups.temperature") == "36.9");
  CHECK(var(s, "ups.status") == "OL BOOST");
}

TEST_CASE("idowell-hid: GoldenMate packs on the Phoenixtec id, claimed by their strings") {
  const auto s = probe(device(0x06da, 0xffff, "-BMS-", "Smart-Battery"),
                       {{"UPS.PowerSummary.FullChargeCapacity", 98, 8, 0, 100},
                        {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                        {"UPS.PowerSummary.PresentStatus.Good", 1, 8, 0, 1}});
  CHECK(var(s, "battery.capacity.full") == "98"); // an idowell-hid.c name, not liebert's
  CHECK(var(s, "ups.status") == "OL");
}

TEST_CASE("legrand-hid: the x10 and x1e7 scales of its broken exponents") {
  const auto s =
      probe(device(0x1cb0, 0x0032), {{"UPS.PowerConverter.Output.HighVoltageTransfer", 26},
                                     {"UPS.PowerSummary.Voltage", 272},
                                     {"UPS.Output.Overload", 1, 8, 0, 1},
                                     {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1}});
  CHECK(var(s, "input.transfer.high") == "260.0");
  CHECK(var(s, "battery.voltage") == "27.2");
  CHECK(var(s, "ups.status") == "OL OVER");
}

TEST_CASE("openups-hid: the d004 raw-unit scales and the thermistor table") {
  const auto s =
      probe(device(0x04d8, 0xd004), {{"UPS.PowerSummary.Input.Voltage", 340},
                                     {"UPS.PowerSummary.Temperature", 4},
                                     {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1}});
  CHECK(var(s, "input.voltage") == "1205.30");     // 340 x 3.545
  CHECK(var(s, "battery.temperature") == "13.47"); // 400 between 366 (10 °C) and 415 (15 °C)
  const auto d005 = probe(device(0x04d8, 0xd005), {{"UPS.PowerSummary.Input.Voltage", 125},
                                                   {"UPS.PowerSummary.Temperature", 5}});
  CHECK(var(d005, "input.voltage") == "12.50");
  CHECK(var(d005, "battery.temperature") == "23.78");
  CHECK(var(s, "ups.mfr") == "openUPS");
}

TEST_CASE("powercom-hid: status bits of its own words, minutes-and-seconds timers") {
  const auto s = probe(
      device(0x0d9f, 0x00a4),
      {{"PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomPrimaryBatterySupport", 0x19},
       {"PowercomUPS.PowercomPowerConverter.PowercomOutput.PowercomInternalChargeController", 0x02},
       {"PowercomUPS.PowercomPowerConverter.PowercomInput.PowercomVoltage", 57},
       {"UPS.PowerSummary.DelayBeforeShutdown", 0x0130},
       {"UPS.PowerSummary.DelayBeforeStartup", 0x0200}});
  // bit0 line fail, bits 3+4 boost; the charge controller's bit1: battery bad.
  CHECK(var(s, "ups.status") == "ALARM OB RB BOOST");
  CHECK(var(s, "input.voltage") == "228");      // x 4
  CHECK(var(s, "ups.timer.shutdown") == "108"); // 1 min 48 s
  CHECK(var(s, "ups.timer.start") == "120");    // 2 minutes, bytes swapped
  CHECK(var(s, "ups.mfr") == "PowerCOM");
}

TEST_CASE("powervar-hid and salicru-hid: their PowerSummary rows") {
  const auto pv =
      probe(device(0x4234, 0x0002), {{"UPS.PowerSummary.RunTimeToEmpty", 1800},
                                     {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                                     {"UPS.PowerSummary.PresentStatus.FullyCharged", 1, 8, 0, 1}});
  CHECK(var(pv, "battery.runtime") == "1800");
  CHECK(var(pv, "ups.mfr") == "Powervar");
  CHECK(var(pv, "ups.status") == "OL");
  const auto sc =
      probe(device(0x2e66, 0x0302), {{"UPS.Output.PercentLoad", 23, 8, 0, 100},
                                     {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                                     {"UPS.Output.Boost", 1, 8, 0, 1}});
  CHECK(var(sc, "ups.load") == "23");
  CHECK(var(sc, "ups.status") == "OL BOOST");
}

TEST_CASE("powercom-hid: its encoded delays are withheld from the commands, the test is not") {
  const test::SyntheticUps ups(device(0x0d9f, 0x00a4), {{"UPS.PowerSummary.DelayBeforeShutdown", 0},
                                                        {"UPS.PowerSummary.DelayBeforeStartup", 0},
                                                        {"UPS.Battery.Test", 0, 8, 0, 7}});
  const auto descriptor = hid::ReportDescriptor::parse(ups.descriptor);
  const UpsModel model(descriptor, ups.info);
  CHECK(supportedCommands(model) == std::vector<std::string>{"test.battery.start.deep",
                                                             "test.battery.start.quick",
                                                             "test.battery.stop"});
  // The same fields on an unknown make: the plain writes NUT's generic tables do.
  auto generic = ups.info;
  generic.vendorId = 0x1234;
  const UpsModel other(descriptor, generic);
  const auto commands = supportedCommands(other);
  CHECK(std::find(commands.begin(), commands.end(), "shutdown.return") != commands.end());
}

TEST_CASE("mge-hid 1.59: Charger.Status is the ABM path of the 9-series, the 5S names") {
  const auto eaton = [](std::string product) { return device(0x0463, 0xffff, "EATON", product); };
  const auto status = [&](std::int64_t abm, std::int64_t chargerStatus, std::int64_t charge) {
    return var(probe(eaton("Eaton 9SX"), {{"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                                          {"UPS.PowerSummary.PresentStatus.Charging", 1, 8, 0, 1},
                                          {"UPS.PowerSummary.RemainingCapacity", charge, 8, 0, 100},
                                          {"UPS.BatterySystem.Charger.ABMEnable", abm, 8, 0, 1},
                                          {"UPS.BatterySystem.Charger.Status", chargerStatus, 8}}),
               "ups.status");
  };
  CHECK(status(1, 1, 80) == "OL CHRG");  // ABM charging
  CHECK(status(1, 2, 100) == "OL CHRG"); // ABM floating counts as charging
  CHECK(status(1, 3, 100) == "OL");      // resting
  CHECK(status(1, 4, 100) == "OL DISCHRG");
  CHECK(status(0, 4, 80) == "OL CHRG"); // ABM off: PresentStatus.Charging below 100 %
  CHECK(status(0, 4, 100) == "OL");     // ... and float charge at 100 %

  const auto model = [&](std::string iModel) {
    return var(probe(eaton("Ellipse PRO"), {{"UPS.PowerSummary.iModel", 3, 8, 0, 255}},
                     {{3, std::move(iModel)}}),
               "ups.model");
  };
  CHECK(model("1200 ") == "Eaton 5S1200"); // a 5S that calls itself Ellipse PRO (NUT #2380)
  CHECK(model("850") == "Ellipse PRO 850");
}

TEST_CASE("cps-hid: frequency read in 0.1 Hz, battery voltage at 1.5x, the charge clamped") {
  const auto s = probe(device(0x0764, 0x0501, "CPS"),
                       {{"UPS.Input.Frequency", 500},
                        {"UPS.Output.Frequency", 50},
                        {"UPS.PowerSummary.ConfigVoltage", 24},
                        {"UPS.PowerSummary.Voltage", 36},
                        {"UPS.PowerSummary.RemainingCapacity", 105},
                        {"UPS.Output.CPSInputSensitivity", 2, 8, 0, 2},
                        {"UPS.PowerSummary.PresentStatus.ACPresent", 1, 8, 0, 1},
                        {"UPS.PowerSummary.PresentStatus.NeedReplacement", 1, 8, 0, 1}});
  CHECK(var(s, "input.frequency") == "50.0");  // 500: 0.1 Hz units (cps_adjust_frequency_scale)
  CHECK(var(s, "output.frequency") == "50.0"); // already in Hz
  CHECK(var(s, "battery.voltage") == "24.0");  // 36 V over a 24 V nominal: x 2/3
  CHECK(var(s, "battery.charge") == "100");
  CHECK(var(s, "input.sensitivity") == "high");
  CHECK(var(s, "ups.status") == "ALARM OL RB"); // RB raises "Replace battery!"
  CHECK(var(s, "ups.mfr") == "CPS");

  // Another CyberPower product: no 0.1 Hz guess.
  const auto other = probe(device(0x0764, 0x0601, "CPS"), {{"UPS.Input.Frequency", 500}});
  CHECK(var(other, "input.frequency") == "500.0");
}
