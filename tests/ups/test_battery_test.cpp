// SPDX-License-Identifier: GPL-2.0-or-later
// Battery tests are not outages: the monitor on a manual clock, then whole stories on a replay.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "tests/support/test_support.hpp"
#include "ups/battery_test.hpp"
#include "ups/device_reader.hpp"
#include "ups/engine.hpp"
#include "ups/monitor.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

core::Clock::time_point at(double s) {
  return core::Clock::time_point{} +
         std::chrono::duration_cast<core::Clock::duration>(core::Seconds(s));
}

double secondsOf(core::Clock::time_point tp) {
  return core::Seconds(tp.time_since_epoch()).count();
}

using Vars = std::map<std::string, std::string>;

/// A Monitor driven as the engine drives it: timers at their deadlines, every event kept.
struct Policy {
  explicit Policy(PolicyOptions o = {}) : monitor(o) {}

  void until(double s) {
    for (auto next = monitor.nextDeadline(); next && *next <= at(s); next = monitor.nextDeadline())
      keep(monitor.tick(*next));
  }
  void snapshot(double s, const std::string& status, Vars vars = {}) {
    until(s);
    vars["ups.status"] = status;
    keep(monitor.onSnapshot(core::Snapshot{vars, at(s)}, at(s)));
  }
  void request(double s, std::string kind = "quick") {
    until(s);
    keep(monitor.onTestRequested(at(s), std::move(kind), "schedule"));
  }
  void keep(std::vector<core::Event> more) {
    for (auto& e : more)
      events.push_back(std::move(e));
  }
  std::string story() const {
    std::string out;
    for (const auto& e : events)
      out += fmt::format("{}{}@{:g}", out.empty() ? "" : " ", core::eventName(e.kind),
                         secondsOf(e.time));
    return out;
  }
  const core::Event& find(core::EventKind kind) const {
    for (const auto& e : events)
      if (e.kind == kind) return e;
    FAIL("no such event");
    return events.front();
  }

  Monitor monitor;
  std::vector<core::Event> events;
};

const Vars kRunning{{"ups.test.result", "In progress"}, {"battery.charge", "100"}};
const Vars kPassed{{"ups.test.result", "Done and passed"}, {"battery.charge", "98"}};

} // namespace

TEST_CASE("a test we start: on battery for it is no outage, its result ends it") {
  Policy p;
  p.snapshot(0, "OL");
  p.request(10);
  p.snapshot(11, "OB DISCHRG", kRunning);
  p.snapshot(30, "OB DISCHRG", kRunning);
  p.snapshot(40, "OL CHRG", kPassed);
  p.until(100);
  CHECK(p.story() == "startselftest@10 endselftest@40");
  const auto& start = p.find(core::EventKind::TestStarted);
  CHECK(start.reason == core::Phrase("reason.test_started")
                            .with("kind", core::Phrase("test.kind.quick"))
                            .with("who", core::Phrase("test.by.schedule")));
  REQUIRE(start.test.has_value());
  CHECK(start.test->startedBy == "schedule");
  const auto& end = p.find(core::EventKind::TestFinished);
  CHECK(end.reason == core::Phrase("reason.test_finished").with("result", "Done and passed"));
  CHECK(end.test->result == "Done and passed");
  CHECK_FALSE(end.test->failed);
  CHECK_FALSE(p.monitor.testRunning());
}

TEST_CASE("a failed test says so; a second request while one runs is ignored") {
  Policy p;
  p.request(0);
  p.request(1);
  p.snapshot(2, "OB", kRunning);
  p.snapshot(20, "OL", {{"ups.test.result", "Done and error"}});
  CHECK(p.story() == "startselftest@0 endselftest@20");
  CHECK(p.find(core::EventKind::TestFinished).test->failed);
}

TEST_CASE("safety first: low battery during a test shuts down as in any outage") {
  Policy p;
  p.request(0);
  p.snapshot(2, "OB DISCHRG", kRunning);
  p.snapshot(30, "OB DISCHRG LB", kRunning);
  CHECK(p.story() == "startselftest@0 onbatt@30 lowbatt@30 shutdown@30");
}

TEST_CASE("safety first: the charge and runtime thresholds hold during a test") {
  PolicyOptions o;
  o.shutdownChargeBelow = 50;
  Policy p(o);
  p.request(0);
  p.snapshot(2, "OB", kRunning);
  p.snapshot(20, "OB", {{"ups.test.result", "In progress"}, {"battery.charge", "45"}});
  CHECK(p.story() == "startselftest@0 onbatt@20 shutdown@20");
  CHECK(p.find(core::EventKind::Shutdown).reason ==
        core::Phrase("reason.charge_below").with("charge", "45").with("limit", "50"));
}

TEST_CASE("the UPS's own test, seen a poll after its OB: the pending outage was the test") {
  Policy p; // on_battery_delay 5 s
  p.snapshot(0, "OL");
  p.snapshot(10, "OB DISCHRG");
  p.snapshot(12, "OB DISCHRG", kRunning);
  p.snapshot(30, "OL", kPassed);
  p.until(100);
  CHECK(p.story() == "startselftest@12 endselftest@30");
  CHECK(p.find(core::EventKind::TestStarted).test->startedBy == "ups");
}

TEST_CASE("CAL in ups.status is a deep test of the UPS's own") {
  Policy p;
  p.snapshot(0, "OL CAL");
  p.snapshot(1, "OB CAL");
  p.snapshot(600, "OL");
  CHECK(p.story() == "startselftest@0 endselftest@600");
  CHECK(p.find(core::EventKind::TestStarted).test->kind == "deep");
}

TEST_CASE("an outage announced before the test showed stays an outage") {
  PolicyOptions o;
  o.onBatteryDelay = std::chrono::seconds(0);
  Policy p(o);
  p.snapshot(10, "OB");
  p.snapshot(12, "OB", kRunning);
  p.snapshot(30, "OL", kPassed);
  p.until(100);
  CHECK(p.story() == "onbatt@10 startselftest@12 endselftest@30 online@35");
}

TEST_CASE("still on battery when the test ends: the outage starts then") {
  Policy p;
  p.request(0);
  p.snapshot(1, "OB", kRunning);
  p.snapshot(20, "OB", kPassed);
  p.until(100);
  CHECK(p.story() == "startselftest@0 endselftest@20 onbatt@25");
}

TEST_CASE("mains visibly gone during a test: the hold ends, the outage starts") {
  Policy p;
  Vars running = kRunning;
  running["input.voltage"] = "230";
  running["input.transfer.low"] = "184";
  p.request(0);
  p.snapshot(1, "OB", running);
  running["input.voltage"] = "0";
  p.snapshot(8, "OB", running);
  p.until(20);
  CHECK(p.story() == "startselftest@0 onbatt@13");
}

TEST_CASE("a test that never ends is held no longer than max_duration") {
  PolicyOptions o;
  o.testHoldLimit = std::chrono::seconds(100);
  Policy p(o);
  p.request(0);
  p.snapshot(1, "OB", kRunning);
  p.snapshot(90, "OB", kRunning);
  p.until(200);
  CHECK(p.story() == "startselftest@0 endselftest@100 onbatt@105");
  CHECK(p.find(core::EventKind::TestFinished).test->result ==
        "no result after 100 s: no longer held as a test");
}

TEST_CASE("a test the UPS never shows ends after the start grace; a failed command at once") {
  Policy p;
  p.request(0);
  p.snapshot(5, "OL", kPassed);
  p.until(100);
  CHECK(p.story() == "startselftest@0 endselftest@30");
  CHECK(p.find(core::EventKind::TestFinished).test->result == "Done and passed");

  Policy q;
  q.request(0);
  q.keep(q.monitor.onTestFailed(at(1), "not started: no UPS connected"));
  CHECK(q.story() == "startselftest@0 endselftest@1");
  CHECK(q.find(core::EventKind::TestFinished).test->result == "not started: no UPS connected");
}

TEST_CASE("mainsAbsent reads input.voltage against the transfer point, the nominal, 50 V") {
  CHECK(mainsAbsent(core::Snapshot{{{"input.voltage", "0"}}, {}}));
  CHECK_FALSE(mainsAbsent(core::Snapshot{{{"input.voltage", "230"}}, {}}));
  CHECK(mainsAbsent(core::Snapshot{{{"input.voltage", "170"}, {"input.transfer.low", "184"}}, {}}));
  CHECK(mainsAbsent(
      core::Snapshot{{{"input.voltage", "100"}, {"input.voltage.nominal", "230"}}, {}}));
  CHECK_FALSE(mainsAbsent(core::Snapshot{{}, {}}));
}

// The same on the real reader and engine, replayed from the Eaton 5SC 750 capture (which has
// UPS.BatterySystem.Battery.Test): OB comes in an input report, the test status at the next
// feature poll.
namespace {

constexpr auto kStatus = "UPS.PowerSummary.PresentStatus.";
constexpr auto kTest = "UPS.BatterySystem.Battery.Test";

class Events final : public EventSink {
public:
  void onEvent(const core::Event& e) noexcept override {
    out += fmt::format("{}{}", out.empty() ? "" : " ", core::eventName(e.kind));
  }
  std::string out;
};

std::string onBattery(double t, bool ob) {
  std::string s;
  for (const auto& [field, value] :
       {std::pair{"ACPresent", ob ? 0 : 1}, {"Discharging", ob ? 1 : 0}, {"Charging", ob ? 0 : 1}})
    s += fmt::format("at {} set {}{} {}\n", t, kStatus, field, value);
  for (const char* input : {"UPS.PowerConverter.Input.[1]", "UPS.PowerConverter.Input.[3]"})
    s += fmt::format("at {} set {}.PresentStatus.Used {}\n", t, input, ob ? 0 : 1);
  return s;
}

std::string runReplay(const std::string& timeline, double until, PolicyOptions policy = {},
                      bool request = false) {
  core::ManualClock clock;
  auto device = std::make_shared<hid::ReplayDevice>(
      hid::parseReplay(t::readFile(t::fixturesDir() / "eaton-5sc-750.replay") + "\n" + timeline,
                       "eaton-5sc-750+test"),
      clock, std::chrono::milliseconds(250));
  Events events;
  Engine engine(policy, clock, events);
  DeviceReader reader([device] { return std::make_unique<hid::SharedDevice>(device); }, clock,
                      engine);
  reader.runUntil(at(5));
  if (request) engine.requestTest("quick", "schedule");
  reader.runUntil(at(until));
  return events.out;
}

} // namespace

TEST_CASE("replay: the UPS's own quick test is no outage; a real outage after it is one") {
  const std::string test = onBattery(10, true) + fmt::format("at 10 set {} 5\n", kTest) +
                           onBattery(25, false) + fmt::format("at 25 set {} 1\n", kTest);
  CHECK(runReplay(test, 60) == "startselftest endselftest");
  CHECK(runReplay(test + onBattery(40, true) + onBattery(80, false), 100) ==
        "startselftest endselftest onbatt online");
}

TEST_CASE("replay: a test we start holds even before the UPS reports it") {
  PolicyOptions o;
  o.onBatteryDelay = std::chrono::seconds(0);
  const std::string test = onBattery(6, true) + fmt::format("at 8 set {} 5\n", kTest) +
                           onBattery(20, false) + fmt::format("at 20 set {} 1\n", kTest);
  CHECK(runReplay(test, 60, o, true) == "startselftest endselftest");
  CHECK(runReplay(test, 60, o, false) == "onbatt startselftest endselftest online");
}
