// SPDX-License-Identifier: GPL-2.0-or-later
// Engine: the monitor on the device thread, fed by the reader, feeding an EventSink.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "ups/device_reader.hpp"
#include "ups/monitor.hpp"

namespace hidupsd {

/// Where events go. Called on the device thread: implementations only hand
/// the event on (start a thread, enqueue) and return; they must not block.
class EventSink {
public:
  virtual ~EventSink() = default;
  virtual void onEvent(const core::Event& event) noexcept = 0;
  /// The events of one step, in order (lowbatt then shutdown, say). The
  /// default hands them to onEvent one by one; a sink may look ahead (the
  /// router starts the shutdown pipeline before it logs the lowbatt).
  virtual void onEvents(const std::vector<core::Event>& events) noexcept {
    for (const auto& e : events)
      onEvent(e);
  }
};

/// Runs the Monitor on the device thread: snapshots, comm changes and timer
/// deadlines in, events to the sink out. The reader wakes it exactly at the
/// monitor's deadlines (wakeAt), so tick-driven events keep exact times even
/// on an accelerated or manual clock.
///
/// Thread rules: the ReaderListener methods run on the device thread;
/// requestPolicy(), latest() and shutdownStarted() may be called from any thread.
class Engine final : public ReaderListener {
public:
  Engine(PolicyOptions options, core::Clock& clock, EventSink& sink);

  void onSnapshot(const core::Snapshot& snapshot) noexcept override;
  void onCommLost(std::string reason) noexcept override;
  void onCommRestored() noexcept override;
  void onIdle(core::Clock::time_point now) noexcept override;
  std::optional<core::Clock::time_point> wakeAt() const noexcept override;

  /// New policy (SIGHUP): applied on the device thread at its next step.
  void requestPolicy(PolicyOptions options);
  /// FSD from a NUT client: fsd and shutdown on the device thread at its next step.
  void requestForcedShutdown(core::Phrase reason);
  /// A battery test we start (Monitor::onTestRequested): startselftest and
  /// the hold on the device thread at its next step, before the UPS goes OB.
  void requestTest(std::string kind, std::string who);
  /// The test command failed (Monitor::onTestFailed).
  void requestTestFailed(std::string why);
  /// An event from outside the monitor (the history's battery warning), routed
  /// on the device thread at its next step, stamped then, with the latest snapshot.
  void requestEvent(core::EventKind kind, core::Phrase reason);
  /// A battery test runs (as of the last step).
  bool testRunning() const noexcept;
  /// True between onCommLost and onCommRestored.
  bool commLost() const noexcept;
  /// The last snapshot, stamped with its time (empty before the first).
  core::Snapshot latest() const;
  bool shutdownStarted() const noexcept;
  /// The instant of the last step of the device thread: the watchdog's pulse.
  core::Clock::time_point lastStep() const noexcept;

private:
  void emit(const std::vector<core::Event>& events) noexcept;
  void applyPendingPolicy() noexcept;
  void applyForcedShutdown(core::Clock::time_point now) noexcept;
  void applyRequests(core::Clock::time_point now) noexcept;
  using Request = std::function<Monitor::Events(Monitor&, core::Clock::time_point)>;
  void enqueue(Request request);

  core::Clock& clock_;
  EventSink& sink_;
  Monitor monitor_; // device thread only
  mutable std::mutex mutex_;
  core::Snapshot latest_;                // guarded
  std::optional<PolicyOptions> pending_; // guarded
  std::optional<core::Phrase> forced_;   // guarded: FSD reason
  bool commLost_ = false;                // guarded
  bool shutdown_ = false;                // guarded
  bool testRunning_ = false;             // guarded
  std::vector<Request> requests_;        // guarded
  core::Clock::time_point lastStep_{};   // guarded
};

} // namespace hidupsd
