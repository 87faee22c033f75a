// SPDX-License-Identifier: GPL-2.0-or-later
// ShutdownPipeline: what runs once the monitor says "shutdown", on its own thread (the interface).
#pragma once

#include "core/daemon_state.hpp"
#include "core/event.hpp"

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
  /// How far it got, for --status. Any thread. This default knows only
  /// started() and finished(). Throws std::bad_alloc only.
  virtual core::PipelineState state() const {
    core::PipelineState s;
    if (started()) s.phase = core::PipelineState::Phase::Running;
    if (finished()) s.phase = core::PipelineState::Phase::Finished;
    return s;
  }
  /// Whether, once done, the UPS power-cycles the host so that it starts again when mains
  /// are back ([shutdown] ups_shutdown_return); false: the host stays off.
  virtual bool powerCycles() const noexcept { return true; }
};

} // namespace hidupsd
