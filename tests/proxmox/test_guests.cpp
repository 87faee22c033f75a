// SPDX-License-Identifier: GPL-2.0-or-later
// Guest lists, startup orders and the shutdown plan: pure functions on Proxmox's real output.
#include <doctest/doctest.h>

#include "proxmox/guest_config.hpp"
#include "proxmox/guests.hpp"
#include "proxmox/shutdown_plan.hpp"

namespace hidupsd::proxmox {
namespace {

using namespace std::chrono_literals;

// PVE 8 `qm list` (qm.pm: "%10s %-20s %-10s %-10s %12s %-10s"), a VM without a
// name listed as "VM 105" as PVE does.
constexpr const char* kQmList =
    "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n"
    "       100 win11                running    8192             64.00 2231      \n"
    "       101 debian-web           stopped    2048             32.00 0         \n"
    "       105 VM 105               paused     1024             16.00 3391      \n"
    "      1000 big-db               running    65536           500.00 4410      \n";

// PVE 8 `pct list` (pct.pm: "%-10s %-10s %-12s %-20s"), the Lock column mostly blank.
constexpr const char* kPctList = "VMID       Status     Lock         Name                \n"
                                 "200        running                 dns                 \n"
                                 "201        stopped                 mail                \n"
                                 "202        running    backup       nextcloud           \n";

TEST_CASE("qm list: ids, names with spaces, statuses") {
  const auto vms = parseQmList(kQmList);
  REQUIRE(vms.size() == 4);
  CHECK(vms[0] == Guest{GuestType::Vm, 100, "win11", "running", {}, false, {}});
  CHECK(vms[1].status == "stopped");
  CHECK(vms[2].name == "VM 105");
  CHECK(vms[2].status == "paused");
  CHECK(vms[3].id == 1000);
  CHECK(label(vms[3]) == "VM 1000 (big-db)");
  CHECK(parseQmList("").empty()); // qm prints nothing at all when there is no VM
}

TEST_CASE("qm list: what is not qm's table names its line") {
  CHECK_THROWS_WITH_AS(parseQmList("ipcc_send_rec[1] failed: Connection refused\n"),
                       "qm list line 1: expected the header VMID NAME STATUS ..., got "
                       "'ipcc_send_rec[1] failed: Connection refused'",
                       ListError);
  CHECK_THROWS_WITH_AS(parseQmList(std::string(kQmList) + "       abc x running 1 2 3\n"),
                       "qm list line 6: 'abc' is not a guest id", ListError);
  CHECK_THROWS_WITH_AS(parseQmList("VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID\n 100 web running\n"),
                       doctest::Contains("qm list line 2: expected VMID NAME STATUS"), ListError);
}

TEST_CASE("pct list: columns by the header, blank and set locks") {
  const auto cts = parsePctList(kPctList);
  REQUIRE(cts.size() == 3);
  CHECK(cts[0] == Guest{GuestType::Container, 200, "dns", "running", {}, false, {}});
  CHECK(cts[1].status == "stopped");
  CHECK(cts[2].name == "nextcloud");
  CHECK(label(cts[2]) == "CT 202 (nextcloud)");
  CHECK(parsePctList("").empty());
  CHECK_THROWS_WITH_AS(parsePctList("VMID Name\n"), doctest::Contains("pct list line 1"),
                       ListError);
}

TEST_CASE("startup: order, up, down; bare order; absent; malformed as PVE reads it") {
  const auto startup = [](std::string_view config) {
    return parseGuestConfig(config, GuestType::Vm).startup;
  };
  CHECK(startup("boot: order=scsi0\nstartup: order=2,up=30,down=120\nmemory: 2048\n") ==
        Startup{2, 30, 120});
  CHECK(startup("startup: 3\n") == Startup{3, {}, {}});
  CHECK(startup("startup: down=45\n") == Startup{{}, {}, 45});
  CHECK(startup("cores: 2\n") == Startup{});
  // pve_parse_startup_order returns nothing for a value with one bad item: qm's own stop
  // then ignores down= too.
  CHECK(startup("startup: order=x,down=10\n") == Startup{});
  CHECK(startup("startup: order=1,fast=1\n") == Startup{});
  CHECK(startup("startup: order=-1\n") == Startup{});
  CHECK(parseStartupValue("order=4, down=30,") == Startup{4, {}, 30});
}

TEST_CASE("read-only commands are the ones a dry run may run") {
  CHECK(isReadOnlyCommand({"/usr/sbin/qm", "list"}));
  CHECK(isReadOnlyCommand({"pct", "config", "200"}));
  CHECK(isReadOnlyCommand({"/usr/bin/pvesh", "get", "/nodes"}));
  CHECK_FALSE(isReadOnlyCommand({"/usr/sbin/qm", "shutdown", "100"}));
  CHECK_FALSE(isReadOnlyCommand({"/usr/sbin/pct", "stop", "200"}));
  CHECK_FALSE(isReadOnlyCommand({"/usr/bin/pvesh", "create", "/nodes/pve1/stopall"}));
  CHECK_FALSE(isReadOnlyCommand({"systemctl", "poweroff"}));
  CHECK_FALSE(isReadOnlyCommand({"qm"}));
}

Guest vm(int id, std::optional<int> order, std::optional<int> down = {}) {
  return Guest{GuestType::Vm, id, "", "running", Startup{order, {}, down}, false, {}};
}

TEST_CASE("worst cases: each group's slowest guest plus its force stop, added up in order") {
  StopRules rules;
  rules.guestTimeout = std::chrono::seconds(120);
  rules.forceStopTimeout = std::chrono::seconds(60);
  const auto w = worstCases({vm(101, 1), vm(102, 2, 30), vm(103, 2, 200), vm(104, {})}, rules);
  REQUIRE(w.size() == 3);
  CHECK_FALSE(w[0].group.order); // unordered first: VM 104 at guest_timeout
  CHECK(w[0].worst.count() == 180);
  CHECK(w[1].group.order == 2); // down=200 beats down=30
  CHECK(w[1].worst.count() == 260);
  CHECK(w[1].endsBy.count() == 440);
  CHECK(w[2].worst.count() == 180);
  CHECK(w[2].endsBy.count() == 620);
  rules.forceStop = false; // no force stop: the clean shutdowns only
  CHECK(worstCases({vm(101, 1)}, rules).at(0).worst.count() == 120);
  CHECK(worstCases({}, rules).empty());
}

TEST_CASE("stop groups: unordered first, then the highest order down to the lowest") {
  const auto groups =
      stopGroups({vm(104, 1), vm(101, {}), vm(103, 2), vm(102, 1), vm(100, {}),
                  Guest{GuestType::Container, 200, "", "running", {3, {}, {}}, false, {}}});
  REQUIRE(groups.size() == 4);
  CHECK_FALSE(groups[0].order.has_value());
  CHECK(groups[0].guests.size() == 2);
  CHECK(groups[0].guests[0].id == 100);
  CHECK(groups[1].order == 3);
  CHECK(groups[1].guests[0].type == GuestType::Container);
  CHECK(groups[2].order == 2);
  CHECK(groups[3].order == 1);
  CHECK(groups[3].guests[0].id == 102);
  CHECK(groups[3].guests[1].id == 104);
  CHECK(stopGroups({}).empty());
}

TEST_CASE("the guest phase budget: min(configured, runtime - margin), 15 s at least") {
  CHECK(guestPhaseBudget(600.0, 600s, 60s) == 540s);
  CHECK(guestPhaseBudget(1800.0, 600s, 60s) == 600s);
  CHECK(guestPhaseBudget(std::nullopt, 600s, 60s) == 600s);
  CHECK(guestPhaseBudget(50.0, 600s, 60s) == kMinimumDeadline);
  CHECK(guestPhaseBudget(-1.0, 300s, 60s) == 300s); // a UPS that says -1 knows nothing
  CHECK(guestPhaseBudget(75.9, 600s, 0s) == 75s);
}

TEST_CASE("a guest's shutdown timeout: down= first, bounded by the time left") {
  StopRules rules;
  rules.guestTimeout = 180s;
  rules.forceStop = true;
  CHECK(shutdownTimeout(vm(100, {}), rules, 600s) == 180s);
  CHECK(shutdownTimeout(vm(100, {}, 30), rules, 600s) == 30s);
  CHECK(shutdownTimeout(vm(100, {}), rules, 100s) == 90s); // 10 s kept for the force stop
  CHECK(shutdownTimeout(vm(100, {}), rules, 5s) == 1s);
  rules.forceStop = false;
  CHECK(shutdownTimeout(vm(100, {}), rules, 100s) == 100s);
}

// A hung `qm shutdown` used to be killed at T + 15 s whatever the deadline
// said: 5 s past it, and its force stop later still.
TEST_CASE("our limit on a shutdown tool: its grace, but never into the force stop's reserve") {
  StopRules rules;
  rules.toolGrace = 15s;
  rules.forceStop = true;
  CHECK(shutdownKillAfter(180s, rules, 600s) == 195s); // room enough: the full grace
  CHECK(shutdownKillAfter(90s, rules, 100s) == 92s);   // 10 s left for the force stop: the least
  CHECK(shutdownKillAfter(2s, rules, 15s) == 5s);      // the 15-s deadline floor, T = 2 s
  CHECK(shutdownKillAfter(2s, rules, 20s) == 10s);
  CHECK(shutdownKillAfter(1s, rules, 3s) == 3s); // past the reserve: T + 2 s
  rules.toolGrace = 1s;
  CHECK(shutdownKillAfter(1s, rules, 3s) == 2s); // never more than the full grace
  rules.toolGrace = 15s;
  rules.forceStop = false; // nothing to keep time for
  CHECK(shutdownKillAfter(90s, rules, 100s) == 105s);
}

TEST_CASE("the tools' command lines") {
  StopRules rules;
  rules.node = "pve1";
  CHECK(shutdownArgv(vm(100, {}), rules, 42s) ==
        std::vector<std::string>{"/usr/sbin/qm", "shutdown", "100", "--timeout", "42"});
  CHECK(stopArgv(Guest{GuestType::Container, 200, "", "", {}, false, {}}, rules) ==
        std::vector<std::string>{"/usr/sbin/pct", "stop", "200"});
  CHECK(stopAllArgv(rules, 120s, {}) == std::vector<std::string>{"/usr/bin/pvesh", "create",
                                                                 "/nodes/pve1/stopall", "--timeout",
                                                                 "120", "--force-stop", "1"});
  rules.forceStop = false;
  CHECK(stopAllArgv(rules, 9000s, {100, 200}) ==
        std::vector<std::string>{"/usr/bin/pvesh", "create", "/nodes/pve1/stopall", "--timeout",
                                 "7200", "--force-stop", "0", "--vms", "100,200"});
}

} // namespace
} // namespace hidupsd::proxmox
