// SPDX-License-Identifier: GPL-2.0-or-later
// ProxmoxPipeline: guests, the kill-power flag and the host command, on the pipeline's own thread.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "proxmox/command_runner.hpp"
#include "proxmox/discovery.hpp"
#include "proxmox/guest_stopper.hpp"
#include "proxmox/inventory_keeper.hpp"
#include "src/shedding.hpp"
#include "src/shutdown_pipeline.hpp"

namespace hidupsd {

/// What the pipeline asks of load shedding (ShedController). Both may be empty.
struct ShedHooks {
  /// The guests a [[shed]] tier is stopping right now: the pipeline leaves them to it (no
  /// double stop); the plan's recheck stops those still running later.
  std::function<std::vector<proxmox::Guest>()> sheddingNow;
  /// The guests shed before the shutdown, for the comeback record.
  std::function<std::vector<ShedGuest>()> shedSoFar;
};

/// Where the pipeline's words go. Both are called from the pipeline thread
/// and must only hand the text on (append a line, enqueue a message).
struct PipelineOutput {
  /// Every step, for the event log and the daemon log.
  std::function<void(const std::string& line)> log;
  /// The steps worth a notification (forced guests, the summary, power-off),
  /// said in each sink's language.
  std::function<void(const core::Event& shutdown, const core::Phrase& what)> notify;
  /// Called after the guests, before the kill-power flag and the host command:
  /// the wait for NUT secondaries (bounded by the callee). May be empty.
  std::function<void()> beforePowerOff;
  /// Called once the pipeline has finished (the daemon's main thread wakes
  /// for it instead of polling). Must not block. May be empty.
  std::function<void()> finished;
  /// Waits until every line given to `log` is written, or the time given
  /// (before the host command, and at the end). May be empty (`log` is
  /// synchronous then).
  std::function<bool(std::chrono::steady_clock::time_point until)> flush;
  ShedHooks shedding;
};

/// The shutdown pipeline (DESIGN.md "Proxmox shutdown"): stop the running
/// guests ([shutdown] strategy) before a deadline of min(deadline,
/// battery.runtime − deadline_margin), let NUT secondaries log out
/// (PipelineOutput::beforePowerOff), write the kill-power flag
/// (ups_shutdown_return), run host_command. Every step is bounded and caught:
/// a failing step is logged and the next one runs; the host command always
/// runs. Every command goes through a BoundedRunner: one that hangs even after
/// SIGKILL (a tool stuck on a hung cluster file system) is left behind and the
/// pipeline goes on. Once started it goes to the end, whatever happens to the mains.
///
/// The guests come from the InventoryKeeper's latest discovery (the plan,
/// made ahead: at start, on SIGHUP, on battery), so the first stop goes out
/// at once; a fresh discovery, asked for at the start, corrects the groups
/// still to come (GuestStopper's Recheck). Without any discovery yet it waits
/// for the fresh one, half the guest deadline at most (60 s): a hung pmxcfs
/// or qm then means no guest is known, and the host command runs.
///
/// With `simulation`, commands that change nothing (qm/pct list and config)
/// run for real and every other step is only logged as "would run …" /
/// "would write …".
class ProxmoxPipeline final : public ShutdownPipeline {
public:
  /// `runner` runs the commands (the real ProcessRunner in the daemon).
  /// `node`: the Proxmox node name for stopall ([proxmox] node, else this host's name).
  /// `keeper`: the daemon's, which discovers ahead of time; none: one of the
  /// pipeline's own, asked at start() only (--test-event, tests, the bench).
  /// `commandOverrun`: how long past its timeout a command is waited for before it is
  /// left behind (BoundedRunner).
  ProxmoxPipeline(const Config& config, std::string node,
                  std::unique_ptr<proxmox::CommandRunner> runner, PipelineOutput output,
                  std::shared_ptr<proxmox::InventoryKeeper> keeper = nullptr,
                  std::chrono::milliseconds commandOverrun = kCommandOverrun);
  /// ProcessRunner's kill grace (5 s) and reap wait (5 s), and a margin for a loaded machine.
  static constexpr std::chrono::milliseconds kCommandOverrun{15000};
  ~ProxmoxPipeline() override;

  void start(const core::Event& event) noexcept override;
  bool started() const noexcept override { return started_.load(); }
  bool finished() const noexcept override { return finished_.load(); }
  void wait() noexcept override;
  core::PipelineState state() const override;
  /// Following a remote UPS ([device] nut) never: its primary owns the UPS.
  bool powerCycles() const noexcept override {
    return shutdown_.upsShutdownReturn && !config_.device.nut;
  }

private:
  void run(const core::Event& event) noexcept;
  void preflightCheck(const core::Event& event);
  /// Returns the guests it stopped (cleanly or forced).
  std::vector<proxmox::Guest> stopGuests(const core::Event& event,
                                         std::chrono::steady_clock::time_point deadline);
  /// Takes out of `guests` those load shedding is stopping now (said in the record).
  void leaveToShedding(std::vector<proxmox::Guest>& guests);
  /// Waits (polling, no lock of the shedding's held) until load shedding has stopped the
  /// guests left to it, or the deadline: those still being stopped are then force-stopped.
  void awaitShedding(const core::Event& event, std::chrono::steady_clock::time_point deadline);
  /// [comeback]: the guests stopped and shed, in state_file, for the next start.
  void writeComebackRecord(const std::vector<proxmox::Guest>& stopped);
  void sayWorstCases(const std::vector<proxmox::Guest>& guests,
                     std::chrono::steady_clock::time_point deadline);
  /// The plan: the keeper's latest, else the discovery `ticket` (waited for).
  std::shared_ptr<const proxmox::Inventory> plan(const core::Event& event, std::uint64_t ticket,
                                                 std::chrono::steady_clock::time_point deadline,
                                                 bool& fresh);
  proxmox::StopSummary stop(const std::vector<proxmox::Guest>& guests, bool someExcluded,
                            const proxmox::Recheck* recheck, const core::Event& event,
                            std::chrono::steady_clock::time_point deadline);
  void writeKillPowerFlag();
  void powerOff(const core::Event& event);
  /// A line of the shutdown's record (English; also its state's last step).
  void say(const std::string& line) noexcept;
  /// The record on disk before the host goes down (PipelineOutput::flush), bounded.
  void flushRecord() noexcept;
  /// A step worth a notification: said in English to the record, and notified.
  void tell(const core::Event& event, const core::Phrase& what) noexcept;
  void update(const std::function<void(core::PipelineState&)>& change) noexcept;
  proxmox::StopRules stopRules() const;

  ShutdownConfig shutdown_;
  ProxmoxConfig proxmox_;
  ComebackConfig comeback_;
  std::vector<proxmox::Guest> leftToShedding_; // the pipeline thread's
  Config config_;                              // for the preflight check as the pipeline starts
  bool simulation_;
  std::string node_;
  std::shared_ptr<proxmox::CommandRunner> realRunner_;    // shared with the keeper's discoveries
  std::unique_ptr<proxmox::CommandRunner> boundedRunner_; // realRunner_, never waited on for ever
  std::unique_ptr<proxmox::CommandRunner> dryRunner_;
  proxmox::CommandRunner* runner_; // boundedRunner_ or dryRunner_
  PipelineOutput output_;
  std::shared_ptr<proxmox::InventoryKeeper> keeper_;
  std::atomic<bool> started_{false};
  std::atomic<bool> finished_{false};
  mutable std::mutex stateMutex_;
  core::PipelineState state_; // guarded by stateMutex_
  std::thread thread_;
};

/// Removes a kill-power flag left from an earlier shutdown (the daemon
/// starts: the host is up again, the power cycle is over). Logs what it did;
/// never throws.
void clearStaleKillPowerFlag(const std::filesystem::path& flag);

/// This host's name as Proxmox names its node (the short host name).
std::string localNodeName();
/// [proxmox] node, else localNodeName().
std::string nodeName(const Config& config);

/// Where to find the guests ([proxmox]) for this node.
proxmox::DiscoveryOptions discoveryOptions(const Config& config, const std::string& node);

/// The keeper of this node's guest inventory: discoveries through `runner`
/// (shared: a hung discovery may outlive the keeper), refreshed every
/// [proxmox] plan_refresh on battery; each discovery's new problems and
/// changes are logged (domain "guests"). Throws std::system_error (no thread).
std::shared_ptr<proxmox::InventoryKeeper>
makeInventoryKeeper(const Config& config, const std::string& node,
                    std::shared_ptr<proxmox::CommandRunner> runner);

} // namespace hidupsd
