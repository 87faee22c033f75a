// SPDX-License-Identifier: GPL-2.0-or-later
// The migration guard: systemctl's active nut-* units, the advice, and `hidupsd --probe` with
// a fake systemctl on PATH.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "src/migration_guard.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
namespace fs = std::filesystem;
namespace t = hidupsd::test;

namespace {

/// Answers every command with `result`, and records the argv.
struct CannedRunner final : proxmox::CommandRunner {
  proxmox::CommandResult result;
  std::vector<std::string> argv;
  proxmox::CommandResult run(const std::vector<std::string>& a,
                             std::chrono::milliseconds) override {
    argv = a;
    return result;
  }
};

constexpr const char* kListing =
    "nut-driver@eaton.service loaded active running Network UPS Tools - device driver for "
    "NUT device 'eaton'\n"
    "nut-monitor.service      loaded active running Network UPS Tools - power device monitor\n"
    "nut-server.service       loaded active running Network UPS Tools - power devices "
    "information server\n"
    "nut-driver.target        loaded active active  Network UPS Tools - target for power "
    "device drivers\n";

} // namespace

TEST_CASE("systemctl's listing: the unit names, in order") {
  CHECK(unitNames(kListing) == std::vector<std::string>{"nut-driver@eaton.service",
                                                        "nut-monitor.service", "nut-server.service",
                                                        "nut-driver.target"});
  CHECK(unitNames("\xe2\x97\x8f nut-server.service loaded failed failed x\n") ==
        std::vector<std::string>{"nut-server.service"});
  CHECK(unitNames("").empty());
  CHECK(unitNames("\n  \n").empty());
}

TEST_CASE("the advice names what runs and the one command that stops it for good") {
  CHECK(nutAdvice({}).empty());
  const auto advice = nutAdvice({"nut-driver@eaton.service", "nut-server.service"});
  CHECK(advice.find("(nut-driver@eaton.service nut-server.service)") != std::string::npos);
  CHECK(advice.ends_with("systemctl disable --now nut-driver@eaton.service nut-server.service"));
}

TEST_CASE("activeNutUnits asks systemctl for active nut-* units; no answer is no warning") {
  CannedRunner runner;
  runner.result.out = kListing;
  CHECK(activeNutUnits(runner).size() == 4);
  CHECK(runner.argv.front() == "systemctl");
  CHECK(runner.argv.back() == "nut-*");
  runner.result.exitCode = 1; // "System has not been booted with systemd"
  CHECK(activeNutUnits(runner).empty());
  runner.result = {};
  runner.result.status = proxmox::CommandResult::Status::TimedOut;
  runner.result.out = kListing;
  CHECK(activeNutUnits(runner).empty());
}

TEST_CASE("hidupsd --probe with NUT's units active says what to stop (a fake systemctl)") {
  const fs::path bin = fs::temp_directory_path() / ("hidupsd-guard-" + std::to_string(::getpid()));
  fs::create_directories(bin);
  {
    std::ofstream s(bin / "systemctl");
    s << "#!/bin/sh\ncat <<'EOF'\n" << kListing << "EOF\n";
  }
  fs::permissions(bin / "systemctl", fs::perms(0755));
  const std::string path = bin.string() + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "");
  // The probe itself may find no UPS (CI): the warning comes first either way.
  const auto r = t::runProcess({"/usr/bin/env", "PATH=" + path, t::hidupsdBinary().string(),
                                "--probe", "--device", "0001:0001"});
  CHECK_MESSAGE(r.err.find("hidupsd: warning: NUT is still running on this host "
                           "(nut-driver@eaton.service nut-monitor.service nut-server.service "
                           "nut-driver.target)") != std::string::npos,
                r.err);
  CHECK(r.err.find("systemctl disable --now nut-driver@eaton.service") != std::string::npos);
  // A replay is not the USB device: no guard.
  const auto replay =
      t::runProcess({"/usr/bin/env", "PATH=" + path, t::hidupsdBinary().string(), "--probe",
                     "--replay", (t::fixturesDir() / "eaton-5sc-750.replay").string()});
  CHECK(replay.status == 0);
  CHECK(replay.err.find("NUT is still running") == std::string::npos);
  fs::remove_all(bin);
}
