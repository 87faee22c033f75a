// SPDX-License-Identifier: GPL-2.0-or-later
// --kill-power against replayed real UPSes: killPower's writes, and the command line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "src/kill_power.hpp"
#include "tests/support/test_support.hpp"

namespace hidupsd {
namespace {

namespace t = test;

hid::ReplayScript script(const std::string& fixture) {
  const auto path = t::fixturesDir() / (fixture + ".replay");
  return hid::parseReplay(t::readFile(path), path.string());
}

TEST_CASE("killPower opens the UPS and writes the configured delays") {
  core::ManualClock clock;
  hid::ReplayDevice* opened = nullptr;
  int opens = 0;
  const DeviceOpener open = [&]() -> std::unique_ptr<hid::Device> {
    if (++opens < 2) throw hid::DeviceError(hid::DeviceError::Kind::Disconnected, "not yet");
    auto d = std::make_unique<hid::ReplayDevice>(script("eaton-3s-700"), clock);
    opened = d.get();
    return d;
  };
  // The retry sleeps a real second: the bus is slow to answer late in a shutdown.
  const auto trace = killPower(open, ModelOptions{20, 30});
  CHECK(opens == 2);
  REQUIRE(trace.size() == 2);
  CHECK(trace[0].rfind("UPS.PowerSummary.DelayBeforeStartup = 30 ", 0) == 0);
  CHECK(trace[1].rfind("UPS.PowerSummary.DelayBeforeShutdown = 20 ", 0) == 0);
  (void)opened; // owned by killPower's device, gone now
}

TEST_CASE("hidupsd --kill-power on a replayed UPS, with the config's delays") {
  const auto config = std::filesystem::temp_directory_path() / "hidupsd-killpower.toml";
  {
    std::ofstream out(config);
    out << "[shutdown]\nups_off_delay = 45\nups_on_delay = 120\n";
  }
  const auto r = t::runProcess({t::hidupsdBinary().string(), "--kill-power", "-c", config.string(),
                                "--replay", (t::fixturesDir() / "eaton-5sc-750.replay").string()});
  CHECK(r.status == 0);
  CHECK(r.out.find("UPS.PowerSummary.DelayBeforeStartup = 120 (SET_REPORT feature 0x0a: 0a 78 "
                   "00 00 00)") != std::string::npos);
  CHECK(r.out.find("UPS.PowerSummary.DelayBeforeShutdown = 45 (SET_REPORT feature 0x09: 09 2d "
                   "00 00 00)") != std::string::npos);
  const auto apc =
      t::runProcess({t::hidupsdBinary().string(), "--kill-power", "-c", config.string(), "--replay",
                     (t::fixturesDir() / "apc-back-ups-xs-1400u.replay").string()});
  CHECK(apc.status == 1);
  CHECK(apc.err.find("has no UPS.PowerSummary.DelayBeforeStartup feature field") !=
        std::string::npos);
  std::filesystem::remove(config);
}

} // namespace
} // namespace hidupsd
