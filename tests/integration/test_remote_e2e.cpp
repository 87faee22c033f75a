// SPDX-License-Identifier: GPL-2.0-or-later
// [device] nut: a hidupsd following another hidupsd (or NUT's upsd) over the NUT protocol on
// loopback: its own guests, its host command before the primary's, comm loss and return.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/upsmon_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;
using Json = nlohmann::json;

/// Two VMs on one node, each taking `seconds` to shut down.
std::string twoGuests(const std::string& node, int firstId, double seconds) {
  Json guests = Json::array();
  for (int id : {firstId, firstId + 1})
    guests.push_back({{"type", "vm"},
                      {"id", id},
                      {"name", "vm" + std::to_string(id)},
                      {"status", "running"},
                      {"shutdown", std::to_string(seconds)},
                      {"startup", ""}});
  return Json{{"node", node}, {"guests", guests}}.dump();
}

/// [shutdown], [proxmox] and [log] for a real (non-simulated) shutdown on `pve`.
std::string pipelineSections(const TempDir& dir, const t::FakePve& pve) {
  return "[shutdown]\nguest_timeout = 30\nhost_command = [\"" + pve.poweroff() +
         "\"]\nkill_power_flag = \"" + (dir / "killpower").string() + "\"\n[proxmox]\nqm = \"" +
         pve.qm() + "\"\npct = \"" + pve.pct() + "\"\npvesh = \"" + pve.pvesh() +
         "\"\npmxcfs = \"" + pve.pmxcfs().string() + "\"\n[comeback]\nstate_file = \"" +
         (dir / "comeback").string() + "\"\n[log]\n" + logFileSection(dir / "events.log");
}

/// The follower of `address`: LOGIN as monsec, polls every second, commbad after 4 s.
std::string secondaryConfig(const TempDir& dir, const t::FakePve& pve, const std::string& address) {
  return "[device]\nnut = \"" + address +
         "\"\nusername = \"monsec\"\npassword = \"secpw\"\nnut_timeout = 2\npoll_interval = 1\n"
         "[policy]\non_battery_delay = 1\ncomms_lost_timeout = 4\nsimulation = false\n" +
         pipelineSections(dir, pve);
}

double firstTime(const std::vector<t::PveCall>& calls) {
  REQUIRE_FALSE(calls.empty());
  return calls.front().time;
}

/// Debian's NUT server (nut-server) on 127.0.0.1:`port`: upsd and the dummy-ups driver
/// reading `dir`/dummy.dev (re-read when it changes), UPS "dummy", user monsec (upsmon
/// secondary). Each runs in its own process group, killed and reaped on destruction.
class NutUpsd {
public:
  static constexpr const char* kUpsd = "/lib/nut/upsd";
  static constexpr const char* kDriver = "/lib/nut/dummy-ups";

  /// Why it cannot run here ("" when it can): not installed, not root.
  static std::string unavailable() {
    if (!fs::exists(kUpsd) || !fs::exists(kDriver))
      return std::string(kUpsd) + " or " + kDriver + " (Debian's nut-server) is not installed";
    if (::geteuid() != 0) return "upsd and dummy-ups switch users (-u root), which needs root";
    return "";
  }

  NutUpsd(const TempDir& dir, std::uint16_t port) : dir_(dir.path()) {
    writeFile(dir_ / "ups.conf", "[dummy]\n  driver = dummy-ups\n  port = dummy.dev\n");
    writeFile(dir_ / "upsd.conf", "LISTEN 127.0.0.1 " + std::to_string(port) + "\n");
    writeFile(dir_ / "upsd.users", "[monsec]\n  password = secpw\n  upsmon secondary\n");
    fs::permissions(dir_ / "upsd.users", fs::perms::owner_read | fs::perms::owner_write);
    setStatus("OL", 100, 1800);
    driver_ = spawn({kDriver, "-a", "dummy", "-u", "root", "-F"}, "driver.log");
    std::this_thread::sleep_for(1s); // its socket, before upsd looks for it
    upsd_ = spawn({kUpsd, "-u", "root", "-F"}, "upsd.log");
  }
  ~NutUpsd() {
    stop(upsd_);
    stop(driver_);
  }
  NutUpsd(const NutUpsd&) = delete;
  NutUpsd& operator=(const NutUpsd&) = delete;

  /// The driver's file: what the UPS says from its next read on.
  void setStatus(const std::string& status, int charge, int runtime) const {
    writeFile(dir_ / "dummy.dev", "ups.status: " + status +
                                      "\nbattery.charge: " + std::to_string(charge) +
                                      "\nbattery.runtime: " + std::to_string(runtime) + "\n");
  }
  std::string logs() const { return readIfAny(dir_ / "driver.log") + readIfAny(dir_ / "upsd.log"); }

private:
  pid_t spawn(std::vector<std::string> argv, const std::string& logName) const {
    std::vector<std::string> env{"NUT_CONFPATH=" + dir_.string(), "NUT_STATEPATH=" + dir_.string(),
                                 "NUT_ALTPIDPATH=" + dir_.string(), "PATH=/usr/sbin:/usr/bin"};
    return t::spawnInOwnGroup(std::move(argv), std::move(env), dir_ / logName);
  }
  // The group is killed while its leader is unreaped: its id cannot have been reused.
  static void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(-pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, WNOHANG);
  }

  fs::path dir_;
  pid_t driver_ = -1;
  pid_t upsd_ = -1;
};
} // namespace

TEST_CASE("a secondary hidupsd stops its guests and powers off before its primary") {
  TempDir primaryDir, secondaryDir;
  // Each FakePve points $FAKE_PVE_DIR at itself: each daemon is started after its own.
  t::FakePve primaryPve(twoGuests("pve1", 100, 0.5));
  const auto port = freeLoopbackPort();
  // The outage comes once the secondary had time to log in; low battery soon after.
  const auto replay =
      writeReplay(primaryDir / "ups.replay", outageAt(6) + lowBatteryAt(9) + mainsBackAt(60));
  writeFile(primaryDir / "hidupsd.toml",
            "[device]\nreplay = \"" + replay.string() +
                "\"\npoll_interval = 1\n[policy]\non_battery_delay = 1\nsimulation = false\n" +
                pipelineSections(primaryDir, primaryPve) +
                "[serve.nut]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                "\"\nhostsync = 40\n[[serve.nut.users]]\nname = \"monsec\"\npassword = "
                "\"secpw\"\nrights = [\"secondary\"]\n");
  HidupsdProcess primary(primaryDir, {"-c", (primaryDir / "hidupsd.toml").string()});
  t::FakePve secondaryPve(twoGuests("pve2", 200, 1.0));
  writeFile(secondaryDir / "hidupsd.toml",
            secondaryConfig(secondaryDir, secondaryPve, "ups@127.0.0.1:" + std::to_string(port)));
  HidupsdProcess secondary(secondaryDir, {"-c", (secondaryDir / "hidupsd.toml").string()});
  CHECK_MESSAGE(waitForContent(secondary.errPath(), "logged in to ups@127.0.0.1", 10s),
                secondary.err());

  const auto primaryEvents = primaryDir / "events.log";
  const auto secondaryEvents = secondaryDir / "events.log";
  REQUIRE_MESSAGE(waitForContent(primaryEvents, "shutdown pipeline finished", 60s),
                  (readIfAny(primaryEvents) + "\n---\n" + readIfAny(secondaryEvents) + "\n---\n" +
                   secondary.err()));
  const std::string p = readIfAny(primaryEvents);
  const std::string s = readIfAny(secondaryEvents);
  CAPTURE(p);
  CAPTURE(s);
  // The secondary saw the outage and the low battery through the primary's server, and ran
  // its own pipeline on its own guests, without a kill-power flag (the UPS is the primary's).
  CHECK(missingInOrder(s, {"onbatt", "shutdown: "}) == "");
  CHECK(missingInOrder(s, {"shutdown pipeline started",
                           "running guests: VM 200 (vm200), VM 201 (vm201)",
                           "guests: 2 of 2 stopped cleanly",
                           "no kill-power flag: the UPS is ups@127.0.0.1:" + std::to_string(port),
                           "powering off the host", "shutdown pipeline finished"}) == "");
  CHECK_FALSE(fs::exists(secondaryDir / "killpower"));
  CHECK(contains(secondary.err(), "logged out of ups@127.0.0.1"));
  // The primary waited for it (HOSTSYNC), then powered off with its flag.
  CHECK(missingInOrder(p, {"shutdown pipeline started", "guests: 2 of 2 stopped cleanly",
                           "shutdown pipeline finished"}) == "");
  CHECK(contains(primary.err(), "waiting up to 40 s for 1 logged-in NUT client(s)"));
  CHECK(contains(primary.err(), "every NUT secondary has logged out"));
  CHECK(fs::exists(primaryDir / "killpower"));
  const double secondaryOff = firstTime(secondaryPve.started("poweroff"));
  const double primaryOff = firstTime(primaryPve.started("poweroff"));
  MESSAGE("secondary's host command " << primaryOff - secondaryOff << " s before the primary's");
  CHECK(secondaryOff < primaryOff);
  CHECK(primaryOff - secondaryOff < 35.0); // well within the 40 s HOSTSYNC: not its timeout
  CHECK(secondaryPve.status("vm", 200) == "stopped");
  CHECK(secondaryPve.status("vm", 201) == "stopped");
  primary.signal(SIGTERM);
  secondary.signal(SIGTERM);
  CHECK(primary.waitExit() == 0);
  CHECK(secondary.waitExit() == 0);
}

TEST_CASE("a secondary loses its primary: commbad, and commok once it is back") {
  TempDir primaryDir, secondaryDir;
  t::FakePve pve(twoGuests("pve2", 200, 0.5));
  const auto port = freeLoopbackPort();
  const auto replay = writeReplay(primaryDir / "ups.replay", "");
  const std::string primaryConfig =
      "[device]\nreplay = \"" + replay.string() +
      "\"\npoll_interval = 1\n[policy]\nsimulation = true\n[log]\nfile = \"\"\n"
      "[serve.nut]\nlisten = \"127.0.0.1:" +
      std::to_string(port) +
      "\"\n[[serve.nut.users]]\nname = \"monsec\"\npassword = \"secpw\"\nrights = "
      "[\"secondary\"]\n";
  writeFile(primaryDir / "hidupsd.toml", primaryConfig);
  writeFile(secondaryDir / "hidupsd.toml",
            secondaryConfig(secondaryDir, pve, "ups@127.0.0.1:" + std::to_string(port)));
  auto primary = std::make_unique<HidupsdProcess>(
      primaryDir, std::vector<std::string>{"-c", (primaryDir / "hidupsd.toml").string()});
  HidupsdProcess secondary(secondaryDir, {"-c", (secondaryDir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(waitForContent(secondary.errPath(), "logged in to ups@127.0.0.1", 10s),
                  secondary.err());
  // --probe --nut shows what the secondary follows, as upsc does.
  const auto probe = t::runProcess(
      {t::hidupsdBinary().string(), "--probe", "--nut", "ups@127.0.0.1:" + std::to_string(port)});
  CHECK(probe.status == 0);
  CHECK(contains(probe.out, "ups.status: OL"));
  CHECK(contains(probe.out, "Instant commands:"));
  // --test-event reads the state the same way (a dry run: no --really).
  const auto test = t::runProcess({t::hidupsdBinary().string(), "--test-event", "onbatt", "-c",
                                   (secondaryDir / "hidupsd.toml").string()});
  CHECK(test.status == 0);
  CHECK_MESSAGE(contains(readIfAny(secondaryDir / "events.log"),
                         "onbatt: manual test (hidupsd --test-event) | ups.status OL"),
                (test.err + readIfAny(secondaryDir / "events.log")));
  // --kill-power leaves the UPS to its primary.
  const auto kill = t::runProcess({t::hidupsdBinary().string(), "--kill-power", "-c",
                                   (secondaryDir / "hidupsd.toml").string()});
  CHECK(kill.status == 0);
  CHECK(contains(kill.out, "its primary asks it to power-cycle, not this host"));

  const auto lostAt = std::chrono::steady_clock::now();
  primary->signal(SIGTERM);
  CHECK(primary->waitExit() == 0);
  primary.reset();
  const auto events = secondaryDir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "commbad", 20s), (readIfAny(events) + secondary.err()));
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - lostAt);
  MESSAGE("commbad " << took.count() << " s after the primary stopped (comms_lost_timeout 4)");
  CHECK(took.count() >= 3.0);
  CHECK(contains(readIfAny(events), "127.0.0.1"));
  // On mains: commbad only, no shutdown (upsmon's rule).
  CHECK_FALSE(contains(readIfAny(events), "shutdown pipeline started"));

  HidupsdProcess back(primaryDir, {"-c", (primaryDir / "hidupsd.toml").string()});
  // Reconnects with back-off (1 s doubling to 30 s): well within 40 s.
  CHECK_MESSAGE(waitForContent(events, "commok", 40s), (readIfAny(events) + secondary.err()));
  CHECK(pve.started("qm shutdown").empty());
  back.signal(SIGTERM);
  secondary.signal(SIGTERM);
  CHECK(back.waitExit() == 0);
  CHECK(secondary.waitExit() == 0);
}

TEST_CASE("a secondary on battery loses its primary: commbad then its shutdown (fail-safe)") {
  TempDir primaryDir, secondaryDir;
  t::FakePve pve(twoGuests("pve2", 200, 0.5));
  const auto port = freeLoopbackPort();
  const auto replay = writeReplay(primaryDir / "ups.replay", outageAt(2));
  writeFile(primaryDir / "hidupsd.toml",
            "[device]\nreplay = \"" + replay.string() +
                "\"\npoll_interval = 1\n[policy]\nsimulation = true\n[log]\nfile = \"\"\n"
                "[serve.nut]\nlisten = \"127.0.0.1:" +
                std::to_string(port) + "\"\n");
  // Read only: no username, the primary does not count this host.
  std::string config = secondaryConfig(secondaryDir, pve, "ups@127.0.0.1:" + std::to_string(port));
  config.replace(config.find("username = \"monsec\"\npassword = \"secpw\"\n"), 38, "");
  writeFile(secondaryDir / "hidupsd.toml", config);
  auto primary = std::make_unique<HidupsdProcess>(
      primaryDir, std::vector<std::string>{"-c", (primaryDir / "hidupsd.toml").string()});
  HidupsdProcess secondary(secondaryDir, {"-c", (secondaryDir / "hidupsd.toml").string()});
  const auto events = secondaryDir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "onbatt", 20s), (readIfAny(events) + secondary.err()));
  primary->signal(SIGTERM);
  CHECK(primary->waitExit() == 0);
  primary.reset();
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 40s),
                  (readIfAny(events) + secondary.err()));
  const auto log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"onbatt", "commbad", "shutdown: UPS unreachable while on battery",
                             "guests: 2 of 2 stopped cleanly", "powering off the host"}) == "");
  secondary.signal(SIGTERM);
  CHECK(secondary.waitExit() == 0);
}

TEST_CASE("a secondary follows NUT's own upsd (dummy-ups): low battery, its guests, power-off") {
  if (const auto why = NutUpsd::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  TempDir nutDir, secondaryDir;
  const auto port = freeLoopbackPort();
  NutUpsd nut(nutDir, port);
  t::FakePve pve(twoGuests("pve2", 200, 0.5));
  writeFile(secondaryDir / "hidupsd.toml",
            secondaryConfig(secondaryDir, pve, "dummy@127.0.0.1:" + std::to_string(port)));
  HidupsdProcess secondary(secondaryDir, {"-c", (secondaryDir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(waitForContent(secondary.errPath(), "logged in to dummy@127.0.0.1", 15s),
                  (secondary.err() + "\n---\n" + nut.logs()));
  const auto events = secondaryDir / "events.log";
  nut.setStatus("OB", 60, 900);
  REQUIRE_MESSAGE(waitForContent(events, "onbatt", 20s), (readIfAny(events) + nut.logs()));
  std::this_thread::sleep_for(1100ms); // a new mtime for dummy-ups to see
  nut.setStatus("OB LB", 10, 60);
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 40s),
                  (readIfAny(events) + secondary.err()));
  const std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"onbatt", "lowbatt", "shutdown: UPS reports low battery"}) == "");
  CHECK(missingInOrder(log, {"shutdown pipeline started", "guests: 2 of 2 stopped cleanly",
                             "no kill-power flag: the UPS is dummy@127.0.0.1:",
                             "powering off the host"}) == "");
  CHECK(pve.started("poweroff").size() == 1);
  CHECK(waitForContent(secondary.errPath(), "logged out of dummy@127.0.0.1", 10s));
  secondary.signal(SIGTERM);
  CHECK(secondary.waitExit() == 0);
}
