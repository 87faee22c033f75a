// SPDX-License-Identifier: GPL-2.0-or-later
// Monitor: scenario tables in, the exact event sequence and times out.
#include <doctest/doctest.h>

#include <chrono>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "ups/monitor.hpp"

using namespace hidupsd;
using std::chrono::seconds;

using hidupsd::core::Phrase;

namespace {

const core::Clock::time_point kEpoch = core::Clock::time_point{} + std::chrono::hours(1000);

core::Clock::time_point at(double s) {
  return kEpoch + std::chrono::duration_cast<core::Clock::duration>(core::Seconds(s));
}

double secondsOf(core::Clock::time_point t) { return core::Seconds(t - kEpoch).count(); }

/// One line of a scenario: at `at` s, ups.status `status` (with `vars`);
/// "lost" / "restored" are comm changes, "-" a snapshot without ups.status.
struct Input {
  double at;
  std::string status;
  std::map<std::string, std::string> vars = {};
};

/// One expected event: name and time in seconds.
struct Expected {
  std::string name;
  double at;
};

std::string str(const std::vector<core::Event>& events) {
  std::string out;
  for (const auto& e : events)
    out += fmt::format("{}{}@{:g}", out.empty() ? "" : " ", core::eventName(e.kind),
                       secondsOf(e.time));
  return out;
}

std::string str(std::initializer_list<Expected> expected) {
  std::string out;
  for (const auto& e : expected)
    out += fmt::format("{}{}@{:g}", out.empty() ? "" : " ", e.name, e.at);
  return out;
}

/// Drives a Monitor as the daemon does: runs tick() at every nextDeadline()
/// before the next input, and records every event.
struct Driver {
  Monitor monitor;
  std::vector<core::Event> events;

  explicit Driver(PolicyOptions options = {}) : monitor(options) {}

  void record(std::vector<core::Event> more) {
    for (auto& e : more)
      events.push_back(std::move(e));
  }
  void advance(double to) {
    for (int guard = 0; guard < 100; ++guard) {
      auto next = monitor.nextDeadline();
      if (!next || *next > at(to)) return;
      record(monitor.tick(std::max(*next, lastTime)));
      lastTime = std::max(*next, lastTime);
    }
    FAIL("timers never settle");
  }
  void feed(const Input& in) {
    advance(in.at);
    lastTime = at(in.at);
    if (in.status == "lost") return record(monitor.onCommLost(at(in.at), "no answer"));
    if (in.status == "restored") return record(monitor.onCommRestored(at(in.at)));
    core::Snapshot s{in.vars, at(in.at)};
    if (in.status != "-") s.variables["ups.status"] = in.status;
    record(monitor.onSnapshot(s, at(in.at)));
  }
  std::string run(std::initializer_list<Input> inputs, double until) {
    for (const auto& in : inputs)
      feed(in);
    advance(until);
    return str(events);
  }
  const core::Event& last() const { return events.back(); }

  core::Clock::time_point lastTime = kEpoch;
};

std::string run(PolicyOptions options, std::initializer_list<Input> inputs, double until) {
  return Driver(options).run(inputs, until);
}

PolicyOptions withLowBatteryShutdown(bool on) {
  PolicyOptions o;
  o.shutdownOnLowBattery = on;
  return o;
}

} // namespace

TEST_CASE("a blip shorter than on_battery_delay gives nothing") {
  CHECK(run({}, {{0, "OL"}, {10, "OB DISCHRG"}, {12, "OL CHRG"}}, 100) == "");
}

TEST_CASE("an outage that ends before LB gives onbatt and online, each after its delay") {
  Driver d;
  CHECK(d.run({{0, "OL"}, {10, "OB DISCHRG", {{"battery.charge", "95"}}}, {40, "OL CHRG"}}, 100) ==
        str({{"onbatt", 15}, {"online", 45}}));
  CHECK(d.events[0].snapshot.get("battery.charge") == "95");
  CHECK(d.events[0].reason == Phrase("reason.on_battery").with("seconds", "5"));
  CHECK_FALSE(d.monitor.shutdownStarted());
  CHECK_FALSE(d.monitor.outageStart());
}

TEST_CASE("delay 0 gives onbatt at once") {
  PolicyOptions o;
  o.onBatteryDelay = seconds(0);
  CHECK(run(o, {{0, "OL"}, {10, "OB"}}, 100) == str({{"onbatt", 10}}));
}

TEST_CASE("an outage to LB gives onbatt, lowbatt and shutdown at the LB snapshot") {
  Driver d;
  CHECK(d.run({{0, "OL"}, {10, "OB DISCHRG"}, {30, "OB DISCHRG LB"}, {32, "OB DISCHRG LB"}}, 100) ==
        str({{"onbatt", 15}, {"lowbatt", 30}, {"shutdown", 30}}));
  CHECK(d.last().reason == Phrase("reason.low_battery"));
  CHECK(d.last().snapshot.hasStatus("LB"));
  CHECK(d.monitor.shutdownStarted());
}

TEST_CASE("LB before onbatt was dispatched: onbatt is forced out first") {
  CHECK(run({}, {{0, "OL"}, {10, "OB LB"}}, 100) ==
        str({{"onbatt", 10}, {"lowbatt", 10}, {"shutdown", 10}}));
}

TEST_CASE("lowbatt without shutdown, not on mains, re-armed after mains are back") {
  const auto o = withLowBatteryShutdown(false);
  CHECK(run(o, {{0, "OL LB"}, {10, "OL CHRG LB"}}, 100) == "");
  CHECK(run(o,
            {{0, "OB"},
             {10, "OB LB"},
             {12, "OB LB"},
             {20, "OL LB"},   // mains back, still low: no re-arm
             {22, "OB LB"},   // flap: same outage, no second lowbatt
             {30, "OL CHRG"}, // online at 35
             {100, "OB LB"}},
            200) ==
        str({{"onbatt", 5}, {"lowbatt", 10}, {"online", 35}, {"onbatt", 100}, {"lowbatt", 100}}));
}

TEST_CASE("battery.charge threshold") {
  PolicyOptions o;
  o.shutdownChargeBelow = 20;
  const auto c = [](const char* v) {
    return std::map<std::string, std::string>{{"battery.charge", v}};
  };
  Driver d(o);
  CHECK(d.run({{0, "OL", c("15")}, {10, "OB", c("25")}, {20, "OB", c("18")}, {22, "OB", c("17")}},
              100) == str({{"onbatt", 15}, {"shutdown", 20}}));
  CHECK(d.last().reason == Phrase("reason.charge_below").with("charge", "18").with("limit", "20"));
  SUBCASE("before onbatt: at once") {
    CHECK(run(o, {{0, "OB", c("10")}}, 100) == str({{"onbatt", 0}, {"shutdown", 0}}));
  }
  SUBCASE("off when 0") {
    CHECK(run({}, {{10, "OB", c("25")}, {20, "OB", c("1")}}, 100) == str({{"onbatt", 15}}));
  }
}

TEST_CASE("battery.runtime threshold") {
  PolicyOptions o;
  o.shutdownRuntimeBelow = seconds(300);
  const auto r = [](const char* v) {
    return std::map<std::string, std::string>{{"battery.runtime", v}};
  };
  Driver d(o);
  CHECK(d.run({{0, "OL", r("100")}, {10, "OB", r("600")}, {40, "OB", r("290")}}, 100) ==
        str({{"onbatt", 15}, {"shutdown", 40}}));
  CHECK(d.last().reason ==
        Phrase("reason.runtime_below").with("runtime", "290").with("limit", "300"));
  SUBCASE("off when 0") {
    CHECK(run({}, {{10, "OB", r("600")}, {40, "OB", r("29")}}, 100) == str({{"onbatt", 15}}));
  }
}

TEST_CASE("shutdown_after_on_battery counts from the first OB of the outage") {
  PolicyOptions o;
  o.shutdownAfterOnBattery = seconds(60);
  Driver d(o);
  CHECK(d.run({{0, "OL"}, {10, "OB"}}, 200) == str({{"onbatt", 15}, {"shutdown", 70}}));
  CHECK(d.last().reason ==
        Phrase("reason.after_on_battery").with("seconds", "60").with("limit", "60"));
  SUBCASE("off when 0") { CHECK(run({}, {{0, "OL"}, {10, "OB"}}, 1000) == str({{"onbatt", 15}})); }
  SUBCASE("mains back at the deadline: fires at the next OB of the outage") {
    o.onlineDelay = seconds(10);
    CHECK(run(o, {{0, "OL"}, {10, "OB"}, {65, "OL"}, {72, "OB"}}, 200) ==
          str({{"onbatt", 15}, {"shutdown", 72}}));
  }
}

TEST_CASE("FSD in ups.status: fsd and shutdown at once, on mains too (upsmon's rule)") {
  Driver d;
  CHECK(d.run({{0, "OL"}, {10, "FSD OL"}, {12, "FSD OL"}}, 100) ==
        str({{"fsd", 10}, {"shutdown", 10}}));
  CHECK(d.last().reason == Phrase("reason.fsd_status"));
  CHECK(d.monitor.shutdownStarted());
  SUBCASE("on battery: the outage is announced first") {
    CHECK(run({}, {{0, "OL"}, {10, "OB"}, {12, "FSD OB"}}, 100) ==
          str({{"fsd", 12}, {"onbatt", 12}, {"shutdown", 12}}));
  }
  SUBCASE("after a low-battery shutdown: no second one") {
    CHECK(run({}, {{0, "OB"}, {3, "OB LB"}, {6, "FSD OB LB"}}, 100) ==
          str({{"onbatt", 3}, {"lowbatt", 3}, {"shutdown", 3}}));
  }
}

TEST_CASE("comms lost on mains: commbad only, then commok") {
  Driver d;
  CHECK(d.run({{0, "OL"}, {10, "lost"}, {20, "restored"}, {22, "OL"}}, 1000) ==
        str({{"commbad", 10}, {"commok", 20}}));
  CHECK(d.events[0].reason == Phrase("reason.comm_lost").with("error", "no answer"));
  CHECK(d.events[0].snapshot.hasStatus("OL"));
  CHECK(d.monitor.commOk());
  SUBCASE("a snapshot restores comm too") {
    CHECK(run({}, {{0, "OL"}, {10, "lost"}, {20, "OL"}}, 100) ==
          str({{"commbad", 10}, {"commok", 20}}));
  }
  SUBCASE("no commok without commbad") { CHECK(run({}, {{0, "OL"}, {10, "restored"}}, 100) == ""); }
}

TEST_CASE("comms lost on battery: commbad and shutdown") {
  Driver d;
  CHECK(d.run({{0, "OL"}, {10, "OB"}, {30, "lost"}}, 100) ==
        str({{"onbatt", 15}, {"commbad", 30}, {"shutdown", 30}}));
  CHECK(d.last().reason == Phrase("reason.unreachable_on_battery"));
  SUBCASE("during a blip, before onbatt") {
    CHECK(run({}, {{10, "OB"}, {12, "lost"}}, 100) ==
          str({{"commbad", 12}, {"onbatt", 12}, {"shutdown", 12}}));
  }
  SUBCASE("mains back but the outage is not over yet") {
    CHECK(run({}, {{10, "OB"}, {40, "OL"}, {42, "lost"}}, 100) ==
          str({{"onbatt", 15}, {"commbad", 42}, {"shutdown", 42}}));
  }
  SUBCASE("after the outage: commbad only") {
    CHECK(run({}, {{10, "OB"}, {40, "OL"}, {46, "lost"}}, 100) ==
          str({{"onbatt", 15}, {"online", 45}, {"commbad", 46}}));
  }
}

TEST_CASE("nocomm after nocomm_warn_time without comm") {
  CHECK(run({}, {{0, "OL"}, {10, "lost"}, {400, "restored"}}, 1000) ==
        str({{"commbad", 10}, {"nocomm", 310}, {"commok", 400}}));
  CHECK(run({}, {{0, "OL"}, {10, "lost"}, {300, "restored"}, {400, "lost"}}, 1000) ==
        str({{"commbad", 10}, {"commok", 300}, {"commbad", 400}, {"nocomm", 700}}));
  PolicyOptions o;
  o.nocommWarnTime = seconds(0);
  CHECK(run(o, {{0, "OL"}, {10, "lost"}}, 10000) == str({{"commbad", 10}}));
}

TEST_CASE("replbatt once over many snapshots, re-armed when RB clears") {
  Driver d;
  for (int t = 0; t <= 100; t += 2)
    d.feed({double(t), "OL CHRG RB"});
  d.feed({110, "OL"});
  d.feed({120, "OL RB"});
  CHECK(str(d.events) == str({{"replbatt", 0}, {"replbatt", 120}}));
  CHECK(run({}, {{0, "OL"}, {10, "OL RB"}, {12, "-"}, {14, "OL RB"}}, 100) ==
        str({{"replbatt", 10}}));
}

TEST_CASE("overload once, re-armed when OVER clears") {
  CHECK(run({}, {{0, "OL OVER"}, {2, "OL OVER"}, {4, "OL"}, {6, "OL OVER"}}, 100) ==
        str({{"overload", 0}, {"overload", 6}}));
}

TEST_CASE("flapping mains give one onbatt and one online") {
  CHECK(run({},
            {{0, "OL"},
             {10, "OB"},
             {20, "OL"},
             {22, "OB"},
             {32, "OL"},
             {34, "OB"},
             {44, "OL"},
             {46, "OB"},
             {56, "OL"}},
            200) == str({{"onbatt", 15}, {"online", 61}}));
}

TEST_CASE("ups.status absent: no power transitions") {
  CHECK(run({}, {{0, "-"}, {10, "-", {{"battery.charge", "5"}}}}, 100) == "");
  CHECK(run({}, {{0, "OB"}, {2, "-"}, {20, "-"}}, 100) == str({{"onbatt", 5}}));
  CHECK(run({}, {{0, "OB"}, {2, "OFF"}}, 100) == str({{"onbatt", 5}}));
}

TEST_CASE("a late tick: onSnapshot fires overdue timers at their deadlines") {
  Monitor m({});
  m.onSnapshot({{{"ups.status", "OB"}}, at(0)}, at(0));
  CHECK(m.nextDeadline() == at(5));
  CHECK(str(m.onSnapshot({{{"ups.status", "OL"}}, at(20)}, at(20))) == str({{"onbatt", 5}}));
  CHECK(m.nextDeadline() == at(25));
  CHECK(m.tick(at(24)).empty());
  CHECK(str(m.tick(at(25))) == str({{"online", 25}}));
  CHECK_FALSE(m.nextDeadline());
}

TEST_CASE("setOptions keeps the state and re-arms the timers") {
  PolicyOptions o;
  o.onBatteryDelay = seconds(30);
  Driver d(o);
  d.feed({0, "OL"});
  d.feed({10, "OB"});
  CHECK(d.monitor.nextDeadline() == at(40));
  o.onBatteryDelay = seconds(20);
  d.monitor.setOptions(o);
  CHECK(d.monitor.nextDeadline() == at(30));
  CHECK(d.monitor.onBattery());
  CHECK(d.monitor.outageStart() == at(10));
  d.advance(100);
  CHECK(str(d.events) == str({{"onbatt", 30}}));
  d.monitor.setOptions({});
  d.feed({110, "OL"});
  CHECK(d.run({}, 200) == str({{"onbatt", 30}, {"online", 115}}));
  SUBCASE("a deadline moved into the past fires at the next tick") {
    Monitor m(o);
    m.onSnapshot({{{"ups.status", "OB"}}, at(0)}, at(0));
    m.setOptions(withLowBatteryShutdown(true)); // on_battery_delay 5 again
    CHECK(m.nextDeadline() == at(5));
    CHECK(str(m.tick(at(8))) == str({{"onbatt", 5}}));
  }
}

TEST_CASE("latched after shutdown: power and comm events go on, no second shutdown") {
  PolicyOptions o;
  o.shutdownChargeBelow = 50;
  const std::map<std::string, std::string> low{{"battery.charge", "10"}};
  Driver d(o);
  CHECK(d.run({{0, "OL"},
               {10, "OB LB", low},
               {12, "OB LB", low},
               {20, "lost"},
               {30, "OL", low},
               {60, "OB LB", low},
               {70, "OL"}},
              200) == str({{"onbatt", 10},
                           {"lowbatt", 10},
                           {"shutdown", 10},
                           {"commbad", 20},
                           {"commok", 30},
                           {"online", 35},
                           {"onbatt", 60},
                           {"lowbatt", 60},
                           {"online", 75}}));
  CHECK(d.monitor.shutdownStarted());
}

TEST_CASE("power timers wait for a snapshot after comm comes back") {
  Driver d;
  d.run({{0, "OB"}, {10, "lost"}, {50, "restored"}}, 60);
  CHECK(str(d.events) == str({{"onbatt", 5}, {"commbad", 10}, {"shutdown", 10}, {"commok", 50}}));
  CHECK_FALSE(d.monitor.nextDeadline());
  d.feed({70, "OL"});
  d.advance(200);
  CHECK(str(d.events) ==
        str({{"onbatt", 5}, {"commbad", 10}, {"shutdown", 10}, {"commok", 50}, {"online", 75}}));
}

TEST_CASE("rearmShutdown (several UPSes): one shutdown per outage, re-armed at its online") {
  PolicyOptions o;
  o.shutdownChargeBelow = 50;
  o.rearmShutdown = true;
  const std::map<std::string, std::string> low{{"battery.charge", "10"}};
  Driver d(o);
  CHECK(d.run({{0, "OL"},
               {10, "OB", low},
               {12, "OB", low}, // same outage: no second shutdown
               {30, "OL", low},
               {60, "OB", low}},
              200) ==
        str({{"onbatt", 10}, {"shutdown", 10}, {"online", 35}, {"onbatt", 60}, {"shutdown", 60}}));
}
