// SPDX-License-Identifier: GPL-2.0-or-later
// The guest inventory's pure parts: guest configs, .vmlist, the stop set, a plan corrected.
#include <doctest/doctest.h>

#include "proxmox/guest_config.hpp"
#include "proxmox/inventory.hpp"
#include "proxmox/pmxcfs.hpp"
#include "proxmox/shutdown_plan.hpp"

namespace hidupsd::proxmox {
namespace {

// /etc/pve/qemu-server/100.conf as PVE 8 writes it: the description as '#' lines first,
// then the current config, then [PENDING] and one section per snapshot, which hold
// older or future values.
constexpr const char* kVmConf = "#Web front end\n"
                                "#startup: order=77 (in the description: not a key)\n"
                                "boot: order=scsi0;net0\n"
                                "cores: 2\n"
                                "name: web\n"
                                "onboot: 1\n"
                                "startup: order=2,up=30,down=120\n"
                                "tags: prod;web\n"
                                "\n"
                                "[PENDING]\n"
                                "startup: order=9\n"
                                "\n"
                                "[before-upgrade]\n"
                                "name: web-old\n"
                                "onboot: 0\n"
                                "snaptime: 1700000000\n";

// /etc/pve/lxc/200.conf: hostname, not name; a snapshot section and [pve:pending].
constexpr const char* kCtConf = "arch: amd64\n"
                                "hostname: dns\n"
                                "onboot: yes\n"
                                "tags: infra, dns core\n"
                                "lxc.apparmor.profile: unconfined\n"
                                "[clean]\n"
                                "hostname: dns-clean\n"
                                "startup: order=1\n";

TEST_CASE("a guest config: the current section only, name or hostname, onboot, tags") {
  const auto vm = parseGuestConfig(kVmConf, GuestType::Vm);
  CHECK(vm.name == "web");
  CHECK(vm.startup == Startup{2, 30, 120});
  CHECK(vm.onboot);
  CHECK(vm.tags == std::vector<std::string>{"prod", "web"});
  const auto ct = parseGuestConfig(kCtConf, GuestType::Container);
  CHECK(ct.name == "dns");
  CHECK(ct.startup == Startup{});
  CHECK(ct.onboot);
  CHECK(ct.tags == std::vector<std::string>{"infra", "dns", "core"});
  // A VM's "hostname" is not its name, nor a container's "name".
  CHECK(parseGuestConfig("hostname: x\n", GuestType::Vm).name.empty());
  CHECK(parseGuestConfig("name: x\n", GuestType::Container).name.empty());
  CHECK(parseGuestConfig("", GuestType::Vm) == GuestConfig{});
  // qm config's output has no sections; CRLF and blanks are tolerated.
  CHECK(parseGuestConfig("name: a\r\nonboot: 0\r\n", GuestType::Vm) ==
        GuestConfig{"a", {}, false, {}});
}

TEST_CASE("PVE's booleans and tag lists") {
  for (const char* yes : {"1", "on", "yes", "true", "TRUE", "Yes"})
    CHECK(parseBoolean(yes));
  for (const char* no : {"0", "off", "no", "false", "", "2", "maybe"})
    CHECK_FALSE(parseBoolean(no));
  CHECK(parseTags("a;b,c d\t e;;") == std::vector<std::string>{"a", "b", "c", "d", "e"});
  CHECK(parseTags("").empty());
}

// pmxcfs's own output (pve-cluster status.c cfs_create_vmlist_msg), byte for byte.
constexpr const char* kVmlist =
    "{\n\"version\": 12,\n\"ids\": {\n"
    "\"200\": { \"node\": \"pve1\", \"type\": \"lxc\", \"version\": 3 },\n"
    "\"100\": { \"node\": \"pve1\", \"type\": \"qemu\", \"version\": 8 },\n"
    "\"101\": { \"node\": \"pve2\", \"type\": \"qemu\", \"version\": 1 },\n"
    "\"300\": { \"node\": \"pve1\", \"type\": \"openvz\", \"version\": 1 }}\n"
    "\n}\n";

TEST_CASE(".vmlist: every node's guests by id; no guests at all; what is not pmxcfs's") {
  const auto all = parseVmlist(kVmlist, "/etc/pve/.vmlist");
  REQUIRE(all.size() == 3); // openvz is left out
  CHECK(all[0] == VmlistEntry{100, GuestType::Vm, "pve1"});
  CHECK(all[1] == VmlistEntry{101, GuestType::Vm, "pve2"});
  CHECK(all[2] == VmlistEntry{200, GuestType::Container, "pve1"});
  CHECK(parseVmlist("{\n\"version\": 1\n\n}\n", "v").empty());
  CHECK_THROWS_WITH_AS(parseVmlist("{\n\"version\": 1,\n\"ids\": {\n", "/etc/pve/.vmlist"),
                       "/etc/pve/.vmlist: byte 26: not the JSON pmxcfs writes", PmxcfsError);
  CHECK_THROWS_WITH_AS(parseVmlist("[1]", "v"), "v: expected {\"version\": N, \"ids\": {...}}",
                       PmxcfsError);
  CHECK_THROWS_WITH_AS(parseVmlist("{\"version\": 1, \"ids\": {\"0100\": {}}}", "v"),
                       "v: ids.\"0100\": not a guest id", PmxcfsError);
  CHECK_THROWS_WITH_AS(
      parseVmlist("{\"version\": 1, \"ids\": {\"100\": {\"type\": \"qemu\"}}}", "v"),
      "v: ids.\"100\": no \"node\" string", PmxcfsError);
}

Guest guest(GuestType type, int id, const char* status, std::optional<int> order = {}) {
  Guest g;
  g.type = type;
  g.id = id;
  g.status = status;
  g.startup.order = order;
  return g;
}

Guest vm(int id, const char* status, std::optional<int> order = {}) {
  return guest(GuestType::Vm, id, status, order);
}

TEST_CASE("the stop set: running guests, the excluded apart, stopped and unknown left out") {
  Inventory inv;
  inv.guests = {vm(100, "running"), vm(101, "stopped"), vm(102, "paused"), vm(103, ""),
                guest(GuestType::Container, 102, "running")};
  const auto set = stopSet(inv, {102});
  REQUIRE(set.guests.size() == 1);
  CHECK(set.guests[0].id == 100);
  REQUIRE(set.excluded.size() == 2); // VM 102 paused and CT 102: the id names both
  CHECK(inv.find(GuestType::Container, 102) == &inv.guests[4]);
  CHECK(inv.find(GuestType::Container, 100) == nullptr);
  CHECK(describe(inv) == "5 guest(s), 3 running (configs from qm/pct config)");
  CHECK(label(vm(100, "")) == "VM 100");
  CHECK(std::string(typeName(GuestType::Container)) == "lxc");
}

std::vector<int> ids(const StopGroup& g) {
  std::vector<int> out;
  for (const auto& guest : g.guests)
    out.push_back(guest.id);
  return out;
}

TEST_CASE("a plan corrected: stopped since skipped, started since added where its turn is") {
  // Planned: order 3 (VM 100, started), then order 2 (101, 102), then order 1 (103).
  const std::vector<StopGroup> pending = {{2, {vm(101, "running", 2), vm(102, "running", 2)}},
                                          {1, {vm(103, "running", 1)}}};
  Inventory fresh;
  fresh.guests = {vm(100, "running", 3), vm(101, "stopped", 2), vm(102, "running", 2),
                  vm(103, "running", 1), vm(104, "running", 1), vm(105, "running", 5),
                  vm(106, "running"),    vm(107, "running", 2), vm(108, "running", 1)};
  const auto c = correctPlan(pending, {vm(100, "running", 3)}, std::optional<int>(3), fresh, {108});
  REQUIRE(c.alreadyStopped.size() == 1);
  CHECK(c.alreadyStopped[0].id == 101);
  REQUIRE(c.startedSince.size() == 4); // 104, 105, 106, 107; 108 is excluded
  REQUIRE(c.pending.size() == 2);
  // 105 (order 5) and 106 (no order) stop before order 3, whose turn is past: they join
  // the next group; 107 joins its own group, 104 the order-1 group.
  CHECK(c.pending[0].order == 2);
  CHECK(ids(c.pending[0]) == std::vector<int>{102, 107, 105, 106});
  CHECK(c.pending[1].order == 1);
  CHECK(ids(c.pending[1]) == std::vector<int>{103, 104});
}

TEST_CASE("a plan corrected: nothing left but latecomers; a guest the fresh look does not know") {
  Inventory fresh;
  fresh.guests = {vm(100, ""), vm(200, "running")};
  const auto c = correctPlan({{std::nullopt, {vm(100, "running")}}}, {}, std::nullopt, fresh, {});
  CHECK(c.alreadyStopped.empty()); // status unknown: kept
  REQUIRE(c.pending.size() == 1);
  CHECK(ids(c.pending[0]) == std::vector<int>{100, 200});
  const auto late = correctPlan({}, {vm(100, "running")}, std::optional<int>{}, fresh, {});
  REQUIRE(late.pending.size() == 1); // every group has run: a group of its own, at the end
  CHECK(ids(late.pending[0]) == std::vector<int>{200});
  CHECK(stopsBefore(std::nullopt, 1));
  CHECK(stopsBefore(3, 1));
  CHECK_FALSE(stopsBefore(1, 3));
  CHECK_FALSE(stopsBefore(1, std::nullopt));
  CHECK_FALSE(stopsBefore(std::nullopt, std::nullopt));
}

} // namespace
} // namespace hidupsd::proxmox
