// SPDX-License-Identifier: GPL-2.0-or-later
// Load shedding and comeback end to end: the daemon as a process, fake qm/pct, a replayed UPS.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <functional>
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

double monotonicNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Json vm(const char* type, int id, const char* name, const char* status, const char* startup,
        const char* tags = "", int onboot = 0) {
  return {{"type", type},       {"id", id},     {"name", name},     {"status", status},
          {"startup", startup}, {"tags", tags}, {"onboot", onboot}, {"shutdown", "0.5"}};
}

/// [device] replay of `story`, the fake tools, the event log, the comeback record, a webhook.
std::string config(const TempDir& dir, const t::FakePve& pve, const std::string& story,
                   const t::HttpReceiver& hook, const std::string& extra) {
  const auto replay = writeReplay(dir / "ups.replay", story);
  return "[device]\nreplay = \"" + replay.string() +
         "\"\npoll_interval = 1\n[policy]\non_battery_delay = 1\nonline_delay = 1\n"
         "simulation = false\n[shutdown]\nhost_command = [\"" +
         pve.poweroff() + "\"]\nkill_power_flag = \"" + (dir / "killpower").string() +
         "\"\n[proxmox]\nqm = \"" + pve.qm() + "\"\npct = \"" + pve.pct() + "\"\npvesh = \"" +
         pve.pvesh() + "\"\npmxcfs = \"" + pve.pmxcfs().string() + "\"\n[log]\n" +
         logFileSection(dir / "events.log") + "[[notify]]\ntype = \"webhook\"\nurl = \"" +
         hook.url() + "\"\n" + extra;
}

/// The webhook messages of event `name`.
std::vector<std::string> messages(const t::HttpReceiver& hook, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& body : hook.bodies()) {
    const auto j = Json::parse(body, nullptr, false);
    if (!j.is_discarded() && j.value("event", "") == name)
      out.push_back(j["message"].value("body", ""));
  }
  return out;
}

bool anyContains(const std::vector<std::string>& texts, std::string_view needle) {
  return std::any_of(texts.begin(), texts.end(),
                     [&](const auto& s) { return contains(s, needle); });
}

} // namespace

TEST_CASE("shedding: a tier after_on_battery = 5 stops 5 s into the outage, back with mains") {
  TempDir dir;
  const Json guests = Json::array({vm("vm", 100, "prod", "running", "order=1", "prod"),
                                   vm("vm", 105, "lab1", "running", "order=3", "lab"),
                                   vm("ct", 205, "lab2", "running", "order=2")});
  t::FakePve pve(Json{{"node", "pve1"}, {"guests", guests}}.dump());
  t::HttpReceiver hook;
  // Mains lost at 3 s, back at 16 s; no low battery at all.
  const std::string shed = "[[shed]]\nname = \"lab\"\ntags = [\"lab\"]\nguests = [205]\n"
                           "after_on_battery = 5\nrestart_on_mains = true\ntimeout = 30\n"
                           "[comeback]\nstate_file = \"" +
                           (dir / "comeback").string() + "\"\n[history]\nfile = \"" +
                           (dir / "history.db").string() + "\"\n";
  writeFile(dir / "hidupsd.toml", config(dir, pve, outageAt(3) + mainsBackAt(16), hook, shed));
  const double spawned = monotonicNow();
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "load shedding over", 40s), readIfAny(events)
                                                                         << daemon.err());
  const std::string log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"onbatt",
                             "load shedding, tier \"lab\" (5 s on battery): stopping "
                             "VM 105 (lab1), CT 205 (lab2)",
                             "load shedding, tier \"lab\": 2 of 2 stopped",
                             "load shedding: mains are back, starting again: CT 205 (lab2), VM "
                             "105 (lab1)",
                             "load shedding over: 2 of 2 shed guests started again"}) == "");
  CHECK(contains(log, "online: mains back"));
  // The tier's guests were stopped about 5 s after the outage began (3 s into the replay),
  // the others not at all, and no shutdown ran.
  const auto vmStop = pve.started("qm shutdown 105");
  const auto ctStop = pve.started("pct shutdown 205");
  REQUIRE(vmStop.size() == 1);
  REQUIRE(ctStop.size() == 1);
  const double stoppedAt = vmStop[0].time - spawned;
  MESSAGE("tier stopped " << stoppedAt << " s after the daemon was started (outage at 3 s)");
  CHECK(stoppedAt >= 7.0); // never before 5 s on battery (1 s of polling slack)
  CHECK(stoppedAt < 15.0); // long before mains return (16 s); there is no low battery
  CHECK(pve.started("qm shutdown 100").empty());
  CHECK(pve.started("poweroff").empty());
  // Mains back: started again in Proxmox's startup order (order 2 before 3), after 16 s.
  const auto vmStart = pve.started("qm start 105");
  const auto ctStart = pve.started("pct start 205");
  REQUIRE(vmStart.size() == 1);
  REQUIRE(ctStart.size() == 1);
  CHECK(ctStart[0].time < vmStart[0].time);
  CHECK(ctStart[0].time - spawned >= 16.0);
  CHECK(pve.status("vm", 105) == "running");
  CHECK(pve.status("ct", 205) == "running");
  // The notifications say what was shed and what came back.
  REQUIRE(eventually([&] { return !messages(hook, "online").empty(); }));
  CHECK(anyContains(messages(hook, "onbatt"), "load shedding, tier \"lab\": 2 of 2 stopped"));
  CHECK(anyContains(messages(hook, "online"), "2 of 2 shed guests started again"));
  CHECK_FALSE(fs::exists(dir / "comeback")); // no shutdown: nothing recorded
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);

  // The history keeps both steps with the runtime and load before and after them.
  const auto history = t::runProcess(
      {t::hidupsdBinary().string(), "--history", "--json", "-c", (dir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(history.status == 0, history.err);
  const auto sheds = Json::parse(history.out)["sheds"];
  CAPTURE(sheds.dump());
  REQUIRE(sheds.size() == 2);
  const auto& stopped = sheds[1]; // newest first
  CHECK(stopped["action"] == "stopped");
  CHECK(stopped["tier"] == "lab");
  CHECK(stopped["why"] == "5 s on battery");
  CHECK(stopped["guests"] == "VM 105 (lab1), CT 205 (lab2)");
  CHECK(stopped["done"] == 2);
  CHECK(stopped["total"] == 2);
  for (const char* key : {"runtime_before", "runtime_after", "load_before", "load_after"})
    CHECK_MESSAGE(stopped[key].is_number(), key); // the replayed UPS reports both
  CHECK(stopped["simulation"] == false);
  CHECK(sheds[0]["action"] == "restarted");
  CHECK(sheds[0]["done"] == 2);
  CHECK(sheds[0]["guests"] == "CT 205 (lab2), VM 105 (lab1)");
  CHECK(sheds[0]["time"].get<double>() > stopped["time"].get<double>());
  const auto text = t::runProcess(
      {t::hidupsdBinary().string(), "--history", "-c", (dir / "hidupsd.toml").string()});
  CHECK_MESSAGE(contains(text.out, "Load shedding (2):"), text.out);
  CHECK(contains(text.out, "stopped    lab"));

  // --test-event onbatt says what the tier would stop on this node now.
  pve.setStatus("vm", 105, "running");
  const auto test = t::runProcess({t::hidupsdBinary().string(), "--test-event", "onbatt", "-c",
                                   (dir / "hidupsd.toml").string()});
  CHECK(test.status == 0);
  CHECK_MESSAGE(contains(test.err, "would stop VM 105 (lab1) (tier \"lab\") after 5 s on battery, "
                                   "started again when mains are back"),
                test.err);
  CHECK(contains(test.err, "would stop CT 205 (lab2) (tier \"lab\")"));
  CHECK(pve.started("qm shutdown 105").size() == 1); // only said, nothing done
}

TEST_CASE("comeback: the shutdown records stopped and shed guests; back up, they start in order") {
  TempDir dir;
  const Json guests = Json::array(
      {vm("vm", 100, "db", "running", "order=1", "", 1), vm("vm", 101, "app", "running", "order=2"),
       vm("ct", 200, "dns", "running", "order=1"), vm("vm", 105, "lab", "running", "", "lab")});
  t::FakePve pve(Json{{"node", "pve1"}, {"guests", guests}}.dump());
  t::HttpReceiver hook;
  const auto record = dir / "comeback";
  const std::string extra = "[[shed]]\ntags = [\"lab\"]\nafter_on_battery = 2\n"
                            "[comeback]\nmin_charge = 60\nstate_file = \"" +
                            record.string() + "\"\n";
  // The outage: mains lost at 2 s, the lab tier shed at 4 s, low battery at 10 s.
  writeFile(dir / "hidupsd.toml", config(dir, pve, outageAt(2) + lowBatteryAt(10), hook, extra));
  {
    HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
    REQUIRE_MESSAGE(waitForContent(dir / "events.log", "shutdown pipeline finished", 60s),
                    readIfAny(dir / "events.log"));
    const std::string log = readIfAny(dir / "events.log");
    CAPTURE(log);
    CHECK(missingInOrder(log, {"load shedding, tier \"tier-1\": 1 of 1 stopped",
                               "shutdown pipeline started", "guests: 3 of 3 stopped cleanly",
                               "recorded 4 guest(s) for the comeback in",
                               "powering off the host"}) == "");
    CHECK(pve.started("qm shutdown 105").size() == 1); // shed once, not stopped again
    daemon.signal(SIGTERM);
    CHECK(daemon.waitExit() == 0);
  }
  const std::string text = readIfAny(record);
  CAPTURE(text);
  CHECK(contains(text, "shed qemu 105\n"));
  CHECK(contains(text, "stopped qemu 100\n"));
  CHECK(contains(text, "stopped qemu 101\n"));
  CHECK(contains(text, "stopped lxc 200\n"));

  // The host is back, on mains; the battery is at 30 %, then 80 % at 4 s.
  TempDir second;
  const double before = monotonicNow();
  const auto replay =
      writeReplay(dir / "ups.replay", "at 0 set UPS.PowerSummary.RemainingCapacity 30\n"
                                      "at 4 set UPS.PowerSummary.RemainingCapacity 80\n");
  HidupsdProcess again(second, {"-c", (dir / "hidupsd.toml").string()});
  // VM 100 has onboot = 1: Proxmox starts it (here: the test, once the daemon waits for it),
  // and the others come after it, as their startup order wants.
  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "waiting for its start", 40s),
                  readIfAny(dir / "events.log") << again.err());
  std::this_thread::sleep_for(1s);
  CHECK(pve.started("qm start").empty());
  CHECK(pve.started("pct start").empty());
  const double proxmoxStarted = monotonicNow();
  pve.setStatus("vm", 100, "running");
  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "comeback after the UPS shutdown", 40s),
                  readIfAny(dir / "events.log") << again.err());
  const std::string log = readIfAny(dir / "events.log");
  CAPTURE(log);
  CHECK(missingInOrder(log, {"comeback: waiting for mains and battery.charge >= 60 %",
                             "comeback: left to Proxmox (onboot = 1): VM 100 (db); waiting for "
                             "its start",
                             "comeback: Proxmox has started VM 100 (db)",
                             "comeback: CT 200 (dns) started"}) == "");
  CHECK(contains(log, "comeback after the UPS shutdown: 3 of 3 guests started (CT 200 (dns), "
                      "VM 101 (app), VM 105 (lab))"));
  const auto ct = pve.started("pct start 200");
  const auto app = pve.started("qm start 101");
  const auto lab = pve.started("qm start 105");
  REQUIRE(ct.size() == 1);
  REQUIRE(app.size() == 1);
  REQUIRE(lab.size() == 1);
  CHECK(ct[0].time < app[0].time); // startup order 1, then 2, then none
  CHECK(app[0].time < lab[0].time);
  CHECK(ct[0].time - before >= 3.5);          // not before the charge reached 60 % (at 4 s)
  CHECK(ct[0].time >= proxmoxStarted);        // nor before Proxmox's own start of VM 100
  CHECK(pve.started("qm start 100").empty()); // onboot = 1: Proxmox's own start
  CHECK(eventually([&] { return !fs::exists(record); }));
  CHECK(eventually([&] { return anyContains(messages(hook, "online"), "3 of 3 guests started"); }));
  again.signal(SIGTERM);
  CHECK(again.waitExit() == 0);
}

TEST_CASE("shedding: the shutdown starts while a tier is stopping: no double stop, no delay") {
  TempDir dir;
  Json slow = vm("vm", 105, "lab", "running", "", "lab");
  slow["shutdown"] = "6"; // still shutting down when low battery comes
  const Json guests = Json::array({vm("vm", 100, "db", "running", "order=1"), slow});
  t::FakePve pve(Json{{"node", "pve1"}, {"guests", guests}}.dump());
  t::HttpReceiver hook;
  const auto record = dir / "comeback";
  const std::string extra = "[[shed]]\ntags = [\"lab\"]\nafter_on_battery = 1\ntimeout = 30\n"
                            "[comeback]\nstate_file = \"" +
                            record.string() + "\"\n";
  writeFile(dir / "hidupsd.toml", config(dir, pve, outageAt(2) + lowBatteryAt(5), hook, extra));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "shutdown pipeline finished", 60s),
                  readIfAny(dir / "events.log"));
  const std::string log = readIfAny(dir / "events.log");
  CAPTURE(log);
  CHECK(missingInOrder(log, {"load shedding, tier \"tier-1\" (1 s on battery): stopping VM 105",
                             "shutdown pipeline started",
                             "being stopped by load shedding, left to it: VM 105 (lab)",
                             "load shedding has stopped VM 105 (lab)", "powering off the host"}) ==
        "");
  CHECK(pve.started("qm shutdown 105").size() == 1); // never twice
  CHECK(pve.started("qm stop 105").empty());
  const auto db = pve.started("qm shutdown 100");
  const auto labDone = pve.finished("qm", "shutdown 105");
  const auto power = pve.started("poweroff");
  REQUIRE(db.size() == 1);
  REQUIRE(labDone.size() == 1);
  REQUIRE(power.size() == 1);
  CHECK(db[0].time < labDone[0].time); // the pipeline's own stops did not wait for the tier
  CHECK(power[0].time >= labDone[0].time);
  CHECK(contains(readIfAny(record), "shed qemu 105\n"));
  CHECK(contains(readIfAny(record), "stopped qemu 100\n"));
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("comeback: Wake-on-LAN to the listed peers, inside a network namespace of its own") {
  // Never on a real network: the daemon and a listener run in a namespace the test makes
  // (unshare -rn: a user namespace owning a network namespace with only loopback).
  if (t::runProcess({"unshare", "-rn", "true"}).status != 0) {
    MESSAGE("skipped: unshare -rn is not allowed here (no unprivileged user namespaces)");
    return;
  }
  TempDir dir;
  t::FakePve pve(Json{{"node", "pve1"}, {"guests", Json::array()}}.dump());
  t::HttpReceiver unused;
  writeFile(dir / "comeback", "# hidupsd comeback 1\n"); // a UPS shutdown, no guest to start
  writeFile(dir / "listen.py",
            "import socket, sys\n"
            "r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "r.bind(('', 9))\nr.settimeout(60)\n"
            "data, _ = r.recvfrom(512)\nopen(sys.argv[1] + '.tmp', 'wb').write(data)\n"
            "import os\nos.rename(sys.argv[1] + '.tmp', sys.argv[1])\n");
  // The record and the peer; loopback's broadcast address, as a LAN's would be.
  std::string text = config(dir, pve, "", unused,
                            "[comeback]\nstate_file = \"" + (dir / "comeback").string() +
                                "\"\nwake = [\"AA:BB:CC:DD:EE:0F\"]\n"
                                "wake_address = \"127.255.255.255\"\n");
  text = text.substr(0, text.find("[[notify]]")) + text.substr(text.find("[comeback]"));
  writeFile(dir / "hidupsd.toml", text);
  const auto received = dir / "packet.bin";
  HidupsdProcess daemon(
      dir, {"-c", (dir / "hidupsd.toml").string()},
      {"/usr/bin/unshare", "-rn", "/bin/sh", "-c",
       "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; ip link set lo up && { python3 " +
           (dir / "listen.py").string() + " " + received.string() +
           " & } && sleep 1 && exec \"$0\" \"$@\""});
  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "comeback after the UPS shutdown", 40s),
                  readIfAny(dir / "events.log") << daemon.err());
  const std::string log = readIfAny(dir / "events.log");
  CAPTURE(log);
  CHECK(contains(log, "comeback: Wake-on-LAN sent to aa:bb:cc:dd:ee:0f (127.255.255.255:9)"));
  CHECK(contains(log, "0 of 0 guests started (none); Wake-on-LAN sent to 1 peer(s)"));
  REQUIRE(eventually([&] { return fs::exists(received); }));
  const std::string packet = readIfAny(received);
  REQUIRE(packet.size() == 102);
  CHECK(packet.substr(0, 6) == std::string(6, '\xff'));
  const std::string mac = "\xaa\xbb\xcc\xdd\xee\x0f";
  for (std::size_t i = 0; i < 16; ++i)
    CHECK(packet.substr(6 + i * 6, 6) == mac);
  CHECK(eventually([&] { return !fs::exists(dir / "comeback"); }));
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}
