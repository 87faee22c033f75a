// SPDX-License-Identifier: GPL-2.0-or-later
// Discovery against fake qm/pct and a pmxcfs tree; the InventoryKeeper, a hung /etc/pve included.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "proxmox/discovery.hpp"
#include "proxmox/inventory_keeper.hpp"
#include "tests/support/fake_pve.hpp"

namespace hidupsd::proxmox {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using test::FakePve;
namespace fs = std::filesystem;

Json guest(const char* type, int id, const char* status, const char* startup = "") {
  Json g{{"type", type},
         {"id", id},
         {"name", std::string(type) + std::to_string(id)},
         {"status", status},
         {"shutdown", "0.1"}};
  if (*startup != '\0') g["startup"] = startup;
  return g;
}

std::string node(const Json& guests) { return Json{{"node", "pve1"}, {"guests", guests}}.dump(); }

DiscoveryOptions optionsFor(const FakePve& pve) {
  DiscoveryOptions o;
  o.qm = pve.qm();
  o.pct = pve.pct();
  o.pmxcfs = pve.pmxcfs();
  o.node = "pve1";
  return o;
}

/// A node with a running VM that has onboot and tags, a stopped one, a running CT, and a
/// VM of another node in .vmlist.
Json sampleNode() {
  Json web = guest("vm", 100, "running", "order=2,down=60");
  web["onboot"] = 1;
  web["tags"] = "prod;web";
  Json other = guest("vm", 900, "running");
  other["pve_node"] = "pve2";
  return Json::array(
      {web, guest("vm", 101, "stopped", "order=1"), guest("ct", 200, "running", "3"), other});
}

TEST_CASE("discovery: statuses from the lists, configs from pmxcfs, no config call at all") {
  FakePve pve(node(sampleNode()));
  ProcessRunner runner;
  const auto inv = discoverInventory(runner, optionsFor(pve));
  CHECK(inv.problems.empty());
  CHECK(inv.configs == ConfigSource::Pmxcfs);
  CHECK_FALSE(inv.listFailed());
  REQUIRE(inv.guests.size() == 3); // 900 lives on pve2: neither listed nor read
  const Guest& web = inv.guests[0];
  CHECK(web.id == 100);
  CHECK(web.running());
  CHECK(web.startup == Startup{2, {}, 60}); // not the snapshot section's order=99
  CHECK(web.onboot);
  CHECK(web.tags == std::vector<std::string>{"prod", "web"});
  CHECK(inv.guests[1].stopped());
  CHECK(inv.guests[1].startup.order == 1); // a stopped guest's config is read too
  CHECK(inv.guests[2].type == GuestType::Container);
  CHECK(inv.guests[2].name == "ct200");
  CHECK(inv.guests[2].startup.order == 3);
  CHECK(pve.started("qm config").empty());
  CHECK(pve.started("pct config").empty());
  CHECK(pve.started("qm list").size() == 1);
  CHECK(pve.started("pct list").size() == 1);
}

TEST_CASE("discovery without pmxcfs: one qm/pct config per running guest, as before") {
  FakePve pve(node(sampleNode()));
  ProcessRunner runner;
  auto o = optionsFor(pve);
  o.pmxcfs.clear();
  auto inv = discoverInventory(runner, o);
  CHECK(inv.problems.empty());
  CHECK(inv.configs == ConfigSource::Tools);
  CHECK(inv.guests[0].startup == Startup{2, {}, 60});
  CHECK(inv.guests[0].tags == std::vector<std::string>{"prod", "web"});
  CHECK(pve.started("qm config 100").size() == 1);
  CHECK(pve.started("qm config 101").empty()); // stopped: not asked
  CHECK(pve.started("pct config 200").size() == 1);
  o.containers = false;
  inv = discoverInventory(runner, o);
  CHECK(inv.guests.size() == 2);
  CHECK_FALSE(inv.listFailed());
  CHECK(pve.started("pct list").size() == 1); // not again
}

TEST_CASE("pmxcfs missing or broken: the problem named, the tools instead") {
  FakePve pve(node(sampleNode()));
  ProcessRunner runner;
  auto o = optionsFor(pve);
  o.pmxcfs = pve.dir() / "nowhere";
  auto inv = discoverInventory(runner, o);
  REQUIRE(inv.problems.size() == 1);
  CHECK(inv.problems[0] == (pve.dir() / "nowhere").string() +
                               "/.vmlist is missing (pmxcfs not mounted?): reading qm/pct config "
                               "instead");
  CHECK(inv.guests[0].startup.order == 2);
  std::ofstream(pve.pmxcfs() / ".vmlist") << "{\n\"version\": 3,\n\"ids\": {\n\"100\": {";
  inv = discoverInventory(runner, optionsFor(pve));
  REQUIRE(inv.problems.size() == 1);
  CHECK(inv.problems[0] == (pve.pmxcfs() / ".vmlist").string() +
                               ": byte 34: not the JSON pmxcfs writes (reading qm/pct config "
                               "instead)");
  CHECK(inv.configs == ConfigSource::Tools);
  CHECK(inv.guests[0].startup.order == 2);
}

TEST_CASE("a failing qm list: pmxcfs still names its VMs, their status unknown") {
  FakePve pve(node(sampleNode()));
  ProcessRunner runner;
  auto o = optionsFor(pve);
  o.qm = "/nonexistent/qm";
  const auto inv = discoverInventory(runner, o);
  REQUIRE(inv.problems.size() == 1);
  CHECK(inv.problems[0] == "qm list: cannot start: No such file or directory");
  CHECK(inv.listFailed());
  const Guest* web = inv.find(GuestType::Vm, 100);
  REQUIRE(web != nullptr);
  CHECK(web->status.empty());
  CHECK_FALSE(web->running());
  CHECK(web->startup.order == 2);
  CHECK(inv.find(GuestType::Container, 200)->running());
}

/// A discovery the test holds up, and counts.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = true;
  std::atomic<int> calls{0};
  InventoryKeeper::Discover discover() {
    return [this] {
      const int n = ++calls;
      std::unique_lock lock(mutex);
      cv.wait(lock, [this] { return open; });
      Inventory inv;
      inv.guests.push_back(Guest{GuestType::Vm, 100 + n, "", "running", {}, false, {}});
      return inv;
    };
  }
  void set(bool isOpen) {
    const std::lock_guard lock(mutex);
    open = isOpen;
    cv.notify_all();
  }
};

TEST_CASE("the keeper: asleep until asked, tickets, requests spaced, refreshed on battery") {
  Gate gate;
  InventoryKeeper::Options o;
  o.minSpacing = 400ms;
  o.onBatteryRefresh = 300ms;
  InventoryKeeper keeper(gate.discover(), o);
  std::this_thread::sleep_for(200ms);
  CHECK(gate.calls == 0);
  CHECK(keeper.latest() == nullptr);
  const auto first = keeper.refreshNow();
  const auto inv = keeper.waitFor(first, SteadyClock::now() + 10s);
  REQUIRE(inv != nullptr);
  CHECK(inv->generation == first);
  CHECK(keeper.ready(first) == inv);
  CHECK(keeper.ready(first + 1) == nullptr);
  // Two requests within the spacing: one discovery, once the spacing has passed.
  keeper.refresh();
  keeper.refresh();
  CHECK(keeper.waitFor(first + 1, SteadyClock::now() + 10s) != nullptr);
  std::this_thread::sleep_for(600ms);
  CHECK(gate.calls == 2);
  // On battery: at once (spaced), then every 300 ms; back on mains: asleep again.
  keeper.setOnBattery(true);
  CHECK(keeper.waitFor(first + 3, SteadyClock::now() + 10s) != nullptr);
  keeper.setOnBattery(false);
  const int calls = gate.calls;
  std::this_thread::sleep_for(700ms);
  CHECK(gate.calls <= calls + 1); // one may have been due as it was switched off
}

TEST_CASE("the keeper: a hung discovery keeps the last inventory; waits give up; no hang at exit") {
  Gate gate;
  InventoryKeeper::Options o;
  o.stopGrace = 100ms;
  auto keeper = std::make_unique<InventoryKeeper>(gate.discover(), o);
  const auto first = keeper->refreshNow();
  REQUIRE(keeper->waitFor(first, SteadyClock::now() + 10s) != nullptr);
  gate.set(false); // the next discovery hangs, as a read of a hung /etc/pve does
  const auto second = keeper->refreshNow();
  const auto t0 = SteadyClock::now();
  CHECK(keeper->waitFor(second, t0 + 300ms) == nullptr);
  CHECK(SteadyClock::now() - t0 >= 300ms);
  CHECK(keeper->latest()->generation == first);
  CHECK(keeper->runningSince().has_value());
  const auto t1 = SteadyClock::now();
  keeper.reset(); // leaves the hung discovery behind
  CHECK(SteadyClock::now() - t1 < 5s);
  gate.set(true); // the detached thread ends on its own
  std::this_thread::sleep_for(100ms);
}

TEST_CASE("a hung /etc/pve (a FIFO nobody writes): the plan made before stays") {
  FakePve pve(node(sampleNode()));
  auto runner = std::make_shared<ProcessRunner>();
  const auto o = optionsFor(pve);
  InventoryKeeper::Options ko;
  ko.stopGrace = 100ms;
  InventoryKeeper keeper([runner, o] { return discoverInventory(*runner, o); }, ko);
  const auto first = keeper.refreshNow();
  REQUIRE(keeper.waitFor(first, SteadyClock::now() + 30s) != nullptr);
  const auto vmlist = pve.pmxcfs() / ".vmlist";
  pve.hangPmxcfs(); // open() for reading blocks until a writer
  const auto second = keeper.refreshNow();
  CHECK(keeper.waitFor(second, SteadyClock::now() + 3s) == nullptr);
  CHECK(keeper.latest()->find(GuestType::Vm, 100)->startup.order == 2);
  // Let the blocked read go (EOF: an empty .vmlist), so the thread ends.
  pve.releasePmxcfs();
  const auto after = keeper.waitFor(second, SteadyClock::now() + 30s);
  REQUIRE(after != nullptr);
  REQUIRE_FALSE(after->problems.empty());
  CHECK(after->problems[0] == vmlist.string() + ": byte 1: not the JSON pmxcfs writes (reading "
                                                "qm/pct config instead)");
}

} // namespace
} // namespace hidupsd::proxmox
