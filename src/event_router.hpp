// SPDX-License-Identifier: GPL-2.0-or-later
// EventRouter: hands each event to the shutdown pipeline, the notifiers and the event log.
#pragma once

#include <mutex>
#include <vector>

#include "src/event_log.hpp"
#include "src/shutdown_pipeline.hpp"
#include "ups/engine.hpp"

namespace hidupsd {

/// The fan-out after the monitor. The shutdown pipeline is started first and
/// never waits for anything after it: notifiers only enqueue, and the event
/// log's write (fsync'd for lowbatt/shutdown) comes last. An online event
/// after the pipeline started says that the shutdown goes on.
class EventRouter final : public EventSink {
public:
  EventRouter(EventLog& log, ShutdownPipeline& pipeline);
  /// Adds a notifier (issue: notifications). It must only enqueue. Before start.
  void addNotifier(EventSink& notifier);
  void onEvent(const core::Event& event) noexcept override;
  /// Starts the pipeline for a shutdown among `events` first, then routes
  /// each in order: the lowbatt before it must not delay it with its
  /// (fsync'd) log write.
  void onEvents(const std::vector<core::Event>& events) noexcept override;

private:
  void route(const core::Event& event) noexcept;

  EventLog& log_;
  ShutdownPipeline& pipeline_;
  std::vector<EventSink*> notifiers_;
};

} // namespace hidupsd
