// SPDX-License-Identifier: GPL-2.0-or-later
// Shutdown time: one run of the pipeline, timed with steady_clock, its log kept.
#include "bench/shutdown_time.hpp"

#include <stdlib.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include "bench/stats.hpp"
#include "config/config.hpp"
#include "proxmox/command_runner.hpp"
#include "src/event_log.hpp"
#include "src/proxmox_pipeline.hpp"
#include "src/record_writer.hpp"

namespace hidupsd::bench {

namespace {

using SteadyClock = std::chrono::steady_clock;

Config configFor(const ShutdownOptions& o) {
  Config c;
  c.policy.simulation = false;
  c.proxmox.qm = o.fakeDir / "qm";
  c.proxmox.pct = o.fakeDir / "pct";
  c.proxmox.pvesh = o.fakeDir / "pvesh";
  c.proxmox.node = "pve1";
  c.proxmox.pmxcfs = o.pmxcfs ? o.fakeDir / "pve" : std::filesystem::path();
  c.shutdown.strategy = o.stopAll ? ShutdownStrategy::StopAll : ShutdownStrategy::Guests;
  c.shutdown.hostCommand = {(o.fakeDir / "poweroff").string()};
  c.shutdown.killPowerFlag = o.workDir / "killpower";
  return c;
}

core::Event lowBatteryEvent() {
  core::Event e;
  e.kind = core::EventKind::Shutdown;
  e.reason = "UPS reports low battery";
  e.snapshot.variables = {{"battery.runtime", "3600"}, {"ups.status", "OB DISCHRG LB"}};
  return e;
}

/// The real runner, noting when the first stop command (qm/pct shutdown, pvesh
/// create) and the host command were handed to it: hidupsd's side of the times.
class StampingRunner final : public proxmox::CommandRunner {
public:
  explicit StampingRunner(std::string hostCommand) : hostCommand_(std::move(hostCommand)) {}
  proxmox::CommandResult run(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout) override {
    const bool stop = argv.size() > 1 && (argv[1] == "shutdown" || argv[1] == "create");
    if (stop || argv.at(0) == hostCommand_) {
      const std::lock_guard lock(mutex_);
      auto& stamp = stop ? first_ : host_;
      if (!stamp) stamp = SteadyClock::now();
    }
    return real_.run(argv, timeout);
  }
  std::optional<SteadyClock::time_point> first() const {
    const std::lock_guard lock(mutex_);
    return first_;
  }
  std::optional<SteadyClock::time_point> host() const {
    const std::lock_guard lock(mutex_);
    return host_;
  }

private:
  std::string hostCommand_;
  proxmox::ProcessRunner real_;
  mutable std::mutex mutex_;
  std::optional<SteadyClock::time_point> first_;
  std::optional<SteadyClock::time_point> host_;
};

} // namespace

ShutdownRun measureShutdown(const ShutdownOptions& o) {
  ::setenv("FAKE_PVE_DIR", o.fakeDir.c_str(), 1);
  const auto config = configFor(o);
  std::shared_ptr<proxmox::InventoryKeeper> keeper;
  if (o.planAhead) {
    keeper = makeInventoryKeeper(config, "pve1", std::make_shared<proxmox::ProcessRunner>());
    if (!keeper->waitFor(keeper->refreshNow(), SteadyClock::now() + std::chrono::minutes(2)))
      throw std::runtime_error("the plan's discovery did not end within 2 minutes");
  }
  ShutdownRun run;
  std::mutex mutex;
  SteadyClock::time_point t0{};
  // As the daemon's pipeline does (makePipeline): each line to the event log through the
  // record writer, fsync'd off the pipeline's thread.
  EventLog eventLog(o.workDir / "events.log");
  RecordWriter record(eventLog);
  PipelineOutput output;
  output.log = [&](const std::string& line) {
    record.add(line);
    const auto at = millisBetween(t0, SteadyClock::now()) / 1000.0;
    const std::lock_guard lock(mutex);
    run.lines.push_back(fmt::format("{:7.3f} {}", at, line));
  };
  output.flush = [&](SteadyClock::time_point until) { return record.flush(until); };
  auto runner = std::make_unique<StampingRunner>(config.shutdown.hostCommand.at(0));
  auto* stamps = runner.get();
  ProxmoxPipeline pipeline(config, "pve1", std::move(runner), std::move(output), keeper);
  t0 = SteadyClock::now();
  run.lowBattery = std::chrono::duration<double>(t0.time_since_epoch()).count();
  pipeline.start(lowBatteryEvent());
  pipeline.wait();
  run.seconds = millisBetween(t0, SteadyClock::now()) / 1000.0;
  if (const auto first = stamps->first()) run.firstRequest = millisBetween(t0, *first) / 1000.0;
  if (const auto host = stamps->host()) run.hostRequest = millisBetween(t0, *host) / 1000.0;
  return run;
}

} // namespace hidupsd::bench
