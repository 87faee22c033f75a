// SPDX-License-Identifier: GPL-2.0-or-later
// From the config to the options of each daemon component.
#include "src/daemon_setup.hpp"

#include <time.h>

#include <algorithm>
#include <ctime>

#include "lib/log.hpp"
#include "src/proxmox_pipeline.hpp"
#include "src/record_writer.hpp"

namespace hidupsd {

namespace {

std::chrono::milliseconds ms(std::chrono::seconds s) { return s; }

constexpr std::chrono::milliseconds kLongestReadSlice{2000};

} // namespace

PolicyOptions upsPolicy(const Config& c) {
  PolicyOptions o = policyOptions(c.policy);
  o.rearmShutdown = !c.moreDevices.empty();
  return o;
}

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

ReaderOptions readerOptions(const Config& c) { return readerOptions(c, c.device); }

ReaderOptions readerOptions(const Config& c, const DeviceConfig& d) {
  ReaderOptions o;
  o.pollInterval = ms(d.pollInterval);
  o.commsLostTimeout = ms(c.policy.commsLostTimeout);
  o.expectedSerial = d.serial;
  // An input report ends a read at once whatever the slice, and the device
  // thread wakes for the next poll anyway: a slice as long as the poll
  // interval means one wakeup per poll (0.5/s at the default 2 s; the bench
  // counted 4/s at 250 ms, 1/s at 1 s). Its cap bounds a stop and a queued
  // command (upscmd, SET VAR: the NUT server waits 5 s for them) to 2 s.
  o.readSlice = std::min(ms(d.pollInterval), kLongestReadSlice);
  o.model.offDelay = static_cast<int>(c.shutdown.upsOffDelay.count());
  o.model.onDelay = static_cast<int>(c.shutdown.upsOnDelay.count());
  o.fixDescriptors = d.descriptorFixups;
  o.suspendedTime = suspendedTime;
  return o;
}

NutReaderOptions nutReaderOptions(const Config& c) { return nutReaderOptions(c, c.device); }

NutReaderOptions nutReaderOptions(const Config& c, const DeviceConfig& d) {
  NutReaderOptions o;
  o.address = *d.nut;
  o.username = d.username;
  o.password = d.password;
  o.timeout = ms(d.nutTimeout);
  o.pollInterval = ms(d.pollInterval);
  o.commsLostTimeout = ms(c.policy.commsLostTimeout);
  o.readSlice = std::min(ms(d.pollInterval), kLongestReadSlice);
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
                                               std::function<void()> beforePowerOff,
                                               std::shared_ptr<proxmox::InventoryKeeper> keeper,
                                               std::function<void()> finished, ShedHooks shedding) {
  PipelineOutput output;
  output.shedding = std::move(shedding);
  output.beforePowerOff = std::move(beforePowerOff);
  output.finished = std::move(finished);
  // The record goes to the daemon log and the event log on a writer thread:
  // the pipeline never waits for the disk (nor journald) before a stop.
  auto record = std::make_shared<RecordWriter>(eventLog);
  output.log = [record](const std::string& line) { record->add(line); };
  output.flush = [record](std::chrono::steady_clock::time_point until) {
    return record->flush(until);
  };
  if (notifier != nullptr)
    output.notify = [notifier](const core::Event& event, const core::Phrase& what) {
      notifier->notifyProgress(event, what);
    };
  return std::make_unique<ProxmoxPipeline>(config, nodeName(config),
                                           std::make_unique<proxmox::ProcessRunner>(),
                                           std::move(output), std::move(keeper));
}

void applyReload(const Config& running, const Config& next, Engine& engine, EventLog& eventLog) {
  engine.requestPolicy(upsPolicy(next));
  log::setLevel(next.log.level);
  if (next.log.file != running.log.file) eventLog.reopen(next.log.file);
  if (!(next.device == running.device) || !(next.moreDevices == running.moreDevices) ||
      next.policy.minSupplies != running.policy.minSupplies)
    log::warning("daemon", "[device] or min_supplies changed: takes effect at the next restart");
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
