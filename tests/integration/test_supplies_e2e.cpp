// SPDX-License-Identifier: GPL-2.0-or-later
// Several UPSes and min_supplies, end to end: the daemon as a process on two replayed UPSes,
// fake Proxmox tools; one UPS at low battery holds, the second one shuts the host down.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;

std::string oneGuest() {
  nlohmann::json guests = nlohmann::json::array();
  guests.push_back({{"type", "vm"},
                    {"id", 100},
                    {"name", "web"},
                    {"status", "running"},
                    {"shutdown", "0.5"},
                    {"startup", ""}});
  return nlohmann::json{{"node", "pve1"}, {"guests", guests}}.dump();
}

/// Two UPSes feeding one supply each: "left" reaches low battery at `leftLow` s, "right" at
/// `rightLow` s (0 = never); both lose mains at 1 s.
std::string configFor(const TempDir& dir, const t::FakePve& pve, int minSupplies, int leftLow,
                      int rightLow) {
  const auto left = writeReplay(dir / "left.replay", outageAt(1) + lowBatteryAt(leftLow));
  const auto right =
      writeReplay(dir / "right.replay", outageAt(1) + (rightLow > 0 ? lowBatteryAt(rightLow) : ""));
  std::string c;
  for (const auto& [name, replay] : {std::pair{"left", left}, std::pair{"right", right}})
    c += std::string("[[device]]\nname = \"") + name + "\"\nreplay = \"" + replay.string() +
         "\"\npoll_interval = 1\n";
  return c + "[policy]\non_battery_delay = 1\nsimulation = false\nmin_supplies = " +
         std::to_string(minSupplies) + "\n[shutdown]\nhost_command = [\"" + pve.poweroff() +
         "\"]\nkill_power_flag = \"" + (dir / "killpower").string() + "\"\n[proxmox]\nqm = \"" +
         pve.qm() + "\"\npct = \"" + pve.pct() + "\"\npvesh = \"" + pve.pvesh() +
         "\"\npmxcfs = \"" + pve.pmxcfs().string() + "\"\n[comeback]\nstate_file = \"" +
         (dir / "comeback").string() + "\"\n[history]\nfile = \"\"\n[serve.control]\nsocket = \"" +
         (dir / "control.sock").string() + "\"\ngroup = \"\"\n[log]\n" +
         logFileSection(dir / "events.log");
}

/// The NUT server on `port`, with the UPSes under their names.
std::string nutOn(std::uint16_t port) {
  return "[serve.nut]\nlisten = \"127.0.0.1:" + std::to_string(port) + "\"\n";
}

} // namespace

TEST_CASE("two UPSes, min_supplies 1: the first low battery holds, the second shuts down") {
  TempDir dir;
  t::FakePve pve(oneGuest());
  const auto port = freeLoopbackPort();
  const auto http = freeLoopbackPort();
  writeFile(dir / "hidupsd.toml", configFor(dir, pve, 1, 3, 12) + nutOn(port) +
                                      "[serve.http]\nlisten = \"127.0.0.1:" + std::to_string(http) +
                                      "\"\ndashboard = false\n");
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "UPS left is critical", 20s), readIfAny(events));
  // Its lowbatt is said, named; the host keeps running: the right UPS still feeds a supply.
  std::this_thread::sleep_for(3s);
  std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(contains(log, "lowbatt: UPS left: UPS reports low battery"));
  CHECK(contains(log, "UPS left is critical: 1 of 2 power supplies still fed (min_supplies = 1): "
                      "the host keeps running; critical: left (UPS reports low battery)"));
  CHECK_FALSE(contains(log, "shutdown pipeline started"));
  CHECK(pve.started("qm shutdown").empty());
  CHECK(pve.started("poweroff").empty());
  CHECK(daemon.running());
  CHECK(contains(daemon.err(), "2 UPSes: left (1 supplies), right (1 supplies)"));
  // --status lists each UPS by name, and the supplies.
  const auto status = t::runProcess(
      {t::hidupsdBinary().string(), "--status", "-c", (dir / "hidupsd.toml").string()});
  CAPTURE(status.out);
  CHECK(missingInOrder(status.out, {"UPS \"left\": OB DISCHRG LB", "UPS \"right\": OB DISCHRG",
                                    "Supplies: 1 of 2 power supplies still fed (min_supplies = "
                                    "1): the host keeps running; critical: left (UPS reports "
                                    "low battery)",
                                    "Shutdown: not started"}) == "");
  // /metrics labels each UPS's series with its name.
  httplib::Client client("127.0.0.1", http);
  const auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(contains(metrics->body, "hidupsd_ups_comm_ok{ups=\"right\"} 1"));
  CHECK(contains(metrics->body, "hidupsd_ups_status{ups=\"left\",flag=\"LB\"} 1"));
  CHECK(contains(metrics->body, "hidupsd_ups_status{ups=\"right\",flag=\"LB\"} 0"));
  // The NUT server serves each under its name.
  if (fs::exists("/usr/bin/upsc")) {
    const auto at = "@127.0.0.1:" + std::to_string(port);
    CHECK(t::runProcess({"/usr/bin/upsc", "-l", "127.0.0.1:" + std::to_string(port)}).out ==
          "left\nright\n");
    CHECK(t::runProcess({"/usr/bin/upsc", "right" + at, "ups.status"}).out == "OB DISCHRG\n");
    CHECK(t::runProcess({"/usr/bin/upsc", "left" + at, "ups.status"}).out == "OB DISCHRG LB\n");
  } else {
    MESSAGE("no /usr/bin/upsc (nut-client): the NUT server's names are not checked");
  }

  // A reload meanwhile keeps both UPSes and the vote already cast.
  daemon.signal(SIGHUP);
  CHECK_MESSAGE(waitForContent(daemon.errPath(), "configuration reloaded from"), daemon.err());

  // The right UPS's low battery: no supply is fed any more.
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 30s), readIfAny(events));
  log = readIfAny(events);
  CHECK(missingInOrder(log, {"onbatt: UPS left: ", "lowbatt: UPS left: UPS reports low battery",
                             "UPS left is critical",
                             "lowbatt: UPS right: UPS reports low battery"}) == "");
  CHECK(missingInOrder(log, {"UPS left is critical",
                             "shutdown pipeline started: 0 of 2 power supplies still fed, fewer "
                             "than min_supplies = 1; critical: left (UPS reports low battery); "
                             "right (UPS reports low battery)",
                             "kill-power flag written to", "powering off the host",
                             "shutdown pipeline finished after"}) == "");
  CHECK(countOf(log, "shutdown pipeline started") == 1);
  CHECK(pve.started("qm shutdown 100").size() == 1);
  CHECK(pve.started("poweroff").size() == 1);
  CHECK(fs::exists(dir / "killpower"));
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);

  // The systemd-shutdown hook's command: every local UPS gets shutdown.return, each named.
  const auto kill = t::runProcess({t::hidupsdBinary().string(), "--kill-power", "--if-flagged",
                                   "-c", (dir / "hidupsd.toml").string()});
  CAPTURE(kill.out);
  CAPTURE(kill.err);
  CHECK(kill.status == 0);
  CHECK(missingInOrder(kill.out, {"found: asking the UPS to power-cycle",
                                  "UPS left: UPS.PowerSummary.DelayBeforeStartup = 90",
                                  "UPS left: the UPS cuts its output in 60 s",
                                  "UPS right: UPS.PowerSummary.DelayBeforeStartup = 90",
                                  "UPS right: the UPS cuts its output in 60 s"}) == "");
}

TEST_CASE("two UPSes, min_supplies 2: the first low battery shuts the host down") {
  TempDir dir;
  t::FakePve pve(oneGuest());
  writeFile(dir / "hidupsd.toml", configFor(dir, pve, 2, 3, 0));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 30s), readIfAny(events));
  const auto log = readIfAny(events);
  CAPTURE(log);
  CHECK(contains(log, "shutdown pipeline started: 1 of 2 power supplies still fed, fewer than "
                      "min_supplies = 2; critical: left (UPS reports low battery)"));
  CHECK_FALSE(contains(log, "UPS right: UPS reports low battery"));
  CHECK_FALSE(contains(log, "is critical: "));
  CHECK(pve.started("poweroff").size() == 1);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("a local UPS and a remote one: the remote UPS's low battery over NUT ends the hold") {
  // The other host: a hidupsd (simulation) serving its replayed UPS, low battery at 10 s.
  TempDir primaryDir;
  const auto port = freeLoopbackPort();
  const auto remote = writeReplay(primaryDir / "ups.replay", outageAt(1) + lowBatteryAt(10));
  writeFile(primaryDir / "hidupsd.toml",
            "[device]\nreplay = \"" + remote.string() +
                "\"\npoll_interval = 1\n[policy]\nsimulation = true\n[log]\nfile = \"\"\n"
                "[serve.nut]\nlisten = \"127.0.0.1:" +
                std::to_string(port) +
                "\"\nhostsync = 0\n[[serve.nut.users]]\nname = \"monsec\"\npassword = "
                "\"secpw\"\nrights = [\"secondary\"]\n");
  HidupsdProcess primary(primaryDir, {"-c", (primaryDir / "hidupsd.toml").string()});

  TempDir dir;
  t::FakePve pve(oneGuest());
  std::string config = configFor(dir, pve, 1, 3, 0);
  // "right" follows the other host's UPS instead of its replay.
  const auto at = config.find("name = \"right\"\nreplay = ");
  REQUIRE(at != std::string::npos);
  const auto end = config.find('\n', config.find("replay = ", at));
  config.replace(at, end - at,
                 "name = \"right\"\nnut = \"ups@127.0.0.1:" + std::to_string(port) +
                     "\"\nusername = \"monsec\"\npassword = \"secpw\"\nnut_timeout = 2");
  writeFile(dir / "hidupsd.toml", config);
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "UPS left is critical", 20s), readIfAny(events));
  CHECK_FALSE(contains(readIfAny(events), "shutdown pipeline started"));
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 30s), readIfAny(events));
  const auto log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"UPS left is critical", "lowbatt: UPS right: UPS reports low battery",
                             "shutdown pipeline started: 0 of 2 power supplies still fed"}) == "");
  // The remote UPS is its primary's to power off; the local one gets the flag.
  CHECK(contains(log, "kill-power flag written to"));
  CHECK(pve.started("poweroff").size() == 1);
  // As an upsmon secondary whose host goes down: it logs out of the primary.
  CHECK_MESSAGE(waitForContent(primary.errPath(), "logged out from UPS [ups]", 10s), primary.err());
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
  primary.signal(SIGTERM);
  CHECK(primary.waitExit() == 0);
}
