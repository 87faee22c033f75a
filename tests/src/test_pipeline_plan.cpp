// SPDX-License-Identifier: GPL-2.0-or-later
// The plan made ahead: the first stop at once, a stale plan corrected, a hung /etc/pve.
#include <doctest/doctest.h>

#include <stdlib.h>

#include "src/proxmox_pipeline.hpp"
#include "tests/src/pipeline_support.hpp"
#include "tests/support/fake_pve.hpp"

namespace hidupsd {
namespace {

using namespace test::pipeline;
using test::FakePve;
namespace fs = std::filesystem;

/// Sets FAKE_PVE_COST (each qm/pct call's Perl start) for its lifetime.
struct ToolCost {
  explicit ToolCost(const char* seconds) { ::setenv("FAKE_PVE_COST", seconds, 1); }
  ~ToolCost() { ::unsetenv("FAKE_PVE_COST"); }
};

/// /etc/pve hung (FakePve::hangPmxcfs) for its lifetime; the destructor lets the
/// blocked reader go.
struct HungPmxcfs {
  const FakePve& pve;
  explicit HungPmxcfs(const FakePve& fake) : pve(fake) { pve.hangPmxcfs(); }
  ~HungPmxcfs() { pve.releasePmxcfs(); }
};

TEST_CASE("plan made ahead: the first stop goes out before the listing asked at low battery") {
  FakePve pve(node(Json::array({guest("vm", 100, "0.5"), guest("ct", 200, "0.5")})));
  const auto config = configFor(pve, false);
  auto keeper = keeperWithPlan(config);
  const ToolCost cost("1.5"); // a slow Perl start: the fresh `qm list` is back 1.5 s later
  Recorded rec;
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(), rec.output(),
                           keeper);
  run(pipeline, shutdownEvent(3600));
  const auto lists = pve.finished("qm", "list");
  REQUIRE(lists.size() == 2); // the plan's, and the fresh one at low battery
  const auto first = pve.started("qm shutdown 100");
  REQUIRE(first.size() == 1);
  CHECK(first[0].time < lists[1].time); // it did not wait for the listing
  CHECK(pve.started("qm config").empty());
  CHECK(rec.said("guest plan made "));
  CHECK(rec.said("running guests: VM 100 (vm100), CT 200 (ct200)"));
  CHECK(rec.said("guests: 2 of 2 stopped cleanly"));
  CHECK(pve.status("vm", 100) == "stopped");
  CHECK(pve.status("ct", 200) == "stopped");
}

TEST_CASE("a stale plan: a guest started since is stopped too, one stopped since is skipped") {
  Json late = guest("ct", 200, "0.2");
  late["status"] = "stopped";
  FakePve pve(
      node(Json::array({guest("vm", 100, "3", "order=2"), guest("vm", 101, "0.2", "order=1"),
                        guest("vm", 102, "0.2", "order=1"), late})));
  const auto config = configFor(pve, false);
  auto keeper = keeperWithPlan(config);
  pve.setStatus("vm", 101, "stopped");
  pve.setStatus("ct", 200, "running");
  Recorded rec;
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(), rec.output(),
                           keeper);
  run(pipeline, shutdownEvent(3600));
  CHECK(pve.status("ct", 200) == "stopped");
  CHECK(pve.status("vm", 102) == "stopped");
  // VM 100's 3 s give the fresh listing time to correct the order-1 group.
  CHECK(pve.started("qm shutdown 101").empty());
  CHECK(rec.said("started since the plan was made, stopped too: CT 200 (ct200)"));
  CHECK(rec.said("guests: 3 of 3 stopped cleanly, 0 force-stopped, 0 failed, 0 left running, 1 "
                 "already stopped"));
  CHECK(pve.started("poweroff --now").size() == 1);
}

TEST_CASE("/etc/pve hangs after the plan was made: the plan's guests stop, the host goes down") {
  FakePve pve(node(Json::array({guest("vm", 100, "0.2")})));
  const auto config = configFor(pve, false);
  auto keeper = keeperWithPlan(config);
  const HungPmxcfs hung(pve);
  Recorded rec;
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(), rec.output(),
                           keeper);
  run(pipeline, shutdownEvent(3600));
  CHECK(pve.status("vm", 100) == "stopped");
  CHECK(rec.said("the guest list asked for at the start of the shutdown did not come in time"));
  CHECK(pve.started("poweroff --now").size() == 1);
}

TEST_CASE("qm list, pct list and /etc/pve all hang at low battery: the plan's guests stop") {
  // DESIGN.md "Proxmox shutdown": pmxcfs hung in the very outage. Every way of looking
  // again hangs (the tools and the files); the shutdown stops what the last plan saw, in its
  // order, and the host goes down — never "no shutdown".
  FakePve pve(node(Json::array({guest("vm", 100, "0.2", "order=2"), guest("vm", 101, "0.2"),
                                guest("ct", 200, "0.2", "order=1")})));
  const auto config = configFor(pve, false);
  auto keeper = keeperWithPlan(config);
  pve.hangListings();
  const HungPmxcfs hung(pve);
  Recorded rec;
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(), rec.output(),
                           keeper);
  const auto t0 = std::chrono::steady_clock::now();
  run(pipeline, shutdownEvent(3600));
  // Bounded: one recheck wait (kRecheckWait, 10 s) at most, not the tools' 30 s timeout.
  CHECK(std::chrono::steady_clock::now() - t0 < 28s);
  CHECK(pve.started("qm list").size() >= 2); // the plan's, and the one that hung
  CHECK(pve.finished("qm", "list").size() == 1);
  CHECK(rec.said("guest plan made "));
  CHECK(rec.said("running guests: VM 100 (vm100), VM 101 (vm101), CT 200 (ct200)"));
  CHECK(rec.said("the guest list asked for at the start of the shutdown did not come in time"));
  CHECK(rec.said("guests: 3 of 3 stopped cleanly"));
  for (const auto& [type, id] : {std::pair{"vm", 100}, {"vm", 101}, {"ct", 200}})
    CHECK(pve.status(type, id) == "stopped");
  // In the plan's order: no order first, then order 2, then order 1.
  const auto s101 = pve.started("qm shutdown 101"), s100 = pve.started("qm shutdown 100"),
             s200 = pve.started("pct shutdown 200");
  REQUIRE((s101.size() == 1 && s100.size() == 1 && s200.size() == 1));
  CHECK(s101[0].time < s100[0].time);
  CHECK(s100[0].time < s200[0].time);
  CHECK(pve.started("poweroff --now").size() == 1);
}

TEST_CASE("/etc/pve hangs and no plan was made: a bounded wait, then the host goes down") {
  FakePve pve(node(Json::array({guest("vm", 100, "0.2")})));
  const HungPmxcfs hung(pve);
  Recorded rec;
  ProxmoxPipeline pipeline(configFor(pve, false), "pve1",
                           std::make_unique<proxmox::ProcessRunner>(), rec.output());
  const auto t0 = std::chrono::steady_clock::now();
  run(pipeline, shutdownEvent(70)); // 70 s - 60 s margin: the 15 s floor, so a 7.5 s wait
  CHECK(std::chrono::steady_clock::now() - t0 < 60s);
  CHECK(rec.said("no guest plan yet: listing the guests now (7.5 s at most)"));
  CHECK(std::find(rec.notified.begin(), rec.notified.end(),
                  "the guest list did not come within 7.5 s (qm or /etc/pve hung?): no guest is "
                  "known, powering off (the host's own shutdown stops its guests)") !=
        rec.notified.end());
  CHECK(pve.started("qm shutdown").empty());
  CHECK(pve.started("poweroff --now").size() == 1);
}

} // namespace
} // namespace hidupsd
