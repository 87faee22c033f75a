// SPDX-License-Identifier: GPL-2.0-or-later
// Recorder: transfers with exact durations, blips, tests apart from outages, 10-s samples.
#include <doctest/doctest.h>

#include "history/recorder.hpp"
#include "tests/history/history_test_support.hpp"

using namespace hidupsd;
using namespace hidupsd::history;
namespace t = hidupsd::test;

namespace {

constexpr double kWall0 = 1'800'000'000; ///< a multiple of 10: samples align on it

/// Feeds a Recorder with steady time s and wall time kWall0 + s; keeps every item.
struct Feed {
  Recorder recorder;
  Items items;

  void snap(double s, const std::string& status, double charge = 100,
            std::map<std::string, std::string> more = {}) {
    add(recorder.onSnapshot(t::upsAt(s, status, charge, std::move(more)), s, kWall0 + s));
  }
  void event(double s, core::EventKind kind, std::optional<core::TestInfo> test = {}) {
    add(recorder.onEvent(t::eventAt(s, kind, std::move(test)), "", kWall0 + s));
  }
  void add(Items more) {
    for (auto& i : more)
      items.push_back(std::move(i));
  }
  template <typename T> std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& i : items)
      if (const auto* x = std::get_if<T>(&i)) out.push_back(*x);
    return out;
  }
};

} // namespace

TEST_CASE("three outages of 8, 12 and 20 s: three transfers of exactly those durations") {
  Feed f;
  double s = 0;
  f.snap(s, "OL CHRG");
  for (const double length : {8.0, 12.0, 20.0}) {
    s += 30;
    f.snap(s, "OB DISCHRG", 100);
    f.event(s + 5, core::EventKind::OnBattery);
    f.snap(s + length / 2, "OB DISCHRG", 90);
    f.snap(s + length, "OL CHRG", 88);
    f.event(s + length + 5, core::EventKind::Online);
  }
  const auto closed = f.all<TransferClosed>();
  REQUIRE(closed.size() == 3);
  CHECK(f.all<TransferOpened>().size() == 3);
  CHECK(closed[0].row.duration == 8.0);
  CHECK(closed[1].row.duration == 12.0);
  CHECK(closed[2].row.duration == 20.0);
  for (const auto& c : closed) {
    CHECK_FALSE(c.row.blip);
    CHECK(c.row.endedBy == "mains");
    CHECK(c.row.minCharge == 88); // the reading that said OL again counts: mains came back then
    CHECK(c.row.startCharge == 100);
    CHECK(c.row.endCharge == 88);
    CHECK(c.row.meanLoad == 40);
  }
  CHECK(closed[0].row.start == kWall0 + 30);
  CHECK(closed[0].row.end == kWall0 + 38);
}

TEST_CASE("a blip is a transfer before any onbatt; one inside an announced outage is not") {
  Feed f;
  f.snap(0, "OL");
  f.snap(10, "OB");
  f.snap(12, "OL"); // over before on_battery_delay: a blip
  f.snap(20, "OB");
  f.event(25, core::EventKind::OnBattery);
  f.snap(30, "OL");
  f.snap(32, "OB"); // mains back 2 s: the monitor's outage goes on, no online yet
  f.snap(40, "OL");
  f.event(45, core::EventKind::Online);
  const auto closed = f.all<TransferClosed>();
  REQUIRE(closed.size() == 3);
  CHECK(closed[0].row.blip);
  CHECK_FALSE(closed[1].row.blip);
  CHECK_FALSE(closed[2].row.blip);
}

TEST_CASE("the reason comes from the input voltage against the transfer points") {
  const std::map<std::string, std::string> mains{
      {"input.voltage", "230"}, {"input.transfer.low", "184"}, {"input.transfer.high", "264"}};
  auto reasonOf = [&](const std::string& during) {
    Feed f;
    auto v = mains;
    f.snap(0, "OL", 100, v);
    f.snap(1, "OB", 100, v); // the first OB reading still shows mains (a poll behind)
    v["input.voltage"] = during;
    f.snap(3, "OB", 100, v);
    f.snap(5, "OL", 100, mains);
    return f.all<TransferClosed>().at(0).row.reason;
  };
  CHECK(reasonOf("0") == "mains lost (input 0 V)");
  CHECK(reasonOf("170") == "low line voltage (170 V < 184 V)");
  CHECK(reasonOf("280") == "high line voltage (280 V > 264 V)");
  CHECK(reasonOf("230") == "unknown (input 230..230 V)");
}

TEST_CASE("a battery test is recorded as a test, its transfer is no outage") {
  Feed f;
  f.snap(0, "OL");
  f.event(10, core::EventKind::TestStarted, core::TestInfo{"quick", "schedule", "", false});
  f.snap(11, "OB", 100);
  f.snap(25, "OB", 97);
  f.snap(26, "OL", 97);
  f.event(27, core::EventKind::TestFinished,
          core::TestInfo{"quick", "schedule", "Done and passed", false});
  const auto transfers = f.all<TransferClosed>();
  REQUIRE(transfers.size() == 1);
  CHECK(transfers[0].row.cause == Cause::Test);
  CHECK(transfers[0].row.reason == "battery test");
  const auto tests = f.all<TestClosed>();
  REQUIRE(tests.size() == 1);
  CHECK(tests[0].row.kind == "quick");
  CHECK(tests[0].row.startedBy == "schedule");
  CHECK(tests[0].row.result == "Done and passed");
  CHECK(tests[0].row.duration == 17);
  CHECK(tests[0].row.startCharge == 100);
  CHECK(tests[0].row.endCharge == 97);
}

TEST_CASE("the UPS's test seen a poll after its OB turns that transfer into the test's") {
  Feed f;
  f.snap(0, "OL");
  f.snap(10, "OB");
  f.event(12, core::EventKind::TestStarted, core::TestInfo{"unknown", "ups", "", false});
  f.snap(20, "OL");
  f.event(22, core::EventKind::TestFinished, core::TestInfo{"unknown", "ups", "Aborted", false});
  const auto transfers = f.all<TransferClosed>();
  REQUIRE(transfers.size() == 1);
  CHECK(transfers[0].row.cause == Cause::Test);
}

TEST_CASE("still on battery when the test ends: its transfer ends, an outage begins") {
  Feed f;
  f.event(0, core::EventKind::TestStarted, core::TestInfo{"quick", "command", "", false});
  f.snap(1, "OB");
  f.event(20, core::EventKind::TestFinished,
          core::TestInfo{"quick", "command", "Done and passed", false});
  f.snap(50, "OL");
  const auto transfers = f.all<TransferClosed>();
  REQUIRE(transfers.size() == 2);
  CHECK(transfers[0].row.cause == Cause::Test);
  CHECK(transfers[0].row.endedBy == "test over");
  CHECK(transfers[0].row.duration == 19);
  CHECK(transfers[1].row.cause == Cause::Outage);
  CHECK(transfers[1].row.duration == 30);
}

TEST_CASE("stop: the open transfer ends by the shutdown or the daemon's stop") {
  Feed f;
  f.snap(0, "OB");
  f.event(1, core::EventKind::Shutdown);
  f.add(f.recorder.stop(40, kWall0 + 40));
  const auto transfers = f.all<TransferClosed>();
  REQUIRE(transfers.size() == 1);
  CHECK(transfers[0].row.endedBy == "shutdown");
  CHECK(transfers[0].row.duration == 40);

  Feed g;
  g.snap(0, "OB");
  g.add(g.recorder.stop(5, kWall0 + 5));
  CHECK(g.all<TransferClosed>().at(0).row.endedBy == "daemon stop");
}

TEST_CASE("samples: one row per 10 s of wall time, the mean of its readings") {
  Feed f;
  f.snap(0, "OL", 100);
  f.snap(4, "OL", 96);
  f.snap(8, "OB", 92); // same bucket: flags OR'd
  f.snap(12, "OB", 90);
  f.snap(25, "OL", 80);
  f.add(f.recorder.stop(26, kWall0 + 26));
  const auto rows = f.all<SampleRow>();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].time == static_cast<std::int64_t>(kWall0));
  CHECK(rows[0].step == 10);
  CHECK(rows[0].count == 3);
  CHECK(rows[0].values[kCharge] == doctest::Approx(96));
  CHECK((rows[0].flags & kOnBattery) != 0);
  CHECK((rows[0].flags & kOnline) != 0);
  CHECK(rows[1].count == 1);
  CHECK(rows[2].time == static_cast<std::int64_t>(kWall0) + 20);
  CHECK(rows[2].values[kCharge] == 80);
  CHECK(std::isnan(rows[2].values[kRealPower]));
}

TEST_CASE("battery dates are handed over once per value") {
  Feed f;
  f.snap(0, "OL", 100, {{"battery.date", "2023/05/01"}});
  f.snap(2, "OL", 100, {{"battery.date", "2023/05/01"}});
  f.snap(4, "OL", 100, {{"battery.date", "2024/01/10"}, {"battery.mfr.date", "2023/01/01"}});
  const auto seen = f.all<BatterySeen>();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].row.date == "2023/05/01");
  CHECK(seen[1].row.date == "2024/01/10");
  CHECK(seen[2].row.source == "battery.mfr.date");
}
