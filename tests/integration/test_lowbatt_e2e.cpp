// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --test-event lowbatt: through the policy as the UPS's LB would be, the dry run's
// deadline as at a real low battery, and each stop group's worst case against it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;

/// Two groups: VM 100 (order 2, down=100) stops first, then CT 200 (order 1, no down=); each
/// guest's worst case adds the 60 s force stop.
std::string twoGroups() {
  nlohmann::json guests = nlohmann::json::array();
  guests.push_back({{"type", "vm"},
                    {"id", 100},
                    {"name", "web"},
                    {"status", "running"},
                    {"startup", "order=2,down=100"},
                    {"shutdown", "0.1"}});
  guests.push_back({{"type", "ct"},
                    {"id", 200},
                    {"name", "dns"},
                    {"status", "running"},
                    {"startup", "order=1"},
                    {"shutdown", "0.1"}});
  return nlohmann::json{{"node", "pve1"}, {"guests", guests}}.dump();
}

std::string configFor(const t::FakePve& pve, bool shutdownOnLowBattery) {
  return std::string("[policy]\nshutdown_on_low_battery = ") +
         (shutdownOnLowBattery ? "true" : "false") +
         "\n[shutdown]\nguest_timeout = 60\nhost_command = [\"" + pve.poweroff() +
         "\"]\n[proxmox]\nqm = \"" + pve.qm() + "\"\npct = \"" + pve.pct() + "\"\npvesh = \"" +
         pve.pvesh() + "\"\n[log]\nfile = \"-\"\n";
}

} // namespace

TEST_CASE("--test-event lowbatt: lowbatt then the shutdown's dry run at low-battery runtime") {
  TempDir dir;
  t::FakePve pve(twoGroups());
  writeFile(dir / "hidupsd.toml", configFor(pve, true));
  // The simulated Ellipse PRO: 1772 s at 100 %, battery.charge.low 20 %, no runtime.low.
  HidupsdProcess p(
      dir, {"--test-event", "lowbatt", "--simulate", "-c", (dir / "hidupsd.toml").string()});
  REQUIRE(p.waitExit() == 0);
  const std::string out = p.out();
  CAPTURE(out);
  // The events (this thread) and the pipeline (its own thread) interleave: each in order.
  CHECK(missingInOrder(out, {"onbatt: manual test (hidupsd --test-event), as at a real low "
                             "battery",
                             "lowbatt: manual test (hidupsd --test-event), as at a real low "
                             "battery: UPS reports low battery | ups.status OB DISCHRG LB, "
                             "battery.charge 20 %, battery.runtime 354 s",
                             "shutdown: manual test (hidupsd --test-event), as at a real low "
                             "battery: UPS reports low battery"}) == "");
  CHECK(missingInOrder(
            out, {"shutdown pipeline started (simulation: nothing is executed)",
                  "guest deadline: 294 s (deadline 600 s, battery.runtime 354 s - margin 60 s",
                  "worst case, group order 2 (VM 100 (web)): 160 s, all done by 160 s of the 29",
                  "worst case, group order 1 (CT 200 (dns)): 120 s, all done by 280 s of the 29",
                  "would run: " + pve.poweroff()}) == "");
  CHECK_FALSE(contains(out, "WARNING"));
  CHECK(contains(p.err(), "battery.runtime 354 s (no battery.runtime.low: 1772 s now x "
                          "battery.charge.low 20 % / battery.charge 100 %)"));
  CHECK(pve.started("qm shutdown").empty()); // a dry run
}

TEST_CASE("--test-event lowbatt: a plan that does not fit the deadline is a warning") {
  TempDir dir;
  t::FakePve pve(twoGroups());
  std::string config = configFor(pve, true);
  config.replace(config.find("guest_timeout = 60"), 18, "guest_timeout = 250");
  writeFile(dir / "hidupsd.toml", config);
  HidupsdProcess p(
      dir, {"--test-event", "lowbatt", "--simulate", "-c", (dir / "hidupsd.toml").string()});
  REQUIRE(p.waitExit() == 0);
  const std::string out = p.out();
  CAPTURE(out);
  CHECK(contains(out, "worst case, group order 1 (CT 200 (dns)): 310 s, all done by 470 s"));
  CHECK(contains(out, "WARNING: the guests may not fit the deadline: group order 1 could end "));
}

TEST_CASE("--test-event lowbatt with shutdown_on_low_battery = false: lowbatt only") {
  TempDir dir;
  t::FakePve pve(twoGroups());
  writeFile(dir / "hidupsd.toml", configFor(pve, false));
  HidupsdProcess p(
      dir, {"--test-event", "lowbatt", "--simulate", "-c", (dir / "hidupsd.toml").string()});
  REQUIRE(p.waitExit() == 0);
  CAPTURE(p.out());
  CHECK(contains(p.out(), "lowbatt: manual test (hidupsd --test-event), as at a real low battery"));
  CHECK_FALSE(contains(p.out(), "shutdown pipeline started"));
  CHECK(contains(p.err(), "shutdown_on_low_battery = false"));
}
