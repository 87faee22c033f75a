// SPDX-License-Identifier: GPL-2.0-or-later
// ProxmoxPipeline: guests, the kill-power flag and the host command, on the pipeline's own thread.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "proxmox/command_runner.hpp"
#include "proxmox/guest_stopper.hpp"
#include "src/shutdown_pipeline.hpp"

namespace hidupsd {

/// Where the pipeline's words go. Both are called from the pipeline thread
/// and must only hand the text on (append a line, enqueue a message).
struct PipelineOutput {
  /// Every step, for the event log and the daemon log.
  std::function<void(const std::string& line)> log;
  /// The steps worth a notification (forced guests, the summary, power-off).
  std::function<void(const core::Event& shutdown, const std::string& text)> notify;
  /// Called after the guests, before the kill-power flag and the host command:
  /// the wait for NUT secondaries (bounded by the callee). May be empty.
  std::function<void()> beforePowerOff;
};

/// The shutdown pipeline (DESIGN.md "Proxmox shutdown"): discover the running
/// guests, stop them ([shutdown] strategy) before a deadline of
/// min(deadline, battery.runtime − deadline_margin), let NUT secondaries log
/// out (PipelineOutput::beforePowerOff), write the kill-power flag
/// (ups_shutdown_return), run host_command. Every step is bounded and caught:
/// a failing step is logged and the next one runs; the host command always
/// runs. Every command goes through a BoundedRunner: one that hangs even after
/// SIGKILL (a tool stuck on a hung cluster file system) is left behind and the
/// pipeline goes on. Once started it goes to the end, whatever happens to the mains.
///
/// With `simulation`, commands that change nothing (qm/pct list and config)
/// run for real and every other step is only logged as "would run …" /
/// "would write …".
class ProxmoxPipeline final : public ShutdownPipeline {
public:
  /// `runner` runs the commands (the real ProcessRunner in the daemon).
  /// `node`: the Proxmox node name for stopall ([proxmox] node, else this host's name).
  /// `commandOverrun`: how long past its timeout a command is waited for before it is
  /// left behind (BoundedRunner).
  ProxmoxPipeline(const Config& config, std::string node,
                  std::unique_ptr<proxmox::CommandRunner> runner, PipelineOutput output,
                  std::chrono::milliseconds commandOverrun = kCommandOverrun);
  /// ProcessRunner's kill grace (5 s) and reap wait (5 s), and a margin for a loaded machine.
  static constexpr std::chrono::milliseconds kCommandOverrun{15000};
  ~ProxmoxPipeline() override;

  void start(const core::Event& event) noexcept override;
  bool started() const noexcept override { return started_.load(); }
  bool finished() const noexcept override { return finished_.load(); }
  void wait() noexcept override;
  bool powerCycles() const noexcept override { return shutdown_.upsShutdownReturn; }

private:
  void run(const core::Event& event) noexcept;
  void preflightCheck(const core::Event& event);
  void stopGuests(const core::Event& event, std::chrono::steady_clock::time_point deadline);
  void writeKillPowerFlag();
  void powerOff(const core::Event& event);
  void say(const std::string& line) noexcept;
  void tell(const core::Event& event, const std::string& text) noexcept;
  proxmox::DiscoveryOptions discoveryOptions() const;
  proxmox::StopRules stopRules() const;

  ShutdownConfig shutdown_;
  ProxmoxConfig proxmox_;
  Config config_; // for the preflight check as the pipeline starts
  bool simulation_;
  std::string node_;
  std::unique_ptr<proxmox::CommandRunner> realRunner_;
  std::unique_ptr<proxmox::CommandRunner> boundedRunner_; // realRunner_, never waited on for ever
  std::unique_ptr<proxmox::CommandRunner> dryRunner_;
  proxmox::CommandRunner* runner_; // boundedRunner_ or dryRunner_
  PipelineOutput output_;
  std::atomic<bool> started_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

/// Removes a kill-power flag left from an earlier shutdown (the daemon
/// starts: the host is up again, the power cycle is over). Logs what it did;
/// never throws.
void clearStaleKillPowerFlag(const std::filesystem::path& flag);

/// This host's name as Proxmox names its node (the short host name).
std::string localNodeName();

} // namespace hidupsd
