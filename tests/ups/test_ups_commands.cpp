// SPDX-License-Identifier: GPL-2.0-or-later
// Instant commands against replayed real UPSes: the exact feature reports written.
#include <doctest/doctest.h>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "tests/support/test_support.hpp"
#include "ups/ups_commands.hpp"

namespace hidupsd {
namespace {

namespace t = test;
using Bytes = std::vector<std::uint8_t>;

hid::ReplayScript script(const std::string& fixture, const std::string& extra = "") {
  const auto path = t::fixturesDir() / (fixture + ".replay");
  return hid::parseReplay(t::readFile(path) + "\n" + extra, path.string());
}

/// A replayed UPS with its descriptor parsed and a model over it.
struct Ups {
  core::ManualClock clock;
  hid::ReplayDevice device;
  hid::ReportDescriptor descriptor;
  UpsModel model;
  hid::ReportState state;
  Ups(const std::string& fixture, ModelOptions delays = {60, 90}, const std::string& extra = "")
      : device(script(fixture, extra), clock),
        descriptor(hid::ReportDescriptor::parse(device.reportDescriptor())),
        model(descriptor, device.info(), delays), state(descriptor) {}
};

TEST_CASE("the Eaton 5SC supports every command; the APC Back-UPS none of the delay ones") {
  Ups eaton("eaton-5sc-750");
  CHECK(supportedCommands(eaton.model) ==
        std::vector<std::string>{"beeper.disable", "beeper.enable", "beeper.mute", "load.off.delay",
                                 "load.on.delay", "shutdown.return", "shutdown.stayoff",
                                 "shutdown.stop", "test.battery.start.deep",
                                 "test.battery.start.quick", "test.battery.stop"});
  Ups apc("apc-back-ups-xs-1400u");
  const auto apcCommands = supportedCommands(apc.model);
  CHECK(std::find(apcCommands.begin(), apcCommands.end(), "shutdown.return") == apcCommands.end());
  for (std::size_t i = 1; i < instantCommands().size(); ++i)
    CHECK(instantCommands()[i - 1].name < instantCommands()[i].name);
}

TEST_CASE("shutdown.return: the start delay first, then the shutdown delay, as NUT writes them") {
  Ups ups("eaton-5sc-750");
  const auto trace =
      runInstantCommand("shutdown.return", std::nullopt, ups.device, ups.model, ups.state);
  CHECK(ups.device.writes() == std::vector<Bytes>{{0x0a, 90, 0, 0, 0}, {0x09, 60, 0, 0, 0}});
  CHECK(trace ==
        CommandTrace{"UPS.PowerSummary.DelayBeforeStartup = 90 (SET_REPORT feature 0x0a: 0a 5a "
                     "00 00 00)",
                     "UPS.PowerSummary.DelayBeforeShutdown = 60 (SET_REPORT feature 0x09: 09 3c "
                     "00 00 00)"});
  // The UPS now reports the timers it was given.
  CHECK(ups.device.getFeatureReport(0x09) == Bytes{0x09, 60, 0, 0, 0});
}

TEST_CASE("delay commands take a given value; stop and stayoff write -1") {
  Ups ups("eaton-5sc-750");
  runInstantCommand("load.off.delay", 30, ups.device, ups.model, ups.state);
  runInstantCommand("shutdown.stop", std::nullopt, ups.device, ups.model, ups.state);
  runInstantCommand("shutdown.stayoff", std::nullopt, ups.device, ups.model, ups.state);
  CHECK(ups.device.writes() == std::vector<Bytes>{{0x09, 30, 0, 0, 0},
                                                  {0x09, 0xff, 0xff, 0xff, 0xff},
                                                  {0x0a, 0xff, 0xff, 0xff, 0xff},
                                                  {0x09, 60, 0, 0, 0}});
}

TEST_CASE("beeper and battery test commands keep the rest of their report as the UPS said") {
  Ups ups("eaton-5sc-750");
  const auto battery = ups.device.getFeatureReport(0x28);
  const auto summary = ups.device.getFeatureReport(0x13);
  // The 5SC has the beeper in two places: both are written, the one the status reads first.
  runInstantCommand("beeper.disable", std::nullopt, ups.device, ups.model, ups.state);
  REQUIRE(ups.device.writes().size() == 2);
  Bytes expected = battery;
  expected[1] = 1; // UPS.BatterySystem.Battery.AudibleAlarmControl: bits 0..7 of report 0x28
  CHECK(ups.device.writes()[0] == expected);
  expected = summary;
  expected[1] = 1; // UPS.PowerSummary.AudibleAlarmControl: bits 0..7 of report 0x13
  CHECK(ups.device.writes()[1] == expected);
  runInstantCommand("test.battery.start.quick", std::nullopt, ups.device, ups.model, ups.state);
  REQUIRE(ups.device.writes().size() == 3);
  CHECK(ups.device.writes()[2][0] == 0x24);
  CHECK(ups.device.writes()[2][1] == 1);
}

TEST_CASE("refused commands write nothing; a device error names the command") {
  Ups ups("eaton-5sc-750");
  CHECK_THROWS_WITH_AS(
      runInstantCommand("load.explode", std::nullopt, ups.device, ups.model, ups.state),
      "unknown command 'load.explode'", CommandError);
  CHECK_THROWS_WITH_AS(runInstantCommand("load.off.delay", 40000, ups.device, ups.model, ups.state),
                       "load.off.delay: 40000 is out of range (-1..32767)", CommandError);
  Ups apc("apc-back-ups-xs-1400u");
  CHECK_THROWS_AS(
      runInstantCommand("shutdown.return", std::nullopt, apc.device, apc.model, apc.state),
      CommandError);
  CHECK(ups.device.writes().empty());
  CHECK(apc.device.writes().empty());
  Ups gone("eaton-5sc-750", {60, 90}, "at 1 disconnect");
  gone.clock.advance(std::chrono::seconds(2));
  CHECK_THROWS_WITH_AS(
      runInstantCommand("shutdown.return", std::nullopt, gone.device, gone.model, gone.state),
      doctest::Contains("shutdown.return: "), hid::DeviceError);
}

} // namespace
} // namespace hidupsd
