// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's NUT server and metrics as Debian's clients see them, and FSD to upsmon secondaries.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "serve/nut_client.hpp"
#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/upsmon_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;

struct Ports {
  std::uint16_t nut = freeLoopbackPort();
  std::uint16_t metrics = freeLoopbackPort();
};

/// [serve.nut] with `nutKeys`, the users admin (instcmd, set), monsec (secondary) and
/// `moreUsers`, then [serve.metrics].
std::string serveSections(const Ports& p, const std::string& nutKeys = "",
                          const std::string& moreUsers = "") {
  return "[serve.nut]\nlisten = \"127.0.0.1:" + std::to_string(p.nut) + "\"\n" + nutKeys +
         "[[serve.nut.users]]\nname = \"admin\"\npassword = \"adminpw\"\n"
         "rights = [\"instcmd\", \"set\"]\n"
         "[[serve.nut.users]]\nname = \"monsec\"\npassword = \"secpw\"\nrights = "
         "[\"secondary\"]\n" +
         moreUsers + "[serve.metrics]\nlisten = \"127.0.0.1:" + std::to_string(p.metrics) + "\"\n";
}

std::string upsAt(const Ports& p) { return "ups@127.0.0.1:" + std::to_string(p.nut); }

/// upsc's "name: value" lines as a map.
std::map<std::string, std::string> variablesOf(const std::string& upscOutput) {
  std::map<std::string, std::string> out;
  std::istringstream in(upscOutput);
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(": ");
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}

/// Waits until `upsc` reads `name` (the daemon serves and has read the UPS).
bool waitForVariable(const Ports& p, const std::string& name) {
  for (int i = 0; i < 150; ++i) {
    if (t::runProcess({"/usr/bin/upsc", upsAt(p), name}).status == 0) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

bool haveNutClients() { return fs::exists("/usr/bin/upsc"); }

} // namespace

TEST_CASE("upsc, upscmd, upsrw, --status, --command and /metrics against the running daemon") {
  if (!haveNutClients()) {
    MESSAGE("skipped: Debian's nut-client is not installed");
    return;
  }
  TempDir dir;
  Ports ports;
  const auto replay = t::fixturesDir() / "eaton-5sc-750.replay";
  const auto config = dir / "hidupsd.toml";
  const std::string common = "[device]\nreplay = \"" + replay.string() +
                             "\"\n[history]\nfile = \"\"\n[log]\n" +
                             logFileSection(dir / "events.log") + serveSections(ports);
  writeFile(config,
            common + "[serve.control]\nsocket = \"" + (dir / "control.sock").string() + "\"\n");
  HidupsdProcess daemon(dir, {"-c", config.string()});
  REQUIRE_MESSAGE(waitForVariable(ports, "ups.status"), daemon.err());

  // Every variable upsc shows is the value --probe decodes from the same capture.
  const auto upsc = t::runProcess({"/usr/bin/upsc", upsAt(ports)});
  REQUIRE(upsc.status == 0);
  const auto served = variablesOf(upsc.out);
  const auto probe = t::runProcess(
      {t::hidupsdBinary().string(), "--probe", "--json", "--replay", replay.string()});
  REQUIRE(probe.status == 0);
  const auto probed = nlohmann::json::parse(probe.out)["variables"];
  CHECK(served.size() == probed.size());
  for (const auto& [name, value] : probed.items()) {
    // The delays are the daemon's config (60/90 s); --probe shows NUT's defaults (20/30 s).
    if (name == "ups.delay.shutdown" || name == "ups.delay.start") continue;
    CHECK_MESSAGE(served.at(name) == value, name);
  }
  CHECK(served.at("ups.delay.shutdown") == "60");
  CHECK(served.at("ups.delay.start") == "90");

  // --status asks the daemon; where its control socket does not answer, the NUT server.
  const auto status =
      t::runProcess({t::hidupsdBinary().string(), "--status", "-c", config.string()});
  CHECK(status.status == 0);
  CHECK_MESSAGE(status.out.find("UPS \"ups\": " + served.at("ups.status") + "\n") !=
                    std::string::npos,
                status.out);
  const auto noSocket = dir / "no-socket.toml";
  writeFile(noSocket,
            common + "[serve.control]\nsocket = \"" + (dir / "none.sock").string() + "\"\n");
  const auto viaNut =
      t::runProcess({t::hidupsdBinary().string(), "--status", "--json", "-c", noSocket.string()});
  CHECK_MESSAGE(viaNut.status == 0, viaNut.err);
  CHECK(viaNut.err.find("no control socket at " + (dir / "none.sock").string()) !=
        std::string::npos);
  const auto state = nlohmann::json::parse(viaNut.out);
  CHECK(state["source"] == "nut");
  CHECK(state["ups"]["variables"].size() == served.size());
  CHECK_MESSAGE(status.out.find("History: off ([history] file = \"\")\n") != std::string::npos,
                status.out);

  // --test-event while the daemon holds the UPS: the state comes through the server.
  const auto test =
      t::runProcess({t::hidupsdBinary().string(), "--test-event", "onbatt", "-c", config.string()});
  CHECK_MESSAGE(test.status == 0, test.err);
  CHECK_MESSAGE(test.err.find("UPS state read from the running daemon at 127.0.0.1:" +
                              std::to_string(ports.nut)) != std::string::npos,
                test.err);
  const auto events = readIfAny(dir / "events.log");
  CHECK_MESSAGE(events.find("onbatt: manual test (hidupsd --test-event) | ups.status OL") !=
                    std::string::npos,
                events);
  CHECK_MESSAGE(events.find("battery.charge " + served.at("battery.charge") + " %") !=
                    std::string::npos,
                events);

  // Commands: --command as the config's instcmd user, upscmd -l, upsrw.
  const auto command = t::runProcess(
      {t::hidupsdBinary().string(), "--command", "beeper.disable", "-c", config.string()});
  CHECK_MESSAGE(command.status == 0, command.err);
  CHECK_MESSAGE(t::runProcess({"/usr/bin/upsc", upsAt(ports), "ups.beeper.status"}).out ==
                    "disabled\n",
                daemon.err());
  const auto list = t::runProcess({"/usr/bin/upscmd", "-l", upsAt(ports)});
  CHECK(list.out.find("shutdown.return - Turn off the load and return when power is back") !=
        std::string::npos);
  const auto set = t::runProcess({"/usr/bin/upsrw", "-s", "battery.charge.low=25", "-u", "admin",
                                  "-p", "adminpw", upsAt(ports)});
  CHECK_MESSAGE(set.status == 0, set.err);
  CHECK(t::runProcess({"/usr/bin/upsc", upsAt(ports), "battery.charge.low"}).out == "25\n");
  // upsrw sees the ranges and enums of the mapping; a value out of range is refused.
  const auto rw = t::runProcess({"/usr/bin/upsrw", "-u", "admin", "-p", "adminpw", upsAt(ports)});
  CHECK_MESSAGE(rw.status == 0, rw.err);
  CHECK_MESSAGE(rw.out.find("[battery.charge.low]\nRemaining battery level when UPS switches to "
                            "LB (percent)\nType: RANGE NUMBER\nOption: \"0-100\" SELECTED\n") !=
                    std::string::npos,
                rw.out);
  CHECK_MESSAGE(rw.out.find("[input.sensitivity]\nInput power sensitivity\nType: ENUM STRING\n"
                            "Maximum length: 10\nOption: \"normal\"\nOption: \"high\" "
                            "SELECTED\nOption: \"low\"\n") != std::string::npos,
                rw.out);
  CHECK_MESSAGE(rw.out.find("[ups.delay.shutdown]") != std::string::npos, rw.out);
  const auto refused = t::runProcess({"/usr/bin/upsrw", "-s", "battery.charge.low=999", "-u",
                                      "admin", "-p", "adminpw", upsAt(ports)});
  CHECK(refused.status != 0);
  const auto said = refused.out + refused.err;
  CHECK_MESSAGE(said.find("INVALID-VALUE") != std::string::npos, said);
  CHECK(t::runProcess({"/usr/bin/upsc", upsAt(ports), "battery.charge.low"}).out == "25\n");
  const auto denied = t::runProcess(
      {"/usr/bin/upscmd", "-u", "monsec", "-p", "secpw", upsAt(ports), "beeper.enable"});
  CHECK(denied.status != 0);
  CHECK((denied.out + denied.err).find("ERR ACCESS-DENIED") != std::string::npos);

  // Prometheus.
  httplib::Client http("127.0.0.1", ports.metrics);
  const auto metrics = http.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("hidupsd_ups_status{ups=\"ups\",flag=\"OL\"} 1") != std::string::npos);
  CHECK(metrics->body.find("hidupsd_ups_comm_ok{ups=\"ups\"} 1") != std::string::npos);

  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
  CHECK(daemon.err().find("adminpw") == std::string::npos);
}

namespace {

/// An outage with low battery at `lowAt` s, fake Proxmox tools, the NUT server; simulation as
/// given.
std::string fsdConfig(const TempDir& dir, const t::FakePve& pve, const Ports& ports,
                      bool simulation, int lowAt) {
  const auto replay = writeReplay(dir / "ups.replay", outageAt(lowAt - 1) + lowBatteryAt(lowAt));
  return "[device]\nreplay = \"" + replay.string() +
         "\"\npoll_interval = 1\n[policy]\non_battery_delay = 0\nsimulation = " +
         (simulation ? "true" : "false") + "\n[shutdown]\nhost_command = [\"" + pve.poweroff() +
         "\"]\nkill_power_flag = \"" + (dir / "killpower").string() + "\"\n[proxmox]\nqm = \"" +
         pve.qm() + "\"\npct = \"" + pve.pct() + "\"\npmxcfs = \"" + pve.pmxcfs().string() +
         "\"\n[comeback]\nstate_file = \"" + (dir / "comeback").string() + "\"\n[log]\n" +
         logFileSection(dir / "events.log") + serveSections(ports, "hostsync = 20\n");
}

/// Waits until the server lists a client (upsc -c): upsmon has logged in.
bool waitForLogin(const Ports& p) {
  for (int i = 0; i < 150; ++i) {
    if (t::runProcess({"/usr/bin/upsc", "-c", upsAt(p)}).out.find("127.0.0.1") != std::string::npos)
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

} // namespace

TEST_CASE("the shutdown sets FSD: upsmon secondaries shut down, then this host powers off") {
  if (const auto why = t::UpsmonSecondary::unavailable(); !why.empty() || !haveNutClients()) {
    MESSAGE("skipped: " << (why.empty() ? "no upsc" : why));
    return;
  }
  TempDir dir;
  Ports ports;
  t::FakePve pve(t::uniformVms(2, 1.0));
  writeFile(dir / "hidupsd.toml", fsdConfig(dir, pve, ports, false, 10));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(waitForVariable(ports, "ups.status"), daemon.err());
  t::UpsmonSecondary upsmon(ports.nut, "monsec", "secpw");
  REQUIRE_MESSAGE(waitForLogin(ports), upsmon.output());

  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "shutdown pipeline finished", 45s),
                  readIfAny(dir / "events.log") << daemon.err());
  CHECK_MESSAGE(fs::exists(upsmon.shutdownFile()), upsmon.output());
  const std::string err = daemon.err();
  CAPTURE(err);
  // upsmon sees FSD at its next poll and logs out; the guests stop meanwhile. Whichever ends
  // first, the host powers off only once the secondary is gone (or hostsync has passed).
  CHECK(missingInOrder(err, {"User monsec@127.0.0.1 logged into UPS [ups]", "event: shutdown",
                             "User monsec@127.0.0.1 ", "from UPS [ups]",
                             "powering off the host"}) == "");
  CHECK((contains(err, "every NUT secondary has logged out") ||
         contains(err, "no NUT secondary is logged in")));
  CHECK(pve.started("poweroff").size() == 1);
  CHECK(upsmon.output().find("forced shutdown in progress") != std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("in simulation the secondaries are never told FSD") {
  if (const auto why = t::UpsmonSecondary::unavailable(); !why.empty() || !haveNutClients()) {
    MESSAGE("skipped: " << (why.empty() ? "no upsc" : why));
    return;
  }
  TempDir dir;
  Ports ports;
  t::FakePve pve(t::uniformVms(1, 0.2));
  writeFile(dir / "hidupsd.toml", fsdConfig(dir, pve, ports, true, 10));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(waitForVariable(ports, "ups.status"), daemon.err());
  t::UpsmonSecondary upsmon(ports.nut, "monsec", "secpw");
  REQUIRE_MESSAGE(waitForLogin(ports), upsmon.output());
  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "shutdown pipeline finished", 45s),
                  readIfAny(dir / "events.log"));
  std::this_thread::sleep_for(3s); // upsmon polls every second: it would have reacted
  CHECK_FALSE(fs::exists(upsmon.shutdownFile()));
  CHECK(daemon.err().find("would set FSD and wait up to 20 s for 1 logged-in NUT client(s)") !=
        std::string::npos);
  const auto status = t::runProcess({"/usr/bin/upsc", upsAt(ports), "ups.status"}).out;
  CHECK(status.find("FSD") == std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("FSD from a NUT client with the fsd right starts the shutdown") {
  TempDir dir;
  Ports ports;
  const auto config = dir / "hidupsd.toml";
  writeFile(config, "[device]\nreplay = \"" + (t::fixturesDir() / "eaton-3s-700.replay").string() +
                        "\"\n[log]\n" + logFileSection(dir / "events.log") +
                        serveSections(ports, "",
                                      "[[serve.nut.users]]\nname = \"boss\"\n"
                                      "password = \"bosspw\"\nrights = [\"fsd\"]\n"));
  HidupsdProcess daemon(dir, {"-c", config.string()});
  REQUIRE_MESSAGE(waitForVariable(ports, "ups.status"), daemon.err());
  hidupsd::serve::NutClient monitor({"127.0.0.1", ports.nut, 5s});
  CHECK_THROWS_AS(monitor.request("FSD ups"), hidupsd::serve::NutError); // no user: refused
  hidupsd::serve::NutClient boss({"127.0.0.1", ports.nut, 5s});
  boss.authenticate("boss", "bosspw");
  CHECK(boss.request("FSD ups") == std::vector<std::string>{"OK", "FSD-SET"});
  CHECK_MESSAGE(waitForContent(dir / "events.log", "shutdown pipeline finished"),
                readIfAny(dir / "events.log"));
  const auto log = readIfAny(dir / "events.log");
  CHECK(missingInOrder(log, {"fsd: FSD from NUT client boss@127.0.0.1",
                             "shutdown: FSD from NUT client boss@127.0.0.1"}) == "");
  CHECK(contains(log, "shutdown pipeline started (simulation: nothing is executed)"));
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}
