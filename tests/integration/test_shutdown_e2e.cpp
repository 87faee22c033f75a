// SPDX-License-Identifier: GPL-2.0-or-later
// From low battery to host power-off: the daemon as a process, fake Proxmox tools, a replayed UPS.
#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;
using Json = nlohmann::json;

/// Four guests in two order groups, each taking `seconds` to shut down.
std::string fourGuests(double seconds) {
  Json guests = Json::array();
  for (int id : {100, 101, 102})
    guests.push_back({{"type", "vm"},
                      {"id", id},
                      {"name", "vm" + std::to_string(id)},
                      {"status", "running"},
                      {"shutdown", std::to_string(seconds)},
                      {"startup", id == 100 ? "order=1" : ""}});
  guests.push_back({{"type", "ct"},
                    {"id", 200},
                    {"name", "dns"},
                    {"status", "running"},
                    {"shutdown", std::to_string(seconds)},
                    {"startup", "order=1"}});
  return Json{{"node", "pve1"}, {"guests", guests}}.dump();
}

/// Outage at 1 s, low battery at 2 s, mains back at 3 s: while the guests stop.
std::string configFor(const TempDir& dir, const t::FakePve& pve, bool simulation) {
  const auto replay =
      writeReplay(dir / "ups.replay", outageAt(1) + lowBatteryAt(2) + mainsBackAt(3));
  return "[device]\nreplay = \"" + replay.string() +
         "\"\npoll_interval = 1\n"
         "[policy]\non_battery_delay = 1\nonline_delay = 0\nsimulation = " +
         (simulation ? "true" : "false") + "\n[shutdown]\nhost_command = [\"" + pve.poweroff() +
         "\"]\nkill_power_flag = \"" + (dir / "killpower").string() + "\"\n[proxmox]\nqm = \"" +
         pve.qm() + "\"\npct = \"" + pve.pct() + "\"\npvesh = \"" + pve.pvesh() +
         "\"\npmxcfs = \"" + pve.pmxcfs().string() + "\"\n[comeback]\nstate_file = \"" +
         (dir / "comeback").string() + "\"\n[log]\n" + logFileSection(dir / "events.log");
}

/// The daemon for real (no simulation, no on-battery delay) on `pve`, with the UPS replay
/// `story`: the plan-ahead tests.
void writePlanConfig(const TempDir& dir, const t::FakePve& pve, const std::string& story) {
  const auto replay = writeReplay(dir / "ups.replay", story);
  writeFile(dir / "hidupsd.toml",
            "[device]\nreplay = \"" + replay.string() +
                "\"\npoll_interval = 1\n[policy]\non_battery_delay = 0\nsimulation = false\n"
                "[shutdown]\nhost_command = [\"" +
                pve.poweroff() + "\"]\nkill_power_flag = \"" + (dir / "killpower").string() +
                "\"\n[proxmox]\nqm = \"" + pve.qm() + "\"\npct = \"" + pve.pct() +
                "\"\npmxcfs = \"" + pve.pmxcfs().string() + "\"\n[comeback]\nstate_file = \"" +
                (dir / "comeback").string() + "\"\n[log]\n" + logFileSection(dir / "events.log"));
}

} // namespace

TEST_CASE("low battery to host power-off, for real: guests, flag, power-off, then --kill-power") {
  TempDir dir;
  t::FakePve pve(fourGuests(2.0));
  t::HttpReceiver hook;
  writeFile(dir / "hidupsd.toml", configFor(dir, pve, false) +
                                      "[[notify]]\ntype = \"webhook\"\nevents = [\"online\"]\n"
                                      "url = \"" +
                                      hook.url() + "\"\n");
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 30s), readIfAny(events));
  const std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"onbatt", "lowbatt", "shutdown: UPS reports low battery"}) == "");
  CHECK(missingInOrder(log, {"shutdown pipeline started: UPS reports low battery",
                             "running guests: VM 100 (vm100), VM 101 (vm101), VM 102 (vm102), CT "
                             "200 (dns)",
                             "stopping no startup order: VM 101 (vm101), VM 102 (vm102)",
                             "stopping startup order 1: VM 100 (vm100), CT 200 (dns)",
                             "guests: 4 of 4 stopped cleanly", "kill-power flag written to",
                             "powering off the host", "shutdown pipeline finished after"}) == "");
  // Mains came back while the guests stopped: the pipeline went on.
  CHECK(contains(log, "the shutdown goes on: the UPS then cuts and restores its output, and the "
                      "host starts again"));
  CHECK(fs::exists(dir / "killpower"));
  // The notification says so too: the host comes back by itself (issue 22: where NUT's
  // users lose their host, the UPS never cycling once mains are back).
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (hook.bodies().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  REQUIRE(hook.bodies().size() == 1);
  const auto online = Json::parse(hook.bodies()[0]);
  CHECK(online["event"] == "online");
  CHECK(contains(online["message"]["body"].get<std::string>(), "the host starts again by itself"));
  const auto listed = pve.started("qm list");
  const auto powered = pve.started("poweroff");
  REQUIRE(powered.size() == 1);
  REQUIRE_FALSE(listed.empty());
  MESSAGE("from the first qm list to the host command: " << powered[0].time - listed[0].time
                                                         << " s (2 groups of 2 s guests)");
  CHECK(powered[0].time - listed[0].time < 20.0); // two groups in parallel: about 4 s
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);

  // The systemd-shutdown hook's command: the flag is there, the UPS gets its delays — with
  // mains present (the replay opens on line, as at the end of this outage): shutdown.return
  // is armed whatever the mains, so the UPS cuts its output and restores it.
  const auto kill = t::runProcess({t::hidupsdBinary().string(), "--kill-power", "--if-flagged",
                                   "-c", (dir / "hidupsd.toml").string()});
  CHECK(kill.status == 0);
  CHECK(contains(kill.out, "found: asking the UPS to power-cycle"));
  CHECK(contains(kill.out, "UPS.PowerSummary.DelayBeforeStartup = 90 (SET_REPORT feature 0x0a"));
  CHECK(contains(kill.out, "UPS.PowerSummary.DelayBeforeShutdown = 60 (SET_REPORT feature 0x09"));

  // The host is back: the daemon's start removes the stale flag.
  TempDir second;
  HidupsdProcess again(second, {"-c", (dir / "hidupsd.toml").string()});
  CHECK_MESSAGE(waitForContent(again.errPath(), "removed the kill-power flag"), again.err());
  CHECK_FALSE(fs::exists(dir / "killpower"));
  again.signal(SIGTERM);
  CHECK(again.waitExit() == 0);
  const auto none = t::runProcess({t::hidupsdBinary().string(), "--kill-power", "--if-flagged",
                                   "-c", (dir / "hidupsd.toml").string()});
  CHECK(none.status == 0);
  CHECK(contains(none.out, "no kill-power flag at"));
}

TEST_CASE("the plan is made at start and on battery: low battery only starts the stops") {
  TempDir dir;
  t::FakePve pve(fourGuests(0.5));
  // Each qm/pct call costs 1 s, as a slow Perl start: the listing asked for at low battery
  // is back a second after the first stop went out.
  ::setenv("FAKE_PVE_COST", "1", 1);
  writePlanConfig(dir, pve, outageAt(8) + lowBatteryAt(12));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  const bool done = waitForContent(events, "shutdown pipeline finished", 60s);
  ::unsetenv("FAKE_PVE_COST");
  REQUIRE_MESSAGE(done, readIfAny(events));
  const std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"shutdown pipeline started", "guest plan made ",
                             "running guests: VM 100 (vm100), VM 101 (vm101), VM 102 (vm102), CT "
                             "200 (dns)",
                             "guests: 4 of 4 stopped cleanly"}) == "");
  const auto shutdowns = pve.started("qm shutdown");
  const auto lists = pve.started("qm list");
  const auto listed = pve.finished("qm", "list");
  REQUIRE_FALSE(shutdowns.empty());
  // Discovered at start and when the UPS went on battery (8 s), before low battery (12 s).
  const auto before = std::count_if(lists.begin(), lists.end(),
                                    [&](const auto& c) { return c.time < shutdowns[0].time; });
  CHECK(before >= 2);
  // The first stop did not wait for the listing asked for at low battery.
  REQUIRE(listed.size() >= 3);
  CHECK(shutdowns[0].time < listed.back().time);
  CHECK(pve.started("qm config").empty()); // configs from pmxcfs
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("qm, pct and /etc/pve hang before low battery: the daemon stops the plan's guests") {
  // DESIGN.md "Proxmox shutdown": pmxcfs hangs in the very outage, and with it every
  // `qm list` / `pct list`. The plan made at start is what gets stopped; never no shutdown.
  TempDir dir;
  t::FakePve pve(fourGuests(0.5));
  writePlanConfig(dir, pve, outageAt(20) + lowBatteryAt(24));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  // The plan made at start (its discovery logged: lists and pmxcfs read), then everything
  // hangs, long before the outage (a loaded machine may take seconds: the outage is at 20 s).
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "running (configs from pmxcfs)", 18s),
                  daemon.err());
  const auto listed = pve.finished("qm", "list").size();
  REQUIRE(listed >= 1);
  pve.hangListings();
  pve.hangPmxcfs();
  const auto events = dir / "events.log";
  const bool done = waitForContent(events, "shutdown pipeline finished", 90s);
  pve.releasePmxcfs();
  REQUIRE_MESSAGE(done, readIfAny(events));
  const std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"shutdown pipeline started", "guest plan made ",
                             "running guests: VM 100 (vm100), VM 101 (vm101), VM 102 (vm102), CT "
                             "200 (dns)",
                             "the guest list asked for at the start of the shutdown did not come",
                             "guests: 4 of 4 stopped cleanly", "powering off the host"}) == "");
  // Asked again since (on battery, at low battery): none came back.
  CHECK(pve.started("qm list").size() > listed);
  CHECK(pve.finished("qm", "list").size() == listed);
  for (int id : {100, 101, 102})
    CHECK(pve.status("vm", id) == "stopped");
  CHECK(pve.status("ct", 200) == "stopped");
  CHECK(pve.started("poweroff").size() == 1);
  daemon.signal(SIGTERM); // with a discovery hung: left behind, the daemon still exits
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("low battery to host power-off in simulation: the same story, nothing done") {
  TempDir dir;
  t::FakePve pve(fourGuests(2.0));
  writeFile(dir / "hidupsd.toml", configFor(dir, pve, true));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 30s), readIfAny(events));
  const std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"shutdown pipeline started (simulation: nothing is executed)",
                             "would run: " + pve.qm() + " shutdown 101 --timeout 180",
                             "guests: 4 would be stopped", "would write the kill-power flag",
                             "would run: " + pve.poweroff(),
                             "shutdown pipeline finished (simulation)"}) == "");
  CHECK(pve.started("poweroff").empty());
  CHECK(pve.started("qm shutdown").empty());
  CHECK(pve.started("pct shutdown").empty());
  CHECK(pve.status("vm", 100) == "running");
  CHECK_FALSE(fs::exists(dir / "killpower"));
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}
