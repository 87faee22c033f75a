// SPDX-License-Identifier: GPL-2.0-or-later
// Supplies: upsmon's MINSUPPLIES over several UPSes (critical, fed, the host's verdict), and the
// board that follows their events to one host shutdown.
#include <doctest/doctest.h>

#include <vector>

#include "ups/supplies.hpp"

using namespace hidupsd;
using core::EventKind;
using core::Phrase;

namespace {

UpsPower ups(std::string name, int supplies = 1) {
  UpsPower u;
  u.name = std::move(name);
  u.supplies = supplies;
  return u;
}

core::Event event(EventKind kind, std::string status, Phrase reason = {}) {
  core::Event e;
  e.kind = kind;
  e.reason = std::move(reason);
  if (!status.empty()) e.snapshot.variables["ups.status"] = std::move(status);
  return e;
}

} // namespace

TEST_CASE("critical: OB+LB, FSD, unreachable on battery, the UPS's own policy; not otherwise") {
  struct Row {
    bool ob, lb, fsd, lost, lastOb;
    const char* expected; // "" = fed
  };
  const Row rows[] = {
      {false, false, false, false, false, ""},
      {true, false, false, false, false, ""},                  // on battery, not low
      {false, true, false, false, false, ""},                  // LB on mains: recharging
      {true, true, false, false, false, "reason.low_battery"}, // OB LB
      {false, false, true, false, false, "reason.fsd_status"}, // FSD, on mains too
      {false, false, false, true, false, ""},                  // lost on mains: assumed OK
      {false, false, false, true, true, "reason.unreachable_on_battery"}, // lost on battery
      {true, true, false, true, false, ""}, // lost: the stale flags no longer count, lastOb does
  };
  for (const auto& r : rows) {
    CAPTURE(r.ob);
    CAPTURE(r.lb);
    CAPTURE(r.fsd);
    CAPTURE(r.lost);
    CAPTURE(r.lastOb);
    UpsPower u = ups("a");
    u.onBattery = r.ob;
    u.lowBattery = r.lb;
    u.forced = r.fsd;
    u.commLost = r.lost;
    u.lastOnBattery = r.lastOb;
    const auto why = criticalReason(u);
    CHECK((why ? why->key : std::string()) == r.expected);
  }
  UpsPower policy = ups("a");
  policy.onBattery = true;
  policy.policy = Phrase("reason.charge_below").with("charge", "10").with("limit", "20");
  CHECK(criticalReason(policy) == policy.policy);
}

TEST_CASE("judgeSupplies: the host shuts down when fed supplies fall below min_supplies") {
  std::vector<UpsPower> two{ups("a"), ups("b")};
  auto v = judgeSupplies(two, 1);
  CHECK(v.fed == 2);
  CHECK(v.total == 2);
  CHECK_FALSE(v.shutdown);
  CHECK(v.reason.key == "reason.supplies_enough");

  two[0].onBattery = two[0].lowBattery = true;
  v = judgeSupplies(two, 1);
  CHECK(v.fed == 1);
  CHECK_FALSE(v.shutdown);
  REQUIRE(v.critical.size() == 1);
  CHECK(
      v.critical[0] ==
      Phrase("reason.ups_critical").with("ups", "a").with("reason", Phrase("reason.low_battery")));
  // The same with min_supplies 2: one supply is not enough (a server that needs both).
  CHECK(judgeSupplies(two, 2).shutdown);

  two[1].commLost = two[1].lastOnBattery = true;
  v = judgeSupplies(two, 1);
  CHECK(v.fed == 0);
  CHECK(v.shutdown);
  CHECK(v.reason.key == "reason.supplies_lost");
  CHECK(v.reason.text("fed") == "0");
  CHECK(v.reason.text("total") == "2");
  CHECK(v.reason.text("min") == "1");
  REQUIRE(v.reason.arg("critical") != nullptr);
  CHECK(v.reason.arg("critical")->phrase.size() == 2);
}

TEST_CASE("judgeSupplies: a monitor-only UPS (supplies 0) never counts, either way") {
  std::vector<UpsPower> upses{ups("main", 2), ups("watch", 0)};
  upses[1].forced = true;
  auto v = judgeSupplies(upses, 2);
  CHECK(v.fed == 2);
  CHECK_FALSE(v.shutdown);
  CHECK(v.critical.empty());
  upses[0].forced = true;
  CHECK(judgeSupplies(upses, 1).shutdown);
}

TEST_CASE("SupplyBoard: two UPSes, min_supplies 1: the first low battery holds, the second "
          "shuts the host down once") {
  SupplyBoard board({ups("a"), ups("b")}, 1);
  CHECK_FALSE(board.onEvent(0, event(EventKind::OnBattery, "OB DISCHRG")).heldOff);
  auto out = board.onEvent(0, event(EventKind::LowBattery, "OB DISCHRG LB"));
  CHECK_FALSE(out.hostShutdown);
  REQUIRE(out.heldOff);
  CHECK(out.heldOff->fed == 1);
  // Its monitor's own shutdown follows the lowbatt: nothing new.
  out = board.onEvent(0, event(EventKind::Shutdown, "OB DISCHRG LB", Phrase("reason.low_battery")));
  CHECK_FALSE(out.hostShutdown);
  CHECK_FALSE(out.heldOff);
  CHECK_FALSE(board.shutdownStarted());

  out = board.onEvent(1, event(EventKind::LowBattery, "OB LB"));
  REQUIRE(out.hostShutdown);
  CHECK(out.hostShutdown->kind == EventKind::Shutdown);
  CHECK(out.hostShutdown->reason.key == "reason.supplies_lost");
  CHECK(out.hostShutdown->snapshot.hasStatus("LB"));
  CHECK(board.shutdownStarted());
  // Once.
  CHECK_FALSE(board.onEvent(1, event(EventKind::Shutdown, "OB LB")).hostShutdown);
  CHECK_FALSE(board.onEvent(0, event(EventKind::Fsd, "FSD OB LB")).hostShutdown);
}

TEST_CASE("SupplyBoard: mains back on one UPS make it count again") {
  SupplyBoard board({ups("a"), ups("b")}, 1);
  board.onEvent(0, event(EventKind::LowBattery, "OB LB"));
  board.onEvent(0, event(EventKind::Shutdown, "OB LB", Phrase("reason.low_battery")));
  CHECK(board.verdict().fed == 1);
  board.onEvent(0, event(EventKind::Online, "OL CHRG"));
  CHECK(board.verdict().fed == 2);
  CHECK_FALSE(board.onEvent(1, event(EventKind::LowBattery, "OB LB")).hostShutdown);
}

TEST_CASE("SupplyBoard: comms lost on mains still counts, on battery it is critical") {
  SupplyBoard board({ups("a"), ups("b")}, 1);
  board.onEvent(0, event(EventKind::CommBad, "OL"));
  CHECK(board.verdict().fed == 2);
  CHECK_FALSE(board.onEvent(1, event(EventKind::OnBattery, "OB")).hostShutdown);
  // b goes quiet while on battery: its last known status was OB.
  auto out = board.onEvent(1, event(EventKind::CommBad, "OB"));
  CHECK_FALSE(out.hostShutdown);
  REQUIRE(out.heldOff);
  CHECK(out.heldOff->fed == 1);
  // a answers again, on battery and low: both supplies gone.
  CHECK_FALSE(board.onEvent(0, event(EventKind::CommOk, "OB")).hostShutdown);
  out = board.onEvent(0, event(EventKind::LowBattery, "OB LB"));
  REQUIRE(out.hostShutdown);
  CHECK(out.hostShutdown->reason.text("fed") == "0");
}

TEST_CASE("SupplyBoard: a policy shutdown (charge below) is critical until the online") {
  SupplyBoard board({ups("a"), ups("b", 0)}, 1);
  // The monitor-only UPS going critical changes nothing.
  auto out = board.onEvent(1, event(EventKind::Fsd, "FSD OB"));
  CHECK_FALSE(out.hostShutdown);
  CHECK_FALSE(out.heldOff);
  out = board.onEvent(0, event(EventKind::Shutdown, "OB", Phrase("reason.charge_below")));
  REQUIRE(out.hostShutdown);
  CHECK(out.hostShutdown->reason.arg("critical")->phrase.at(0).arg("reason")->phrase.at(0).key ==
        "reason.charge_below");
}
