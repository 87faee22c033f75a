// SPDX-License-Identifier: GPL-2.0-or-later
// Shutdown time: one run of the pipeline, timed with steady_clock, its log kept.
#include "bench/shutdown_time.hpp"

#include <stdlib.h>

#include <fmt/format.h>

#include <chrono>
#include <mutex>

#include "bench/stats.hpp"
#include "config/config.hpp"
#include "proxmox/command_runner.hpp"
#include "src/proxmox_pipeline.hpp"

namespace hidupsd::bench {

namespace {

Config configFor(const std::filesystem::path& fakeDir, const std::filesystem::path& workDir) {
  Config c;
  c.policy.simulation = false;
  c.proxmox.qm = fakeDir / "qm";
  c.proxmox.pct = fakeDir / "pct";
  c.proxmox.pvesh = fakeDir / "pvesh";
  c.proxmox.node = "pve1";
  c.shutdown.hostCommand = {(fakeDir / "poweroff").string()};
  c.shutdown.killPowerFlag = workDir / "killpower";
  return c;
}

core::Event lowBatteryEvent() {
  core::Event e;
  e.kind = core::EventKind::Shutdown;
  e.reason = "UPS reports low battery";
  e.snapshot.variables = {{"battery.runtime", "3600"}, {"ups.status", "OB DISCHRG LB"}};
  return e;
}

} // namespace

ShutdownRun measureShutdown(const std::filesystem::path& fakeDir,
                            const std::filesystem::path& workDir) {
  ::setenv("FAKE_PVE_DIR", fakeDir.c_str(), 1);
  ShutdownRun run;
  std::mutex mutex;
  const auto t0 = std::chrono::steady_clock::now();
  PipelineOutput output;
  output.log = [&](const std::string& line) {
    const auto at = millisBetween(t0, std::chrono::steady_clock::now()) / 1000.0;
    std::lock_guard lock(mutex);
    run.lines.push_back(fmt::format("{:7.3f} {}", at, line));
  };
  ProxmoxPipeline pipeline(configFor(fakeDir, workDir), "pve1",
                           std::make_unique<proxmox::ProcessRunner>(), std::move(output));
  pipeline.start(lowBatteryEvent());
  pipeline.wait();
  run.seconds = millisBetween(t0, std::chrono::steady_clock::now()) / 1000.0;
  return run;
}

} // namespace hidupsd::bench
