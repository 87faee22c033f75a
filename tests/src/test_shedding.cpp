// SPDX-License-Identifier: GPL-2.0-or-later
// Load shedding and comeback, the pure core: tiers over time on a manual clock, the record.
#include <doctest/doctest.h>

#include "lib/wake_on_lan.hpp"
#include "src/comeback.hpp"
#include "src/shedding.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
using proxmox::Guest;
using proxmox::GuestType;

namespace {

Guest guest(GuestType type, int id, std::string status, std::optional<int> order = {},
            std::vector<std::string> tags = {}, bool onboot = false) {
  Guest g;
  g.type = type;
  g.id = id;
  g.name = "g" + std::to_string(id);
  g.status = std::move(status);
  g.startup.order = order;
  g.tags = std::move(tags);
  g.onboot = onboot;
  return g;
}

proxmox::Inventory node() {
  proxmox::Inventory inv;
  inv.vmsListed = inv.containersListed = true;
  inv.guests = {guest(GuestType::Vm, 100, "running", 1),
                guest(GuestType::Vm, 105, "running", 3, {"lab"}),
                guest(GuestType::Vm, 106, "running", std::nullopt, {"lab"}),
                guest(GuestType::Vm, 107, "stopped", 2, {"lab"}),
                guest(GuestType::Container, 200, "running", 2),
                guest(GuestType::Container, 201, "running", 1, {"bulk"})};
  return inv;
}

ShedTier tier(std::string name, ShedTier::Trigger trigger, int threshold, std::vector<int> ids = {},
              std::vector<std::string> tags = {}) {
  ShedTier t;
  t.name = std::move(name);
  t.trigger = trigger;
  t.threshold = threshold;
  t.guests = std::move(ids);
  t.tags = std::move(tags);
  return t;
}

PowerReading at(core::Clock::time_point start, std::chrono::seconds s, bool onBattery,
                std::optional<double> charge = {}, std::optional<double> runtime = {}) {
  return {start + s, onBattery, !onBattery, charge, runtime};
}

std::vector<int> ids(const std::vector<Guest>& guests) {
  std::vector<int> out;
  for (const auto& g : guests)
    out.push_back(g.id);
  return out;
}

const core::Clock::time_point t0{std::chrono::hours(1)};

} // namespace

TEST_CASE("shedding: after_on_battery fires S seconds after the first OB reading, once") {
  const auto inv = node();
  ShedPlanner p({tier("lab", ShedTier::Trigger::AfterOnBattery, 5, {}, {"lab"})}, 5s);
  CHECK(p.step(at(t0, 0s, false), &inv, false).stop.empty()); // on mains: nothing
  CHECK_FALSE(p.nextDue());
  CHECK(p.step(at(t0, 10s, true), &inv, false).stop.empty()); // the outage begins at 10 s
  REQUIRE(p.nextDue());
  CHECK(*p.nextDue() == t0 + 15s);
  CHECK(p.step(at(t0, 14s, true), &inv, false).stop.empty());
  const auto d = p.step(at(t0, 15s, true), &inv, false);
  REQUIRE(d.stop.size() == 1);
  CHECK(d.stop[0].name == "lab");
  CHECK(d.stop[0].why == "5 s on battery");
  CHECK(ids(d.stop[0].guests) == std::vector<int>{105, 106}); // 107 is stopped already
  CHECK(p.step(at(t0, 16s, true), &inv, false).stop.empty()); // fired: never twice
  CHECK_FALSE(p.nextDue());
}

TEST_CASE("shedding: charge_below and runtime_below fire on the reading under the threshold") {
  const auto inv = node();
  ShedPlanner p({tier("bulk", ShedTier::Trigger::ChargeBelow, 60, {201}),
                 tier("rest", ShedTier::Trigger::RuntimeBelow, 600, {200})},
                0s);
  CHECK(p.step(at(t0, 0s, false, 40.0, 100.0), &inv, false).stop.empty()); // on mains: never
  CHECK(p.step(at(t0, 1s, true, 61.0, 900.0), &inv, false).stop.empty());
  auto d = p.step(at(t0, 2s, true, 59.5, 900.0), &inv, false);
  REQUIRE(d.stop.size() == 1);
  CHECK(d.stop[0].why == "battery.charge 59.5 % < 60 %");
  CHECK(ids(d.stop[0].guests) == std::vector<int>{201});
  d = p.step(at(t0, 3s, true, 50.0, 599.0), &inv, false);
  REQUIRE(d.stop.size() == 1);
  CHECK(d.stop[0].why == "battery.runtime 599 s < 600 s");
}

TEST_CASE("shedding: mains back for online_delay restarts what was shed, in startup order") {
  const auto inv = node();
  auto keep = tier("keep", ShedTier::Trigger::AfterOnBattery, 5, {200});
  keep.restartOnMains = false;
  ShedPlanner p({tier("lab", ShedTier::Trigger::AfterOnBattery, 5, {100}, {"lab"}), keep}, 10s);
  p.step(at(t0, 0s, true), &inv, false);
  const auto d = p.step(at(t0, 6s, true), &inv, false);
  REQUIRE(d.stop.size() == 2);
  p.stopped(0, d.stop[0].guests);
  p.stopped(1, d.stop[1].guests);
  CHECK(p.shed().size() == 4);
  CHECK(p.step(at(t0, 20s, false), &inv, false).restart.empty()); // mains back at 20 s
  CHECK(p.nextDue() == t0 + 30s);
  CHECK(p.step(at(t0, 25s, true), &inv, false).restart.empty()); // a blip: back on battery
  CHECK(p.step(at(t0, 26s, false), &inv, false).restart.empty());
  CHECK(p.step(at(t0, 35s, false), &inv, false).restart.empty()); // 9 s of mains only
  const auto back = p.step(at(t0, 36s, false), &inv, false);
  CHECK(ids(back.restart) == std::vector<int>{100, 105, 106}); // order 1, 3, then none
  CHECK(p.shed().empty());
  CHECK(p.step(at(t0, 40s, false), &inv, false).restart.empty()); // once
  // The next outage arms every tier again.
  p.step(at(t0, 50s, true), &inv, false);
  CHECK(p.step(at(t0, 55s, true), &inv, false).stop.size() == 2);
}

TEST_CASE("shedding: a started shutdown takes over: nothing stopped or restarted after it") {
  const auto inv = node();
  ShedPlanner p({tier("lab", ShedTier::Trigger::AfterOnBattery, 5, {}, {"lab"}),
                 tier("late", ShedTier::Trigger::AfterOnBattery, 30, {200})},
                0s);
  p.step(at(t0, 0s, true), &inv, false);
  auto d = p.step(at(t0, 5s, true), &inv, false);
  REQUIRE(d.stop.size() == 1);
  p.stopped(0, d.stop[0].guests);
  d = p.step(at(t0, 6s, true), &inv, true);
  CHECK(d.handOver);
  CHECK(p.step(at(t0, 40s, true), &inv, true).stop.empty());
  d = p.step(at(t0, 50s, false), &inv, true);
  CHECK(d.restart.empty());
  CHECK_FALSE(d.handOver); // said once
  CHECK_FALSE(p.nextDue());
  CHECK(p.shed().size() == 2); // still recorded for the comeback
}

TEST_CASE("shedding: a guest in two tiers (by tag and by id) is stopped by the first only") {
  const auto inv = node();
  ShedPlanner p({tier("a", ShedTier::Trigger::AfterOnBattery, 1, {}, {"lab"}),
                 tier("b", ShedTier::Trigger::AfterOnBattery, 1, {105, 200})},
                0s);
  p.step(at(t0, 0s, true), &inv, false);
  const auto d = p.step(at(t0, 1s, true), &inv, false);
  REQUIRE(d.stop.size() == 2);
  CHECK(ids(d.stop[0].guests) == std::vector<int>{105, 106});
  CHECK(ids(d.stop[1].guests) == std::vector<int>{200});
  // No plan yet: the tier fires with no guest, said by the caller.
  ShedPlanner none({tier("a", ShedTier::Trigger::ChargeBelow, 50, {105})}, 0s);
  const auto e = none.step(at(t0, 0s, true, 10.0), nullptr, false);
  REQUIRE(e.stop.size() == 1);
  CHECK(e.stop[0].guests.empty());
}

TEST_CASE("shedding: describeShedding says what would be stopped and when") {
  const auto inv = node();
  const std::vector<ShedTier> tiers = {tier("lab", ShedTier::Trigger::AfterOnBattery, 60, {105}),
                                       tier("empty", ShedTier::Trigger::ChargeBelow, 40, {999})};
  const auto lines = describeShedding(tiers, &inv);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "would stop VM 105 (g105) (tier \"lab\") after 60 s on battery, started again when "
        "mains are back");
  CHECK(lines[1] == "tier \"empty\": no running guest to stop when battery.charge < 40 %");
}

TEST_CASE("comeback: the record's text round-trips, and bad records name the line") {
  const std::vector<ComebackEntry> entries = {{ComebackEntry::Why::Stopped, GuestType::Vm, 101},
                                              {ComebackEntry::Why::Shed, GuestType::Container, 200},
                                              {ComebackEntry::Why::ShedKept, GuestType::Vm, 105}};
  const auto text = formatComeback(entries);
  CHECK(text == "# hidupsd comeback 1\nstopped qemu 101\nshed lxc 200\nshed-kept qemu 105\n");
  CHECK(parseComeback(text, "f") == entries);
  CHECK_THROWS_WITH_AS(parseComeback("# hidupsd comeback 1\nstopped qemu 1x\n", "f"),
                       "f:2: \"1x\" is not a guest id", ComebackError);
  CHECK_THROWS_WITH_AS(parseComeback("# hidupsd comeback 1\n\nlost vm 101\n", "f"),
                       "f:3: unknown reason \"lost\"", ComebackError);
  CHECK_THROWS_WITH_AS(parseComeback("hello\n", "f"), "f:1: not a hidupsd comeback record",
                       ComebackError);
  CHECK_THROWS_AS(parseComeback("", "f"), ComebackError);
}

TEST_CASE("comeback: only stopped guests without onboot start, in startup order") {
  proxmox::Inventory inv;
  inv.guests = {guest(GuestType::Vm, 100, "stopped", 2),
                guest(GuestType::Vm, 101, "stopped", std::nullopt),
                guest(GuestType::Vm, 102, "stopped", 1, {}, true),
                guest(GuestType::Vm, 103, "running", 1),
                guest(GuestType::Container, 200, "stopped", 1),
                guest(GuestType::Vm, 105, "stopped", 1)};
  using W = ComebackEntry::Why;
  const std::vector<ComebackEntry> record = {
      {W::Stopped, GuestType::Vm, 101},     {W::Stopped, GuestType::Vm, 100},
      {W::Stopped, GuestType::Vm, 102},     {W::Stopped, GuestType::Vm, 103},
      {W::Shed, GuestType::Container, 200}, {W::ShedKept, GuestType::Vm, 105},
      {W::Stopped, GuestType::Vm, 999},     {W::Stopped, GuestType::Container, 200}};
  const auto plan = planComeback(record, inv);
  CHECK(ids(plan.start) == std::vector<int>{200, 100, 101});
  CHECK(ids(plan.proxmoxStarts) == std::vector<int>{102});
  CHECK(ids(plan.alreadyRunning) == std::vector<int>{103});
  CHECK(ids(plan.keptOff) == std::vector<int>{105});
  REQUIRE(plan.unknown.size() == 1);
  CHECK(plan.unknown[0].id == 999);
}

TEST_CASE("comeback: due on mains once the charge reaches min_charge") {
  CHECK_FALSE(comebackDue(false, 100.0, 50));
  CHECK_FALSE(comebackDue(true, 49.9, 50));
  CHECK(comebackDue(true, 50.0, 50));
  CHECK_FALSE(comebackDue(true, std::nullopt, 50));
  CHECK(comebackDue(true, std::nullopt, 0));
}

TEST_CASE("Wake-on-LAN: MAC addresses and the magic packet") {
  const auto mac = lib::parseMac("AA-bb-CC-dd-EE-0f");
  REQUIRE(mac);
  CHECK(lib::macText(*mac) == "aa:bb:cc:dd:ee:0f");
  CHECK(lib::parseMac("aa:bb:cc:dd:ee:0f") == mac);
  for (const char* bad : {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:0g", "aa:bb-cc:dd:ee:0f",
                          "aabb.ccdd.ee0f", "aa:bb:cc:dd:ee:0f:"})
    CHECK_MESSAGE(!lib::parseMac(bad), bad);
  const auto packet = lib::magicPacket(*mac);
  for (std::size_t i = 0; i < 6; ++i)
    CHECK(packet[i] == 0xff);
  for (std::size_t r = 0; r < 16; ++r)
    for (std::size_t i = 0; i < 6; ++i)
      CHECK(packet[6 + r * 6 + i] == (*mac)[i]);
  CHECK(lib::sendMagicPacket(*mac, "not-an-address") == "not-an-address is not an IPv4 address");
}
