// SPDX-License-Identifier: GPL-2.0-or-later
// From the config to the options of each daemon component.
#include "src/daemon_setup.hpp"

#include <time.h>

#include <ctime>

#include "lib/log.hpp"
#include "src/proxmox_pipeline.hpp"

namespace hidupsd {

namespace {

std::chrono::milliseconds ms(std::chrono::seconds s) { return s; }

} // namespace

PolicyOptions policyOptions(const PolicyConfig& p) {
  PolicyOptions o;
  o.onBatteryDelay = p.onBatteryDelay;
  o.onlineDelay = p.onlineDelay;
  o.shutdownOnLowBattery = p.shutdownOnLowBattery;
  o.shutdownChargeBelow = p.shutdownChargeBelow;
  o.shutdownRuntimeBelow = p.shutdownRuntimeBelow;
  o.shutdownAfterOnBattery = p.shutdownAfterOnBattery;
  o.commsLostTimeout = p.commsLostTimeout;
  o.nocommWarnTime = p.nocommWarnTime;
  return o;
}

ReaderOptions readerOptions(const Config& c) {
  ReaderOptions o;
  o.pollInterval = ms(c.device.pollInterval);
  o.commsLostTimeout = ms(c.policy.commsLostTimeout);
  o.expectedSerial = c.device.serial;
  // An input report ends a read at once whatever the slice: a longer slice
  // only means fewer idle wakeups (the bench counted 4/s at 250 ms). It still
  // bounds a stop and a queued command (upscmd) to a second.
  o.readSlice = std::chrono::seconds(1);
  o.model.offDelay = static_cast<int>(c.shutdown.upsOffDelay.count());
  o.model.onDelay = static_cast<int>(c.shutdown.upsOnDelay.count());
  o.fixDescriptors = c.device.descriptorFixups;
  o.suspendedTime = suspendedTime;
  return o;
}

std::optional<std::chrono::nanoseconds> suspendedTime() noexcept {
  timespec boot{}, mono{};
  if (::clock_gettime(CLOCK_BOOTTIME, &boot) != 0 || ::clock_gettime(CLOCK_MONOTONIC, &mono) != 0)
    return std::nullopt;
  const auto ns = [](const timespec& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
  };
  return ns(boot) - ns(mono);
}

std::unique_ptr<ShutdownPipeline> makePipeline(const Config& config, EventLog& eventLog,
                                               Notifier* notifier,
                                               std::function<void()> beforePowerOff) {
  PipelineOutput output;
  output.beforePowerOff = std::move(beforePowerOff);
  output.log = [&eventLog](const std::string& line) {
    log::notice("pipeline", "{}", line);
    eventLog.appendLine(wallClockText() + " " + line, true);
  };
  if (notifier != nullptr)
    output.notify = [notifier](const core::Event& event, const std::string& text) {
      notifier->notifyText(event, text);
    };
  const std::string node = config.proxmox.node.empty() ? localNodeName() : config.proxmox.node;
  return std::make_unique<ProxmoxPipeline>(config, node, std::make_unique<proxmox::ProcessRunner>(),
                                           std::move(output));
}

void applyReload(const Config& running, const Config& next, Engine& engine, EventLog& eventLog) {
  engine.requestPolicy(policyOptions(next.policy));
  log::setLevel(next.log.level);
  if (next.log.file != running.log.file) eventLog.reopen(next.log.file);
  if (!(next.device == running.device))
    log::warning("daemon", "[device] changed: takes effect at the next restart");
  if (!(next.nut == running.nut) || !(next.metrics == running.metrics))
    log::warning("daemon", "[serve.nut] or [serve.metrics] changed: takes effect at the next "
                           "restart");
  if (!(next.shutdown == running.shutdown) || !(next.proxmox == running.proxmox) ||
      next.policy.simulation != running.policy.simulation)
    log::warning("daemon", "[shutdown], [proxmox] or simulation changed: takes effect at the "
                           "next restart");
}

std::string wallClockText() { return localTimeText(std::time(nullptr)); }

} // namespace hidupsd
