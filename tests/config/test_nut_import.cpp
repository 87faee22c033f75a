// SPDX-License-Identifier: GPL-2.0-or-later
// importNut: the French Proxmox guide's files and NUT's samples against golden output, each
// mapping rule, what is dropped and why, and the lines NUT refuses at FILE:LINE:COL.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "config/nut_import.hpp"
#include "tests/config/config_errors.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
using hidupsd::nutconf::Dropped;
using hidupsd::nutconf::Import;
using hidupsd::nutconf::Source;
namespace t = hidupsd::test;
using std::chrono::seconds;

namespace {

/// The NUT files of tests/data/nut/NAME, named "NAME/FILE".
std::vector<Source> fixture(const std::string& name) {
  std::vector<Source> files;
  for (const auto file : nutconf::kFileNames) {
    const auto path = t::testDataDir() / "nut" / name / std::string(file);
    if (std::filesystem::exists(path))
      files.push_back({std::string(file), name + "/" + std::string(file), t::readFile(path)});
  }
  return files;
}

/// One file's text as `name` ("upsmon.conf" …), the others absent.
std::vector<Source> files(std::initializer_list<std::pair<const char*, std::string>> texts) {
  std::vector<Source> out;
  for (const auto& [name, text] : texts)
    out.push_back({name, name, text});
  return out;
}

/// The refusals of `sources`, "FILE:LINE:COL: message" each; empty when it imports.
std::vector<std::string> refusals(const std::vector<Source>& sources) {
  return test::errorLines([&] { (void)nutconf::importNut(sources); });
}

/// The reason `place` ("upsmon.conf:3") was dropped with, "" if it was not.
std::string droppedWhy(const Import& im, const std::string& place) {
  for (const auto& d : im.dropped)
    if (d.place == place) return d.reason;
  return {};
}

/// Every imported config must read back as --check-config reads it.
Config readBack(const Import& im) { return parseConfig(nutconf::render(im, "nut"), "out.toml"); }

const std::string kGuideUps = "[eaton]\n driver = usbhid-ups\n port = auto\n";
const std::string kGuideMonitor = "MONITOR eaton@localhost 1 monuser secret master\n";

} // namespace

TEST_CASE("golden: the guide's files, NUT 2.8.0's samples and their examples") {
  for (const std::string name : {"proxmox-fr", "nut-2.8.0-samples", "nut-2.8.0-examples"}) {
    CAPTURE(name);
    const Import im = nutconf::importNut(fixture(name));
    const std::string text = nutconf::render(im, name);
    const auto golden = t::testDataDir() / "nut" / (name + ".expected.toml");
    if (std::getenv("HIDUPSD_UPDATE_GOLDEN") != nullptr) std::ofstream(golden) << text;
    CHECK(text == t::readFile(golden));
    const Config back = readBack(im);
    CHECK(back.policy.simulation);
    CHECK(back == im.config);
  }
}

TEST_CASE("the French Proxmox guide: the UPS, the users, upsmon's policy and upssched's words") {
  const Import im = nutconf::importNut(fixture("proxmox-fr"));
  const Config& c = im.config;
  CHECK(c.device.vendorId == 0x0463);
  CHECK(c.device.productId == 0xffff);
  CHECK(c.device.pollInterval == seconds(15));
  CHECK(c.shutdown.upsOffDelay == seconds(120));
  CHECK(c.shutdown.upsOnDelay == seconds(180));
  CHECK(c.shutdown.hostCommand == std::vector<std::string>{"/sbin/shutdown", "-h", "+0"});
  CHECK(c.shutdown.upsShutdownReturn);
  CHECK(c.policy.onBatteryDelay == seconds(30)); // AT ONBATT * START-TIMER onbatt 30
  CHECK(c.policy.commsLostTimeout == seconds(15));
  CHECK(c.policy.simulation);
  REQUIRE(c.nut);
  CHECK(c.nut->name == "eaton");
  CHECK(hostPort(c.nut->listen) == "127.0.0.1:3493");
  REQUIRE(c.nut->users.size() == 2);
  CHECK(c.nut->users[0].name == "monuser");
  CHECK(c.nut->users[0].password == "secret");
  CHECK(c.nut->users[0].rights == std::vector{NutRight::Primary});
  CHECK(c.nut->users[1].password == "admin secret");
  CHECK(c.nut->users[1].rights == std::vector{NutRight::Instcmd, NutRight::Set});
  // The same script, with the same word for the same event.
  REQUIRE(c.notify.size() == 1);
  const auto& n = c.notify[0];
  CHECK(n.type == NotifyType::Exec);
  CHECK(n.command == std::vector<std::string>{"/etc/nut/upssched-cmd"});
  using K = core::EventKind;
  CHECK(n.events == std::vector{K::OnBattery, K::Online, K::LowBattery, K::CommBad, K::CommOk});
  CHECK(n.arguments == std::map<K, std::string>{{K::LowBattery, "shutdown"},
                                                {K::CommBad, "onbatt"},
                                                {K::CommOk, "online"}});
  // Passwords never in what is shown of a line.
  for (const auto& d : im.dropped)
    CHECK(d.line.find("secret") == std::string::npos);
  CHECK(droppedWhy(im, "proxmox-fr/upsmon.conf:2") ==
        "hidupsd reads this UPS itself: it needs no NUT login to watch it");
  CHECK(droppedWhy(im, "proxmox-fr/upsd.conf:3") ==
        "hidupsd's NUT server listens on one address (the first LISTEN)");
}

TEST_CASE("lines NUT refuses are errors at FILE:LINE:COL, all of them, in file order") {
  const auto errors = refusals(files({
      {"upssched.conf", "AT ONBATT * EXECUTE onbatt\nCMDSCRIPT /x\n"},
      {"upsmon.conf", "MONITOR eaton@localhost 1 secret master\nDEADTIME 15s\n"
                      "NOTIFYCMD /sbin/upssched\nNOTIFYFLAG ONBATT EXEC\n"},
      {"ups.conf", "[eaton]\n desc = \"salle #2\"\n offdelay = soon\n"},
  }));
  CHECK(errors == std::vector<std::string>{
                      "ups.conf:2:16: '#' inside quotes: write \\# (NUT: \"Unbalanced word due to "
                      "unescaped # in quotes\")",
                      "upsmon.conf:1:1: an old-style MONITOR without a user: upsmon refuses to "
                      "start (\"Unable to use old-style MONITOR line without a username\")",
                      "upsmon.conf:2:10: DEADTIME 15s: not a whole number (NUT would read 15)",
                      "upssched.conf:1:1: AT before CMDSCRIPT: upssched refuses to run "
                      "(\"CMDSCRIPT must be set before any ATs in the config file!\")"});
  // offdelay = soon is not refused: its section's value is read only for the chosen UPS,
  // and its quote error took the line before it.
  CHECK(refusals(files({{"ups.conf", kGuideUps + " offdelay = soon\n"}})) ==
        std::vector<std::string>{
            "ups.conf:4:13: offdelay soon: not a whole number (NUT would read 0)"});
}

TEST_CASE("ups.conf: ids, delays, ignorelb, another UPS, NUT's regular expressions") {
  SUBCASE("ignorelb with overrides: hidupsd's thresholds instead of the UPS's LB") {
    const Import im = nutconf::importNut(
        files({{"ups.conf", kGuideUps + " ignorelb\n override.battery.charge.low = 30\n"
                                        " override.battery.runtime.low = 180\n"}}));
    CHECK_FALSE(im.config.policy.shutdownOnLowBattery);
    CHECK(im.config.policy.shutdownChargeBelow == 30);
    CHECK(im.config.policy.shutdownRuntimeBelow == seconds(180));
  }
  SUBCASE("overrides without ignorelb only changed what NUT showed") {
    const Import im = nutconf::importNut(
        files({{"ups.conf", kGuideUps + " override.battery.charge.low = 30\n"}}));
    CHECK(im.config.policy.shutdownOnLowBattery);
    CHECK(im.config.policy.shutdownChargeBelow == 0);
    CHECK(droppedWhy(im, "ups.conf:4").starts_with("without ignorelb NUT only showed"));
  }
  SUBCASE("one delay given: the other is NUT's default; ondelay must exceed offdelay") {
    Import im = nutconf::importNut(files({{"ups.conf", kGuideUps + " offdelay = 25\n"}}));
    CHECK(im.config.shutdown.upsOffDelay == seconds(25));
    CHECK(im.config.shutdown.upsOnDelay == seconds(30));
    im = nutconf::importNut(files({{"ups.conf", kGuideUps + " offdelay = 40\n"}}));
    CHECK(im.config.shutdown.upsOffDelay == seconds(60)); // hidupsd's defaults kept
    CHECK(droppedWhy(im, "ups.conf:4") ==
          "ondelay 30 s must be greater than offdelay 40 s (NUT's usbhid-ups needs it too)");
  }
  SUBCASE("the UPS upsmon watched is chosen; the others are listed") {
    const Import im = nutconf::importNut(
        files({{"ups.conf", "[a]\n driver = usbhid-ups\n vendorid = 051d\n productid = 0002\n"
                            "[b]\n driver = usbhid-ups\n vendorid = 0463\n productid = ffff\n"},
               {"upsmon.conf", "MONITOR b@localhost 1 u p primary\n"}}));
    CHECK(im.config.device.vendorId == 0x0463);
    CHECK(droppedWhy(im, "ups.conf:3") == "[a]: another UPS; hidupsd watches one, [b]");
  }
  SUBCASE("a regular expression is not an id; one id alone is not a match") {
    Import im = nutconf::importNut(
        files({{"ups.conf", kGuideUps + " vendorid = 0463\n productid = \"ff.*\"\n"}}));
    CHECK_FALSE(im.config.device.vendorId);
    CHECK(droppedWhy(im, "ups.conf:5").starts_with("a regular expression"));
    im = nutconf::importNut(files({{"ups.conf", kGuideUps + " vendorid = 0463\n"}}));
    CHECK_FALSE(im.config.device.vendorId);
    CHECK(droppedWhy(im, "ups.conf:4").starts_with("hidupsd matches vendor_id and product_id"));
  }
}

TEST_CASE("upsd.conf and upsd.users: as upsd reads them") {
  const std::string mode = "MODE=standalone\n";
  SUBCASE("upsd's directives are case-sensitive; a name is not an address") {
    const Import im =
        nutconf::importNut(files({{"nut.conf", mode},
                                  {"ups.conf", kGuideUps},
                                  {"upsd.conf", "listen 0.0.0.0\nLISTEN nas.lan\nLISTEN ::\n"}}));
    REQUIRE(im.config.nut);
    CHECK(hostPort(im.config.nut->listen) == "[::]:3493");
    CHECK(droppedWhy(im, "upsd.conf:1").starts_with("upsd ignores it"));
    CHECK(droppedWhy(im, "upsd.conf:2").starts_with("hidupsd listens on a numeric address"));
  }
  SUBCASE("users: forms, duplicates, no password, a name hidupsd cannot take") {
    const Import im = nutconf::importNut(files(
        {{"nut.conf", mode},
         {"ups.conf", kGuideUps},
         {"upsd.users", "password = orphan\n[a]\npassword=x\nupsmon = secondary\nACTIONS = fsd\n"
                        "[b]\nupsmon primary\n[a]\npassword = y\n[c/d]\npassword = z\n"
                        "[e]\npassword = 1\npassword = 2\ninstcmds = all beeper.off\n"}}));
    const auto& users = im.config.nut->users;
    REQUIRE(users.size() == 2);
    CHECK(users[0].name == "a");
    CHECK(users[0].password == "x");
    CHECK(users[0].rights == std::vector{NutRight::Secondary, NutRight::Fsd});
    CHECK(users[1].name == "e");
    CHECK(users[1].password == "1");
    CHECK(users[1].rights == std::vector{NutRight::Instcmd});
    CHECK(droppedWhy(im, "upsd.users:1") == "before any [user] section: upsd ignores it");
    CHECK(droppedWhy(im, "upsd.users:6") == "no password: upsd refuses every LOGIN of this user");
    CHECK(droppedWhy(im, "upsd.users:8").starts_with("defined twice"));
    CHECK(droppedWhy(im, "upsd.users:10").starts_with("hidupsd's user names"));
    CHECK(droppedWhy(im, "upsd.users:14") == "a second password: upsd keeps the first");
    CHECK(droppedWhy(im, "upsd.users:15").starts_with("hidupsd grants all instant commands"));
  }
  SUBCASE("MODE=netclient: upsd did not run here") {
    const Import im = nutconf::importNut(files({{"nut.conf", "MODE=netclient\n"},
                                                {"ups.conf", kGuideUps},
                                                {"upsd.users", "[u]\npassword = p\n"}}));
    CHECK_FALSE(im.config.nut);
    CHECK(droppedWhy(im, "upsd.users:2")
              .starts_with("upsd did not run here (nut.conf MODE=netclient)"));
  }
}

TEST_CASE("upssched: timers, cancels, words, and only what upsmon passes it") {
  const auto run = [](const std::string& upsmon, const std::string& upssched) {
    return nutconf::importNut(files(
        {{"ups.conf", kGuideUps},
         {"upsmon.conf", kGuideMonitor + upsmon},
         {"upssched.conf", "CMDSCRIPT /usr/local/bin/cmd\nPIPEFN /p\nLOCKFN /l\n" + upssched}}));
  };
  const std::string allExec =
      "NOTIFYCMD /sbin/upssched\nNOTIFYFLAG ONBATT EXEC\nNOTIFYFLAG ONLINE EXEC\n"
      "NOTIFYFLAG COMMBAD EXEC\nNOTIFYFLAG COMMOK EXEC\nNOTIFYFLAG LOWBATT SYSLOG\n";
  using K = core::EventKind;
  SUBCASE("two ONBATT timers: the onbatt delay and an early shutdown") {
    const Import im = run(allExec, "AT ONBATT * START-TIMER early 300\nAT ONBATT * START-TIMER "
                                   "warn 20\nAT ONLINE * CANCEL-TIMER warn\n"
                                   "AT ONLINE * CANCEL-TIMER early back\n");
    CHECK(im.config.policy.onBatteryDelay == seconds(20));
    CHECK(im.config.policy.shutdownAfterOnBattery == seconds(300));
    REQUIRE(im.config.notify.size() == 1);
    CHECK(im.config.notify[0].events == std::vector{K::OnBattery, K::Online, K::Shutdown});
    CHECK(im.config.notify[0].arguments == std::map<K, std::string>{{K::OnBattery, "warn"},
                                                                    {K::Online, "back"},
                                                                    {K::Shutdown, "early"}});
  }
  SUBCASE("an EXECUTE and a timer for the same event: two entries, the script runs twice") {
    const Import im = run(allExec, "AT ONBATT * START-TIMER warn 10\nAT ONLINE * CANCEL-TIMER warn "
                                   "ok\nAT ONBATT * EXECUTE lost\n");
    REQUIRE(im.config.notify.size() == 2);
    CHECK(im.config.notify[0].arguments.at(K::OnBattery) == "warn");
    CHECK(im.config.notify[1].arguments.at(K::OnBattery) == "lost");
    CHECK(im.config.policy.onBatteryDelay == seconds(10));
  }
  SUBCASE("no timer on ONBATT: upsmon passed it at once") {
    const Import im = run(allExec, "AT ONBATT * EXECUTE onbatt\n");
    CHECK(im.config.policy.onBatteryDelay == seconds(0));
    CHECK(im.config.notify[0].arguments.empty());
  }
  SUBCASE("a COMMBAD timer: comms_lost_timeout, unless DEADTIME is set") {
    Import im = run(allExec, "AT COMMBAD * START-TIMER gone 40\nAT COMMOK * CANCEL-TIMER gone "
                             "back\n");
    CHECK(im.config.policy.commsLostTimeout == seconds(40));
    im = run(allExec + "DEADTIME 25\n",
             "AT COMMBAD * START-TIMER gone 40\nAT COMMOK * CANCEL-TIMER gone back\n");
    CHECK(im.config.policy.commsLostTimeout == seconds(25));
    CHECK(im.config.notify[0].arguments.at(K::CommBad) == "gone");
  }
  SUBCASE("what upsmon never passed, another UPS, a timer hidupsd has not") {
    const Import im = run(allExec, "AT LOWBATT * EXECUTE low\nAT ONBATT other@host EXECUTE x\n"
                                   "AT REPLBATT * START-TIMER r 10\nAT ONBATT * START-TIMER t 5\n"
                                   "AT FOO * EXECUTE y\n");
    CHECK(droppedWhy(im, "upssched.conf:4") ==
          "upsmon does not pass LOWBATT to upssched (no EXEC in its NOTIFYFLAG)");
    CHECK(droppedWhy(im, "upssched.conf:5").starts_with("for UPS other@host"));
    CHECK(droppedWhy(im, "upssched.conf:6").starts_with("upsmon does not pass REPLBATT"));
    CHECK(droppedWhy(im, "upssched.conf:7").starts_with("hidupsd has two timers")); // no cancel
    CHECK(droppedWhy(im, "upssched.conf:8") == "upsmon has no notify type FOO: it never matches");
    CHECK(im.config.notify.empty());
  }
  SUBCASE("no EXEC anywhere: upsmon never ran NOTIFYCMD") {
    const Import im = run("NOTIFYCMD /sbin/upssched\n", "AT ONBATT * EXECUTE x\n");
    CHECK(im.config.notify.empty());
    CHECK(droppedWhy(im, "upsmon.conf:2") == "no NOTIFYFLAG has EXEC: upsmon never ran it");
  }
}

TEST_CASE("a NOTIFYCMD of its own: upsmon's message as its argument, through sh when it must") {
  const Import im = nutconf::importNut(files(
      {{"ups.conf", kGuideUps},
       {"upsmon.conf", kGuideMonitor + "NOTIFYCMD \"/usr/bin/logger -t ups | cat\"\n"
                                       "NOTIFYFLAG ONBATT EXEC\nNOTIFYFLAG REPLBATT SYSLOG+EXEC\n"
                                       "NOTIFYMSG ONBATT \"%s lost mains\"\n"
                                       "NOTIFYFLAG NOPARENT EXEC\n"}}));
  REQUIRE(im.config.notify.size() == 1);
  const auto& n = im.config.notify[0];
  CHECK(n.command ==
        std::vector<std::string>{"/bin/sh", "-c", "/usr/bin/logger -t ups | cat \"$1\"", "sh"});
  using K = core::EventKind;
  CHECK(n.arguments ==
        std::map<K, std::string>{
            {K::OnBattery, "eaton@localhost lost mains"},
            {K::ReplaceBattery, "UPS eaton@localhost battery needs to be replaced"}});
  CHECK(droppedWhy(im, "upsmon.conf:6") == "no hidupsd event for NOPARENT");
  readBack(im);
}

TEST_CASE("an empty NOTIFYMSG keeps hidupsd's argument (found by fuzz_nut_import)") {
  const Import im = nutconf::importNut(
      files({{"ups.conf", kGuideUps},
             {"upsmon.conf", kGuideMonitor + "NOTIFYCMD /usr/local/bin/notifyme\n"
                                             "NOTIFYFLAG ONLINE EXEC\nNOTIFYMSG ONLINE \"\"\n"}}));
  REQUIRE(im.config.notify.size() == 1);
  CHECK_FALSE(im.config.notify[0].arguments.contains(core::EventKind::Online));
  readBack(im); // it rendered arguments.online = "", refused on reading
}

TEST_CASE("upsmon.conf: a remote UPS, power value 0, MINSUPPLIES, no POWERDOWNFLAG") {
  const Import im = nutconf::importNut(
      files({{"ups.conf", kGuideUps},
             {"upsmon.conf", "MONITOR eaton@localhost 0 u p primary\nMONITOR ups@pve2 1 u p "
                             "secondary\nMINSUPPLIES 0\nHOSTSYNC 30\nDEADTIME 0\n"}}));
  CHECK(droppedWhy(im, "upsmon.conf:1").starts_with("power value 0"));
  CHECK(droppedWhy(im, "upsmon.conf:2").starts_with("a UPS that another host serves"));
  CHECK(droppedWhy(im, "upsmon.conf:3").starts_with("0: NUT never shut this host down"));
  CHECK(droppedWhy(im, "upsmon.conf:4") == "no [serve.nut]: no upsmon secondaries to wait for");
  CHECK(droppedWhy(im, "upsmon.conf:5") == "0 is out of the range of [policy] comms_lost_timeout, "
                                           "1..3600");
  CHECK_FALSE(im.config.shutdown.upsShutdownReturn);
  readBack(im);
}

TEST_CASE("upsmon.conf: an empty SHUTDOWNCMD is dropped (found by fuzz_nut_import)") {
  const Import im = nutconf::importNut(
      files({{"ups.conf", kGuideUps},
             {"upsmon.conf", kGuideMonitor + "SHUTDOWNCMD \"\"/sbin/shutdown -h +0\"\n"}}));
  CHECK(droppedWhy(im, "upsmon.conf:2") ==
        "an empty command: hidupsd keeps its default host_command");
  CHECK(im.config.shutdown.hostCommand == Config{}.shutdown.hostCommand);
  readBack(im); // it used to render host_command = ["/bin/sh", "-c", ""], refused on reading
}

TEST_CASE("upsmon.conf: a secondary of another host's UPS, no USB UPS here: [device] nut") {
  const Import im = nutconf::importNut(files(
      {{"upsmon.conf", "MONITOR ups@[fd00::1]:3494 1 follower s3cret secondary\n"
                       "MONITOR other@pve3 1 follower s3cret slave\n"
                       "MONITOR big@pve4 1 admin pw primary\nSHUTDOWNCMD \"/sbin/poweroff\"\n"}}));
  REQUIRE(im.config.device.nut);
  CHECK(*im.config.device.nut == lib::NutAddress{"ups", "fd00::1", 3494});
  CHECK(im.config.device.username == "follower");
  CHECK(im.config.device.password == "s3cret");
  CHECK(droppedWhy(im, "upsmon.conf:1").empty());
  CHECK(droppedWhy(im, "upsmon.conf:2") == "hidupsd follows one UPS: the MONITOR above");
  CHECK(droppedWhy(im, "upsmon.conf:3").starts_with("a primary of a UPS another host serves"));
  const Config back = readBack(im);
  CHECK(back.device == im.config.device);
  CHECK(nutconf::render(im, "nut").find("s3cret") != std::string::npos); // its own file: clear
}

TEST_CASE("what NUT's parser changed is listed, and secrets are never shown") {
  const Import im = nutconf::importNut(
      files({{"ups.conf", kGuideUps + " desc = \"Onduleur \xc3\xa9t\xc3\xa9\"\n"},
             {"upsd.conf", "CERTIDENT \"name\" \"dbpass\"\n"},
             {"upsmon.conf", "MONITOR eaton@pve2 1 u hunter2 secondary\n"}}));
  const auto changed = std::find_if(im.dropped.begin(), im.dropped.end(), [](const Dropped& d) {
    return d.kind == Dropped::Kind::Changed;
  });
  REQUIRE(changed != im.dropped.end());
  CHECK(changed->place == "ups.conf:4:19");
  const std::string text = nutconf::render(im, "nut");
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("dbpass") == std::string::npos);
  CHECK(text.find("MONITOR eaton@pve2 1 u <redacted> secondary") != std::string::npos);
  readBack(im);
}
