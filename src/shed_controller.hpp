// SPDX-License-Identifier: GPL-2.0-or-later
// ShedController: [[shed]] tiers and the comeback carried out on threads of their own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "core/event.hpp"
#include "core/phrase.hpp"
#include "core/snapshot.hpp"
#include "history/records.hpp"
#include "proxmox/command_runner.hpp"
#include "proxmox/inventory_keeper.hpp"
#include "src/shedding.hpp"

namespace hidupsd {

/// Where the controller's words go. Called with the controller's own lock held: they must
/// only hand the text on (append a line, enqueue a message), never block.
struct ShedOutput {
  /// Every step, for the event log and the daemon log.
  std::function<void(const std::string& line)> log;
  /// The steps worth a notification: what was shed (`onbatt`), what came back (`online`),
  /// as catalogue phrases ("shed.*", "comeback.*"); their English text goes to `log` too.
  std::function<void(core::EventKind kind, const core::Phrase& what)> notify;
  /// Each tier stopped and each restart, with the runtime and load before and after, for
  /// the history (unset: none kept).
  std::function<void(history::ShedRow row)> record;
};

/// Carries out the ShedPlanner's decisions and the comeback after a UPS shutdown
/// (DESIGN.md "Proxmox shutdown" is untouched: this runs beside it).
///
/// observe() takes the device thread's readings (a copy under a short lock, a wake-up only
/// when the power state changed, a trigger may fire, or a comeback waits: none on mains
/// otherwise). A thread of its own runs the planner; each tier's stop and each restart run
/// on a worker thread through its own BoundedRunner over its own process runner: the
/// shutdown pipeline never waits for shedding, shares no lock, runner or descriptor with it.
/// After a tier's stop (a restart's starts) the worker waits for two fresh readings (at most
/// kFreshWait) so that the runtime and load "after" are the UPS's, not the ones from before.
/// Once `shutdownStarted` says so, nothing new is started (the pipeline takes over; a stop
/// in flight ends within its bounded timeout, and the pipeline leaves its guests to it:
/// inFlight()).
///
/// Comeback: with [comeback] enabled and a record at state_file (the last shutdown's), once
/// mains are present and battery.charge ≥ min_charge, the recorded guests without onboot
/// that are stopped are started in Proxmox's startup order (waiting each one's up=), then
/// the record is removed. Given up (record removed) after max_wait.
///
/// Thread rules: observe(), inFlight() and shed() from any thread, never blocking but for
/// the lock. The destructor stops the thread and leaves workers still running behind
/// (they end within their bounded commands and say nothing more).
class ShedController {
public:
  /// `runner`: the real process runner (wrapped in a BoundedRunner here, a DryRunRunner
  /// with [policy] simulation). `keeper`: the daemon's guest plan.
  ShedController(const Config& config, std::shared_ptr<proxmox::InventoryKeeper> keeper,
                 std::unique_ptr<proxmox::CommandRunner> runner,
                 std::function<bool()> shutdownStarted, ShedOutput output);
  ~ShedController();
  ShedController(const ShedController&) = delete;
  ShedController& operator=(const ShedController&) = delete;

  void observe(const core::Snapshot& snapshot) noexcept;
  /// Guests a tier is stopping right now (the pipeline leaves them to it).
  std::vector<proxmox::Guest> inFlight() const;
  /// Guests shed in this outage and not started again (for the comeback record).
  std::vector<ShedGuest> shed() const;

  struct Shared;

private:
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

} // namespace hidupsd
