// SPDX-License-Identifier: GPL-2.0-or-later
// ShutdownPipeline: what runs once the monitor says "shutdown", on its own thread.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "src/core/event.hpp"

namespace hidupsd {

/// The shutdown pipeline (guests, host power-off, UPS power cycle). Started
/// once; runs to the end on its own thread even if mains return.
class ShutdownPipeline {
public:
  virtual ~ShutdownPipeline() = default;
  /// Starts the pipeline for `event` and returns at once. Later calls are
  /// ignored. Never throws. Any thread.
  virtual void start(const core::Event& event) noexcept = 0;
  virtual bool started() const noexcept = 0;
  virtual bool finished() const noexcept = 0;
  /// Blocks until the pipeline's thread has ended (no-op if never started).
  virtual void wait() noexcept = 0;
};

/// What the dry-run pipeline says it would do (from [shutdown] and [proxmox]).
struct DryRunPlan {
  std::string strategy = "guests";
  int guestTimeout = 180;
  bool forceStop = true;
  bool containers = true;
  std::vector<std::string> hostCommand{"systemctl", "poweroff"};
  bool upsShutdownReturn = true;
  int upsOffDelay = 60;
  int upsOnDelay = 30;
};

/// Reports one line of progress ("would run: systemctl poweroff"). Must not block long.
using PipelineProgress = std::function<void(const std::string& line)>;

/// The pipeline in simulation: every step is reported as "would …", nothing
/// is executed. (The Proxmox pipeline replaces it when simulation is off.)
class DryRunPipeline final : public ShutdownPipeline {
public:
  DryRunPipeline(DryRunPlan plan, PipelineProgress progress);
  ~DryRunPipeline() override;
  void start(const core::Event& event) noexcept override;
  bool started() const noexcept override { return started_.load(); }
  bool finished() const noexcept override { return finished_.load(); }
  void wait() noexcept override;

  /// The lines a run reports, in order (pure; also what the thread sends).
  static std::vector<std::string> steps(const DryRunPlan& plan, const core::Event& event);

private:
  DryRunPlan plan_;
  PipelineProgress progress_;
  std::atomic<bool> started_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

} // namespace hidupsd
