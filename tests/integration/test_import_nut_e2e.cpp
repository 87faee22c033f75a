// SPDX-License-Identifier: GPL-2.0-or-later
// From the French guide's NUT files to a running daemon: --import-nut, then --simulate -c with
// that config runs the guide's upssched-cmd with the words upssched gave it.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "tests/support/daemon_support.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;

void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  text.replace(at, from.size(), to);
}

/// The guide's NUT files in `dir`/nut, its CMDSCRIPT a script recording "$1 $UPS_EVENT" in
/// `dir`/calls, its onbatt timer `timer` s; then hidupsd --import-nut of them, with the event
/// log and the NUT server moved into `dir`.
fs::path importGuide(const TempDir& dir, int timer) {
  const auto nut = dir / "nut";
  fs::create_directory(nut);
  for (const char* name :
       {"nut.conf", "ups.conf", "upsd.conf", "upsd.users", "upsmon.conf", "upssched.conf"}) {
    std::string text = t::readFile(t::testDataDir() / "nut" / "proxmox-fr" / name);
    if (std::string(name) == "upssched.conf") {
      replace(text, "/etc/nut/upssched-cmd", (dir / "upssched-cmd").string());
      replace(text, "START-TIMER onbatt 30", "START-TIMER onbatt " + std::to_string(timer));
    }
    writeFile(nut / name, text);
  }
  writeFile(dir / "upssched-cmd", "#!/bin/sh\necho \"$1 $UPS_EVENT: $UPS_REASON\" >> '" +
                                      (dir / "calls").string() + "'\n");
  fs::permissions(dir / "upssched-cmd", fs::perms::owner_all);
  const auto r = t::runProcess({t::hidupsdBinary().string(), "--import-nut", nut.string()});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  std::string config = r.out;
  replace(config, "file = \"/var/log/ups-shutdown.log\"",
          "file = \"" + (dir / "events.log").string() + "\"");
  replace(config, "listen = \"127.0.0.1:3493\"",
          "listen = \"127.0.0.1:" + std::to_string(freeLoopbackPort()) + "\"");
  writeFile(dir / "hidupsd.toml", config);
  return dir / "hidupsd.toml";
}

/// hidupsd --simulate -c `config` to its end; the calls its script recorded.
std::string simulate(const TempDir& dir, const fs::path& config) {
  HidupsdProcess sim(dir, {"--simulate", "--speed", "10", "-c", config.string()});
  const auto code = sim.waitExit(30s);
  REQUIRE_MESSAGE(code.has_value(), "--simulate still runs after 30 s");
  CHECK_MESSAGE(*code == 0, sim.err());
  // exec notifications run beside the pipeline: wait until the last one has written.
  waitForContent(dir / "calls", "shutdown lowbatt:", 5s);
  return readIfAny(dir / "calls");
}

} // namespace

TEST_CASE("the guide's NUT files, imported, run its upssched-cmd with upssched's words") {
  TempDir dir;
  SUBCASE("as the guide has it: 30 s on battery before onbatt, longer than this outage") {
    // NUT: ONBATT at 8 s starts upssched's 30-s timer; LOWBATT at 32 s → EXECUTE shutdown;
    // the timer says "onbatt" at 38 s if the host is still up. hidupsd says onbatt at the low
    // battery, before lowbatt (a critical state ends the delay): the same words, once each.
    CHECK(simulate(dir, importGuide(dir, 30)) ==
          "onbatt onbatt: on battery, critical before on_battery_delay ran out\n"
          "shutdown lowbatt: UPS reports low battery\n");
  }
  SUBCASE("a 5-s timer: onbatt after 5 s on battery, then shutdown at the low battery") {
    CHECK(simulate(dir, importGuide(dir, 5)) ==
          "onbatt onbatt: on battery for 5 s\nshutdown lowbatt: UPS reports low battery\n");
  }
}
