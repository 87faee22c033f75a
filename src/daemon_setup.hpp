// SPDX-License-Identifier: GPL-2.0-or-later
// From the config to the options of each daemon component, and what a reload changes.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "proxmox/inventory_keeper.hpp"
#include "src/event_log.hpp"
#include "src/notifier.hpp"
#include "src/nut_reader.hpp"
#include "src/proxmox_pipeline.hpp"
#include "src/shutdown_pipeline.hpp"
#include "ups/device_reader.hpp"
#include "ups/engine.hpp"
#include "ups/monitor.hpp"

namespace hidupsd {

PolicyOptions policyOptions(const PolicyConfig& policy);
/// Each UPS's engine: [policy], re-armed per outage when there are several UPSes (each one's
/// shutdown is a vote, SupplyGate).
PolicyOptions upsPolicy(const Config& config);
ReaderOptions readerOptions(const Config& config);
/// The reader's options for `device`, one of config's UPSes.
ReaderOptions readerOptions(const Config& config, const DeviceConfig& device);
/// The NutReader's options for [device] nut (which must be set).
NutReaderOptions nutReaderOptions(const Config& config);
/// The same for `device` (with nut set), one of config's UPSes.
NutReaderOptions nutReaderOptions(const Config& config, const DeviceConfig& device);
/// The time the system has spent suspended since boot (CLOCK_BOOTTIME minus
/// CLOCK_MONOTONIC), for the reader's resume check; nullopt if unknown.
std::optional<std::chrono::nanoseconds> suspendedTime() noexcept;
/// The Proxmox pipeline for this config, on the real command runner (a dry
/// run when simulation is on): its steps go to the event log and the daemon
/// log, the notable ones to `notifier` as well (when given); `beforePowerOff`
/// runs before the host command, `finished` once it is over (both may be
/// empty). `keeper`: the daemon's guest inventory (the plan made ahead);
/// none: the pipeline lists the guests when it starts. `notifier` and `log`
/// must outlive the pipeline.
std::unique_ptr<ShutdownPipeline>
makePipeline(const Config& config, EventLog& log, Notifier* notifier,
             std::function<void()> beforePowerOff = {},
             std::shared_ptr<proxmox::InventoryKeeper> keeper = nullptr,
             std::function<void()> finished = {}, ShedHooks shedding = {});
/// Applies what can change at run time (policy, log file, log level) and
/// logs what needs a restart ([device], [shutdown], [proxmox]).
void applyReload(const Config& running, const Config& next, Engine& engine, EventLog& log);
/// Local wall-clock time as the event log writes it.
std::string wallClockText();

} // namespace hidupsd
