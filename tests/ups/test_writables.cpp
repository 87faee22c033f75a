// SPDX-License-Identifier: GPL-2.0-or-later
// What NUT clients may write: the ST_FLAG_RW rows on each fixture, ranges, enums, refusals.
#include <doctest/doctest.h>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "tests/support/test_support.hpp"
#include "ups/ups_commands.hpp"
#include "ups/writables.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

/// A fixture's device, model and report state, as the device thread has them.
struct Connection {
  core::ManualClock clock;
  hid::ReplayDevice device;
  hid::ReportDescriptor descriptor;
  UpsModel model;
  hid::ReportState state;

  explicit Connection(const std::string& fixture)
      : device(hid::loadReplay(t::fixturesDir() / (fixture + ".replay")), clock),
        descriptor(hid::ReportDescriptor::parse(device.reportDescriptor())),
        model(descriptor, device.info()), state(descriptor) {}

  const Writable* find(const std::string& name) {
    static std::vector<Writable> all;
    all = writablesOf(model);
    for (const auto& w : all)
      if (w.name == name) return &w;
    return nullptr;
  }
};

std::string names(const std::vector<Writable>& all) {
  std::string out;
  for (const auto& w : all)
    out += (out.empty() ? "" : " ") + w.name;
  return out;
}

} // namespace

TEST_CASE("the writable variables of each fixture, as NUT's ST_FLAG_RW rows give them") {
  Connection e5sc("eaton-5sc-750");
  CHECK(names(writablesOf(e5sc.model)) ==
        "battery.charge.low battery.charge.restart battery.energysave battery.energysave.delay "
        "battery.energysave.load battery.protection input.sensitivity ups.delay.shutdown "
        "ups.delay.start ups.load.high ups.shutdown ups.start.auto ups.start.battery "
        "ups.start.reboot ups.test.interval");
  Connection apc("apc-back-ups-xs-1400u");
  CHECK(names(writablesOf(apc.model)) ==
        "battery.charge.low battery.mfr.date battery.runtime.low input.sensitivity "
        "input.transfer.high input.transfer.low ups.delay.shutdown");
}

TEST_CASE("a number outside the field's range or NUT's is refused, before any write") {
  Connection c("eaton-5sc-750");
  const auto* w = c.find("battery.charge.low");
  REQUIRE(w != nullptr);
  REQUIRE(w->range);
  CHECK(w->range->first == 0);
  CHECK(w->range->second == 100); // a percentage, though the field holds 0..255
  CHECK(w->maxLength == 5);
  CHECK_THROWS_WITH_AS(writeVariable("battery.charge.low", "999", c.device, c.model, c.state),
                       "battery.charge.low: 999 is out of range 0..100", CommandError);
  CHECK_THROWS_WITH_AS(writeVariable("battery.charge.low", "ten", c.device, c.model, c.state),
                       "battery.charge.low: 'ten' is not a number", CommandError);
  CHECK(c.device.writes().empty());
  const auto trace = writeVariable("battery.charge.low", "25", c.device, c.model, c.state);
  REQUIRE(c.device.writes().size() == 1);
  CHECK(trace.front().find("RemainingCapacityLimitSetting = 25") != std::string::npos);
  CHECK(c.model.value(c.state, "UPS.PowerSummary.RemainingCapacityLimitSetting") == 25);
}

TEST_CASE("an enum takes one of its texts, written as the table's value") {
  Connection c("eaton-5sc-750");
  const auto* w = c.find("input.sensitivity");
  REQUIRE(w != nullptr);
  CHECK(w->enumValues == std::vector<std::string>{"normal", "high", "low"});
  CHECK_FALSE(w->range);
  CHECK_THROWS_WITH_AS(writeVariable("input.sensitivity", "medium", c.device, c.model, c.state),
                       "input.sensitivity: 'medium' is not one of: normal, high, low",
                       CommandError);
  writeVariable("input.sensitivity", "high", c.device, c.model, c.state);
  CHECK(c.model.value(c.state, "UPS.PowerConverter.Output.SensitivityMode") == 1);
}

TEST_CASE("the delays are the daemon's: a write changes the options, not the UPS") {
  Connection c("eaton-5sc-750");
  const auto* w = c.find("ups.delay.shutdown");
  REQUIRE(w != nullptr);
  REQUIRE(w->range);
  CHECK(w->range->first == 0);
  writeVariable("ups.delay.shutdown", "45", c.device, c.model, c.state);
  CHECK(c.model.options().offDelay == 45);
  CHECK(c.device.writes().empty());
  CHECK_THROWS_AS(writeVariable("ups.delay.start", "-5", c.device, c.model, c.state), CommandError);
}

TEST_CASE("a date is written packed, as PDC 1.0 says") {
  Connection c("apc-back-ups-xs-1400u");
  writeVariable("battery.mfr.date", "2024/05/17", c.device, c.model, c.state);
  CHECK(c.model.value(c.state, "UPS.Battery.ManufacturerDate") ==
        (2024 - 1980) * 512 + 5 * 32 + 17);
  CHECK_THROWS_AS(writeVariable("battery.mfr.date", "2024-05-17", c.device, c.model, c.state),
                  CommandError);
  CHECK_THROWS_AS(writeVariable("battery.mfr.date", "2024/13/01", c.device, c.model, c.state),
                  CommandError);
}

TEST_CASE("a variable the UPS has not, or that is read-only, is not writable") {
  Connection c("eaton-3s-700");
  CHECK_THROWS_WITH_AS(writeVariable("input.sensitivity", "high", c.device, c.model, c.state),
                       "this UPS cannot set input.sensitivity", CommandError);
  CHECK_THROWS_AS(writeVariable("battery.charge", "50", c.device, c.model, c.state), CommandError);
}
