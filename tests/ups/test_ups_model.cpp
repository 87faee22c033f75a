// SPDX-License-Identifier: GPL-2.0-or-later
// UpsModel against real descriptors and reports (fixtures), and hand-set status bits.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "hid/report_descriptor.hpp"
#include "hid/report_state.hpp"
#include "tests/support/test_support.hpp"
#include "ups/ups_model.hpp"

using namespace hidupsd;

namespace {

/// The parts of NAME.replay the model needs: descriptor, device line,
/// and the `feature`/`input` lines of t = 0 (first byte = report ID).
struct Replay {
  hid::ReportDescriptor descriptor;
  hid::DeviceInfo info;
  std::vector<std::pair<hid::ReportType, std::vector<std::uint8_t>>> reports;
};

hid::DeviceInfo parseDeviceLine(const std::string& line) {
  static const std::regex kv(R"re((\w+)=("([^"]*)"|\S+))re");
  hid::DeviceInfo info;
  for (std::sregex_iterator it(line.begin(), line.end(), kv), end; it != end; ++it) {
    const std::string key = (*it)[1];
    const std::string value = (*it)[3].matched ? (*it)[3].str() : (*it)[2].str();
    if (key == "vendor") info.vendorId = static_cast<std::uint16_t>(std::stoul(value, nullptr, 16));
    if (key == "product")
      info.productId = static_cast<std::uint16_t>(std::stoul(value, nullptr, 16));
    if (key == "manufacturer") info.manufacturer = value;
    if (key == "product_name") info.product = value;
    if (key == "serial") info.serial = value;
  }
  return info;
}

std::unique_ptr<Replay> loadReplay(const std::string& name) {
  const auto file = test::fixturesDir() / (name + ".replay");
  auto r = std::make_unique<Replay>(
      Replay{hid::ReportDescriptor::parse(test::descriptorOfReplay(file)), {}, {}});
  std::istringstream in(test::readFile(file));
  for (std::string line; std::getline(in, line);) {
    if (auto hash = line.find('#'); hash != std::string::npos && line.rfind("device", 0) != 0)
      line.resize(hash);
    if (line.rfind("device ", 0) == 0) r->info = parseDeviceLine(line);
    if (line.rfind("feature ", 0) == 0)
      r->reports.emplace_back(hid::ReportType::Feature, test::hexBytes(line.substr(8)));
    if (line.rfind("input ", 0) == 0)
      r->reports.emplace_back(hid::ReportType::Input, test::hexBytes(line.substr(6)));
  }
  return r;
}

/// A fixture's descriptor, reports and strings behind one UpsModel.
struct Bench {
  std::unique_ptr<Replay> replay;
  UpsModel model;
  hid::ReportState state;
  std::map<std::uint8_t, std::string> strings;

  Bench(const std::string& name, const hid::DeviceInfo& info,
        std::map<std::uint8_t, std::string> s = {})
      : Bench(loadReplay(name), info, std::move(s)) {}
  Bench(std::unique_ptr<Replay> r, const hid::DeviceInfo& info,
        std::map<std::uint8_t, std::string> s = {})
      : replay(std::move(r)), model(replay->descriptor, info), state(replay->descriptor),
        strings(std::move(s)) {
    for (const auto& [type, bytes] : replay->reports)
      state.store(type, bytes);
  }

  core::Snapshot snap() const {
    return model.snapshot(state, [this](std::uint8_t i) {
      auto it = strings.find(i);
      return it == strings.end() ? std::string() : it->second;
    });
  }
  std::string var(const std::string& name) const { return snap().get(name).value_or("<absent>"); }
  std::string status() const { return var("ups.status"); }

  /// Sets one field (logical value) in its report, as an interrupt or poll would.
  void set(std::string_view path, std::int64_t logical) {
    const hid::Field* f = model.findField(path, hid::ReportType::Feature);
    if (f == nullptr) f = model.findField(path, hid::ReportType::Input);
    REQUIRE_MESSAGE(f != nullptr, path);
    auto bytes = state.withLogical(*f, logical);
    REQUIRE(bytes);
    storeReport(state, f->type, *bytes);
  }
};

hid::DeviceInfo eaton(std::string product, std::string serial = "") {
  return {0x0463, 0xffff, 0x0100, "EATON", std::move(product), std::move(serial), "test"};
}

void checkVars(const core::Snapshot& s, const std::map<std::string, std::string>& expected) {
  for (const auto& [name, value] : expected) {
    CAPTURE(name);
    CHECK(s.get(name).value_or("<absent>") == value);
  }
}

} // namespace

// Expected values below are NUT's own decoded path values from NAME.expected.txt,
// formatted as mge-hid.c / apc-hid.c format them.

TEST_CASE("Eaton 5SC 750: variables as NUT gives them") {
  // Strings as the 5SC answers them (NUT issue #2457 upsc of the same unit:
  // device.model "Eaton 5SC 750", battery.type "PbAc").
  Bench b("eaton-5sc-750", eaton("Eaton 5SC", "G132H10156"),
          {{1, "EATON"},
           {2, "Eaton 5SC"},
           {3, "G132H10156"},
           {4, "PbAc"},
           {5, "01.10.0018"},
           {7, "750"}});
  const auto s = b.snap();
  CHECK(b.model.dialect() == hid::Dialect::Mge);
  checkVars(s, {
                   {"battery.charge", "100"},           // PowerSummary.RemainingCapacity 100
                   {"battery.charge.low", "20"},        // RemainingCapacityLimitSetting 20
                   {"battery.charge.restart", "0"},     // RestartLevel 0
                   {"battery.capacity", "7.00"},        // Battery.DesignCapacity 25200 A.s
                   {"battery.runtime", "1772"},         // RunTimeToEmpty 1772
                   {"battery.type", "PbAc"},            // iDeviceChemistry -> string 4
                   {"battery.voltage", "25.8"},         // PowerSummary.Voltage 25.8 (5P/5SC series)
                   {"battery.voltage.nominal", "24"},   // PowerSummary.ConfigVoltage 24
                   {"battery.protection", "yes"},       // DeepDischargeProtection 1
                   {"battery.energysave", "no"},        // Input.[3].EnergySaving 0
                   {"battery.energysave.load", "20"},   // Input.[3].ConfigPercentLoad 20
                   {"battery.energysave.delay", "300"}, // Input.[3].ShutdownTimer 300
                   {"battery.charger.status", "resting"}, // ABMEnable 1, Charger.Mode 4
                   {"ups.model", "Eaton 5SC 750"},
                   {"ups.mfr", "EATON"},
                   {"ups.serial", "G132H10156"},
                   {"ups.firmware", "01.10.0018"},
                   {"ups.vendorid", "0463"},
                   {"ups.productid", "ffff"},
                   {"device.type", "ups"},
                   {"device.model", "Eaton 5SC 750"},
                   {"ups.load", "29"},       // PowerSummary.PercentLoad 29
                   {"ups.load.high", "105"}, // Flow.[4].ConfigPercentLoad 105
                   {"ups.efficiency", "72"},
                   {"ups.power", "137"},                   // Output.ApparentPower 137
                   {"ups.power.nominal", "750"},           // Flow.[4].ConfigApparentPower 750
                   {"ups.realpower", "110"},               // Output.ActivePower 110
                   {"ups.realpower.nominal", "525"},       // Flow.[4].ConfigActivePower 525
                   {"ups.test.result", "Done and passed"}, // Battery.Test 1
                   {"ups.test.interval", "604800"},
                   {"ups.beeper.status", "enabled"}, // Battery.AudibleAlarmControl 2
                   {"ups.delay.shutdown", "20"},     // NUT's server-side defaults
                   {"ups.delay.start", "30"},
                   {"ups.start.auto", "yes"},
                   {"ups.start.battery", "yes"},
                   {"ups.start.reboot", "yes"},
                   {"ups.shutdown", "enabled"}, // PowerSummary.PresentStatus.Switchable 1
                   {"ups.type", "offline / line interactive"}, // ConverterType 1
                   {"input.voltage", "229.0"},                 // Input.[1].Voltage 229
                   {"input.voltage.nominal", "230"},           // Flow.[1].ConfigVoltage 230
                   {"input.frequency", "49.9"},
                   {"input.frequency.nominal", "50"},
                   {"input.current", "0.00"},
                   {"input.transfer.low", "176"},
                   {"input.transfer.high", "264"},
                   {"input.transfer.boost.low", "198"},
                   {"input.transfer.trim.high", "233"},
                   {"input.sensitivity", "high"}, // SensitivityMode 1
                   {"output.voltage", "228.4"},
                   {"output.voltage.nominal", "220"}, // Flow.[4].ConfigVoltage 220
                   {"output.current", "0.60"},
                   {"output.frequency", "49.9"},
                   {"output.frequency.nominal", "50"},
                   {"output.powerfactor", "0.80"}, // Output.PowerFactor 80
                   {"outlet.id", "0"},
                   {"outlet.desc", "Main Outlet"},
                   {"outlet.switchable", "no"},
                   {"outlet.1.status", "on"}, // no Outlet.[2]: PresentStatus.ACPresent
                   // ABM on: Charging=1 is not CHRG, Charger.Mode 4 (resting) adds nothing.
                   {"ups.status", "OL"},
                   {"ups.alarm", "<absent>"},
                   {"input.transfer.reason", "<absent>"},
               });
}

TEST_CASE("Eaton 3S 700: variables and status") {
  Bench b("eaton-3s-700", eaton("3S"), {{11, "700"}});
  const auto s = b.snap();
  checkVars(
      s, {
             {"ups.model", "3S 700"},
             {"battery.charge", "92"},    // RemainingCapacity 92
             {"battery.runtime", "2737"}, // RunTimeToEmpty 2737
             {"battery.charge.low", "20"},
             {"battery.voltage", "<absent>"}, // 3S: NUT does not trust PowerSummary.Voltage (#2887)
             {"battery.charger.status", "floating"}, // Charger.Status 2
             {"ups.load", "7"},                      // PercentLoad 7
             {"ups.power.nominal", "700"},
             {"ups.realpower", "39"},           // estimate: 7% x 700 VA x 0.8
             {"ups.beeper.status", "disabled"}, // Battery.AudibleAlarmControl 1 comes first
             {"ups.timer.shutdown", "-1"},
             {"output.voltage", "230.0"}, // PowerConverter.Output.Voltage 230
             {"output.voltage.nominal", "230"},
             {"input.transfer.low", "184"},
             {"input.transfer.high", "264"},
             {"outlet.id", "0"},
             {"outlet.switchable", "yes"}, // Outlet.[1].Switchable 1
             {"outlet.1.id", "1"},
             {"outlet.1.switchable", "no"},                // Outlet.[2].Switchable 0
             {"outlet.1.status", "on"},                    // Outlet.[2].SwitchOn/Off 1
             {"outlet.1.protect.status", "not protected"}, // Outlet.[2].Status 1 (mge 1.59)
             {"outlet.power", "<absent>"},                 // European 3S (Country 0): no threshold
             {"ups.status", "OL CHRG"},                    // ACPresent 1, Charging 1, no ABM
         });
}

TEST_CASE("Eaton Protection Station 650: variables and status") {
  Bench b("eaton-protection-station", eaton("Protection Station"), {{3, "650"}});
  checkVars(b.snap(), {
                          {"ups.model", "Protection Station 650"},
                          {"battery.charge", "100"},
                          {"battery.runtime", "1875"},
                          {"battery.charge.low", "20"},
                          {"ups.load", "1"},
                          {"ups.power.nominal", "650"},
                          {"ups.realpower", "5"}, // 1% x 650 VA x 0.8 = 5.2
                          {"ups.beeper.status", "enabled"},
                          {"ups.timer.shutdown", "-1"},
                          {"ups.timer.start", "-1"},
                          {"output.voltage", "230.0"},
                          {"input.transfer.low", "161"},
                          {"input.transfer.high", "284"},
                          {"outlet.power", "25"},        // Pegasus master/slave threshold, VA
                          {"outlet.2.switchable", "no"}, // Outlet.[3].Switchable 0
                          {"outlet.2.status", "on"},     // Outlet.[3].SwitchOn/Off 1
                          {"outlet.1.id", "2"},
                          {"outlet.2.id", "3"},
                          // PresentStatus.Charging 1 at battery.charge 100, no ABM: float
                          // charge, not CHRG (mge-hid.c 1.59)
                          {"ups.status", "OL"},
                      });
}

TEST_CASE("APC Back-UPS XS 1400U: the APC table") {
  auto r = loadReplay("apc-back-ups-xs-1400u");
  const hid::DeviceInfo info = r->info;
  Bench b(std::move(r), info, {{4, "PbAc"}});
  CHECK(b.model.dialect() == hid::Dialect::Apc);
  checkVars(b.snap(),
            {
                {"ups.mfr", "American Power Conversion"},
                {"ups.model", "Back-UPS XS 1400U"},
                {"battery.charge", "100"},
                {"battery.charge.low", "10"},
                {"battery.charge.warning", "50"},
                {"battery.runtime", "1464"}, // UPS.Battery.RunTimeToEmpty first
                {"battery.runtime.low", "120"},
                {"battery.voltage", "27.1"}, // UPS.Battery.Voltage 27.09
                {"battery.voltage.nominal", "24.0"},
                {"battery.type", "PbAc"},
                {"battery.mfr.date", "2015/07/02"}, // 18146 packed
                {"battery.date", "2001/09/25"},     // APCBattReplaceDate 0x092501
                {"ups.mfr.date", "2015/07/02"},
                {"ups.load", "16"}, // PowerConverter.PercentLoad
                {"ups.realpower.nominal", "700"},
                {"ups.beeper.status", "enabled"},
                {"ups.test.result", "No test initiated"},
                {"ups.timer.shutdown", "-1"},
                {"ups.timer.reboot", "0"},
                {"ups.delay.shutdown", "20"},
                {"ups.delay.start", "<absent>"}, // no DelayBeforeStartup path
                {"input.transfer.low", "155"},
                {"input.transfer.high", "280"},
                {"input.sensitivity", "medium"},
                {"ups.status", "OL"},                  // ACPresent 1, APCStatusFlag 8 (!off)
                {"input.transfer.reason", "<absent>"}, // APCLineFailCause 11: neither range
            });
}

TEST_CASE("every fixture with reports gives a status and the core variables") {
  for (const auto& name : test::fixturesWithExpected()) {
    CAPTURE(name);
    auto r = loadReplay(name);
    const hid::DeviceInfo info = r->info;
    Bench b(std::move(r), info);
    const auto s = b.snap();
    CHECK(s.hasStatus("OL"));
    CHECK(s.number("battery.charge"));
    CHECK(s.number("battery.runtime"));
    CHECK(s.get("device.type") == "ups");
  }
}

TEST_CASE("status flags from hand-set PresentStatus bits (Protection Station)") {
  Bench b("eaton-protection-station", eaton("Protection Station"), {{3, "650"}});
  REQUIRE(b.status() == "OL"); // Charging 1 at 100 %: float charge
  b.set("UPS.PowerSummary.RemainingCapacity", 90);
  REQUIRE(b.status() == "OL CHRG");

  SUBCASE("on battery, discharging") {
    b.set("UPS.PowerSummary.PresentStatus.ACPresent", 0);
    b.set("UPS.PowerSummary.PresentStatus.Charging", 0);
    b.set("UPS.PowerSummary.PresentStatus.Discharging", 1);
    CHECK(b.status() == "OB DISCHRG");
    b.set("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", 1);
    CHECK(b.status() == "OB DISCHRG LB");
    CHECK(b.var("outlet.1.status") == "off"); // low-end units: the outlet follows ACPresent
  }
  SUBCASE("shutdown imminent is LB with an alarm") {
    b.set("UPS.PowerSummary.PresentStatus.ShutdownImminent", 1);
    CHECK(b.status() == "ALARM OL CHRG LB");
    CHECK(b.var("ups.alarm") == "Shutdown imminent!");
  }
  SUBCASE("replace battery") {
    b.set("UPS.PowerSummary.PresentStatus.NeedReplacement", 1);
    CHECK(b.status() == "ALARM OL CHRG RB");
    CHECK(b.var("ups.alarm") == "Replace battery!");
  }
  SUBCASE("overload") {
    b.set("UPS.PowerSummary.PresentStatus.Overload", 1);
    CHECK(b.status() == "OL CHRG OVER");
  }
  SUBCASE("not Good is OFF") {
    b.set("UPS.PowerSummary.PresentStatus.Good", 0);
    CHECK(b.status() == "OL CHRG OFF");
  }
  SUBCASE("internal failure raises an alarm only") {
    b.set("UPS.PowerSummary.PresentStatus.InternalFailure", 1);
    CHECK(b.status() == "ALARM OL CHRG");
    CHECK(b.var("ups.alarm") == "Internal UPS fault!");
  }
}

TEST_CASE("status flags on a 5SC: TRIM, BOOST, ABM, converter input, alarms") {
  Bench b("eaton-5sc-750", eaton("Eaton 5SC"), {{7, "750"}});
  REQUIRE(b.status() == "OL");

  SUBCASE("buck is TRIM, boost is BOOST, input voltage out of range is the transfer reason") {
    b.set("UPS.PowerConverter.Input.[1].PresentStatus.Buck", 1);
    CHECK(b.status() == "OL TRIM");
    b.set("UPS.PowerConverter.Input.[1].PresentStatus.Buck", 0);
    b.set("UPS.PowerConverter.Input.[1].PresentStatus.Boost", 1);
    CHECK(b.status() == "OL BOOST");
    b.set("UPS.PowerConverter.Input.[1].PresentStatus.VoltageOutOfRange", 1);
    CHECK(b.var("input.transfer.reason") == "input voltage out of range");
  }
  SUBCASE("ABM on: the charger mode gives CHRG and DISCHRG") {
    b.set("UPS.BatterySystem.Charger.Mode", 1);
    CHECK(b.status() == "OL CHRG");
    CHECK(b.var("battery.charger.status") == "charging");
    b.set("UPS.PowerSummary.PresentStatus.ACPresent", 0);
    b.set("UPS.PowerConverter.Input.[1].PresentStatus.Used", 0);
    b.set("UPS.BatterySystem.Charger.Mode", 2);
    CHECK(b.status() == "OB DISCHRG");
  }
  SUBCASE("ABM off: PresentStatus.Charging is trusted below 100 %, no charger status") {
    b.set("UPS.BatterySystem.Charger.ABMEnable", 0);
    CHECK(b.status() == "OL"); // battery.charge 100: float charge (mge-hid.c 1.59)
    b.set("UPS.PowerSummary.RemainingCapacity", 99);
    CHECK(b.status() == "OL CHRG");
    CHECK(b.var("battery.charger.status") == "<absent>");
  }
  SUBCASE("the converter input decides after ACPresent, as in NUT's table order") {
    b.set("UPS.PowerSummary.PresentStatus.ACPresent", 0);
    CHECK(b.status() == "OL"); // Input.[1].PresentStatus.Used still 1
    b.set("UPS.PowerConverter.Input.[1].PresentStatus.Used", 0);
    CHECK(b.status() == "OB");
  }
  SUBCASE("vendor alarm") {
    b.set("UPS.PowerSummary.PresentStatus.ConfigurationFailure", 1);
    CHECK(b.var("ups.alarm") == "Fatal EEPROM fault!");
    CHECK(b.status() == "ALARM OL");
  }
  SUBCASE("battery absent is RB") {
    b.set("UPS.BatterySystem.Battery.PresentStatus.Present", 0);
    CHECK(b.status() == "ALARM OL RB");
    CHECK(b.var("ups.alarm") == "No battery installed!");
  }
}

TEST_CASE("APC: time limit expired is LB, APCStatusFlag 0 is OFF") {
  auto r = loadReplay("apc-back-ups-xs-1400u");
  const hid::DeviceInfo info = r->info;
  Bench b(std::move(r), info);
  b.set("UPS.PowerSummary.PresentStatus.RemainingTimeLimitExpired", 1);
  CHECK(b.status() == "OL LB");
  b.set("UPS.PowerSummary.APCStatusFlag", 0);
  CHECK(b.status() == "OL LB OFF");
}

TEST_CASE("an interrupt Input report changes the status at once") {
  Bench b("eaton-protection-station", eaton("Protection Station"));
  // ACPresent 0, Discharging 1 (bit 4), Good 1 (bit 5): as the 1-bit report 0x01 says it.
  const std::vector<std::uint8_t> onBattery{0x01, 0x30, 0x00, 0x00};
  storeReport(b.state, hid::ReportType::Input, onBattery);
  CHECK(b.status() == "OB DISCHRG");
  CHECK(*b.state.bytes(hid::ReportType::Feature, 0x01) == onBattery);
}

TEST_CASE("a report never read gives no variable") {
  auto r = loadReplay("eaton-protection-station");
  std::vector<std::pair<hid::ReportType, std::vector<std::uint8_t>>> reports;
  std::swap(reports, r->reports);
  Bench b(std::move(r), eaton("Protection Station", "AB123"));

  auto s = b.snap();
  CHECK_FALSE(s.get("battery.charge"));
  CHECK_FALSE(s.get("ups.status"));
  CHECK_FALSE(s.get("ups.load"));
  CHECK_FALSE(s.get("ups.alarm"));
  CHECK(s.get("ups.delay.shutdown") == "20");        // server-side: the path exists
  CHECK(s.get("ups.model") == "Protection Station"); // no iModel, no ConfigApparentPower yet
  CHECK(s.get("ups.serial") == "AB123");
  CHECK(s.get("device.serial") == "AB123");
  CHECK(s.get("ups.vendorid") == "0463");

  b.state.store(hid::ReportType::Feature,
                std::vector<std::uint8_t>{0x06, 0x5a, 0x53, 0x07, 0x00, 0x00});
  s = b.snap();
  CHECK(s.get("battery.charge") == "90");
  CHECK(s.get("battery.runtime") == "1875");
  CHECK_FALSE(s.get("ups.status"));

  // Input only: its fields are read although the Feature report is still unknown.
  b.state.store(hid::ReportType::Input, std::vector<std::uint8_t>{0x01, 0x25, 0x00, 0x00});
  CHECK(b.snap().get("ups.status") == "OL CHRG");
}

TEST_CASE("model names: iModel string, ConfigApparentPower fallback, NUT's table") {
  SUBCASE("Ellipse PRO from iProduct + ConfigApparentPower") {
    Bench b("eaton-protection-station", eaton("Ellipse PRO"));
    CHECK(b.var("ups.model") == "Ellipse PRO 650");
    CHECK(b.var("outlet.power") == "<absent>"); // not a Pegasus unit
  }
  SUBCASE("Ellipse PRO from iModel") {
    Bench b("eaton-protection-station", eaton("Ellipse PRO"), {{3, "850"}});
    CHECK(b.var("ups.model") == "Ellipse PRO 850");
  }
  SUBCASE("renamed by the table") {
    Bench b("eaton-protection-station", eaton("ELLIPSE"), {{3, "650"}});
    CHECK(b.var("ups.model") == "ellipse 650");
  }
  SUBCASE("no iProduct") {
    Bench b("eaton-protection-station", eaton(""));
    CHECK(b.var("ups.model") == "unknown 650");
    CHECK(b.var("ups.mfr") == "EATON");
  }
}

TEST_CASE("findField and polledReports") {
  Bench b("eaton-protection-station", eaton("Protection Station"));
  const hid::Field* f = b.model.findField("UPS.PowerSummary.DelayBeforeShutdown");
  REQUIRE(f != nullptr);
  CHECK(f->reportId == 0x09);
  CHECK(b.model.findField("UPS.PowerSummary.DelayBeforeShutdown", hid::ReportType::Input) ==
        nullptr);
  CHECK(b.model.findField("UPS.PowerSummary.PresentStatus.ACPresent", hid::ReportType::Input) !=
        nullptr);
  CHECK(b.model.findField("UPS.No.Such.Path") == nullptr);

  const auto& polled = b.model.polledReports();
  CHECK(std::is_sorted(polled.begin(), polled.end()));
  for (int id : {0x01, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x10, 0x22})
    CHECK_MESSAGE(std::count(polled.begin(), polled.end(), id) == 1, id);
  for (std::uint8_t id : polled)
    CHECK(b.replay->descriptor.report(hid::ReportType::Feature, id) != nullptr);
}

TEST_CASE("APC model string carries the firmware") {
  auto r = loadReplay("apc-back-ups-xs-1400u");
  hid::DeviceInfo info = r->info;
  info.product = "Back-UPS XS 1400U FW:926.T1.I USB FW:T1";
  Bench b(std::move(r), info);
  CHECK(b.var("ups.model") == "Back-UPS XS 1400U");
  CHECK(b.var("ups.firmware") == "926.T1.I");
  CHECK(b.var("ups.firmware.aux") == "T1");
}

namespace {

struct FromPath {
  const char* variable;
  const char* path;
  int decimals;
};

/// NUT's value of `path` in NAME.expected.txt (Feature line), printf'd.
std::optional<std::string> nutValue(const std::vector<test::ExpectedPath>& lines,
                                    const std::string& path, int decimals) {
  for (const auto& l : lines)
    if (l.path == path && l.type == "Feature") {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*f", decimals, std::stod(l.value));
      return std::string(buf);
    }
  return std::nullopt;
}

} // namespace

/// Paths where the fixture's NUT log is known to be wrong (an older NUT): the
/// exact values on both sides are asserted in tests/src/test_probe.cpp.
bool knownNutDeviation(const std::string& fixture, const std::string& path) {
  return (fixture == "eaton-5sc-750" && (path == "UPS.PowerSummary.DelayBeforeShutdown" ||
                                         path == "UPS.PowerSummary.DelayBeforeStartup")) ||
         (fixture == "apc-back-ups-xs-1400u" &&
          (path == "UPS.Input.Voltage" || path == "UPS.Input.ConfigVoltage"));
}

// Mapping and formatting are checked above; this also checks the decoder
// (hid/field_codec) against NUT.
TEST_CASE("numeric variables equal NUT's decoded value of their path, formatted") {
  static const FromPath kEaton[] = {
      {"battery.charge", "UPS.PowerSummary.RemainingCapacity", 0},
      {"battery.runtime", "UPS.PowerSummary.RunTimeToEmpty", 0},
      {"ups.load", "UPS.PowerSummary.PercentLoad", 0},
      {"ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", 0},
      {"ups.timer.shutdown", "UPS.PowerSummary.DelayBeforeShutdown", 0},
      {"ups.timer.start", "UPS.PowerSummary.DelayBeforeStartup", 0},
      {"input.voltage", "UPS.PowerConverter.Input.[1].Voltage", 1},
      {"input.frequency", "UPS.PowerConverter.Input.[1].Frequency", 1},
      {"output.voltage", "UPS.PowerConverter.Output.Voltage", 1},
      {"output.frequency", "UPS.PowerConverter.Output.Frequency", 1},
      {"input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer", 0},
      {"input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer", 0},
  };
  static const FromPath kApc[] = {
      {"battery.charge", "UPS.PowerSummary.RemainingCapacity", 0},
      {"battery.runtime", "UPS.Battery.RunTimeToEmpty", 0},
      {"battery.voltage", "UPS.Battery.Voltage", 1},
      {"ups.load", "UPS.PowerConverter.PercentLoad", 0},
      {"input.voltage", "UPS.Input.Voltage", 1},
      {"input.voltage.nominal", "UPS.Input.ConfigVoltage", 0},
      {"input.transfer.low", "UPS.Input.LowVoltageTransfer", 0},
      {"input.transfer.high", "UPS.Input.HighVoltageTransfer", 0},
  };
  for (const auto& name : test::fixturesWithExpected()) {
    CAPTURE(name);
    auto r = loadReplay(name);
    const hid::DeviceInfo info = r->info;
    Bench b(std::move(r), info);
    const auto s = b.snap();
    const auto lines = test::readExpected(test::fixturesDir() / (name + ".expected.txt"));
    const bool apc = b.model.dialect() == hid::Dialect::Apc;
    for (const auto& m :
         apc ? std::span<const FromPath>(kApc) : std::span<const FromPath>(kEaton)) {
      const std::string variable = m.variable;
      CAPTURE(variable);
      if (knownNutDeviation(name, m.path)) continue;
      CHECK(s.get(m.variable).value_or("<absent>") ==
            nutValue(lines, m.path, m.decimals).value_or("<absent>"));
    }
  }
}
