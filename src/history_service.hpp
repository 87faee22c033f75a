// SPDX-License-Identifier: GPL-2.0-or-later
// HistoryService: the history on the daemon's side: a tap on the reader and the router.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "history/recorder.hpp"
#include "history/writer.hpp"
#include "ups/device_reader.hpp"
#include "ups/engine.hpp"

namespace hidupsd {

/// The [history] of the running daemon. Sits between the device reader and
/// the engine (a ReaderListener that records each snapshot, then hands it on
/// unchanged) and among the router's notifiers (an EventSink). Recording is
/// a few comparisons and, at most every 10 s or at an event, a push onto
/// the writer's bounded queue: nothing here waits for the disk.
///
/// Thread rules: the listener methods on the device thread; onEvent() from
/// any thread (the router runs on the device thread, but the readiness
/// checker routes `notready` from its own): the recorder is behind a mutex
/// held for its few comparisons only; summary() from any thread; stop()
/// once, after the device thread ended.
class HistoryService final : public ReaderListener, public EventSink {
public:
  /// `next` gets every reader call; `warning` is called (on the writer's
  /// thread) when the battery is due. Both must outlive this.
  HistoryService(const Config& config, core::Clock& clock, ReaderListener& next,
                 history::ReplaceWarning warning);

  void onSnapshot(const core::Snapshot& snapshot) noexcept override;
  void onCommLost(std::string reason) noexcept override { next_.onCommLost(std::move(reason)); }
  void onCommRestored() noexcept override { next_.onCommRestored(); }
  void onIdle(core::Clock::time_point now) noexcept override { next_.onIdle(now); }
  std::optional<core::Clock::time_point> wakeAt() const noexcept override { return next_.wakeAt(); }
  void onEvent(const core::Event& event) noexcept override;
  /// A load-shedding step (any thread): straight onto the writer's queue.
  void onShed(history::ShedRow row) noexcept;

  /// Closes the open transfer and test, hands the last rows over and gives
  /// the writer `grace` to write them; never longer.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(2)) noexcept;
  history::Summary summary() const { return writer_.summary(); }
  /// Waits until what was recorded so far is written (tests).
  bool sync(std::chrono::milliseconds timeout) { return writer_.sync(timeout); }

private:
  double wallAt(core::Clock::time_point t) const noexcept;

  core::Clock& clock_;
  ReaderListener& next_;
  std::mutex mutex_;
  history::Recorder recorder_; // guarded by mutex_
  history::Writer writer_;
  bool stopped_ = false;
};

/// The writer's options for `config`'s [history].
history::WriterOptions writerOptions(const Config& config);
/// The health options for `config`'s [history].
history::HealthOptions healthOptions(const HistoryConfig& history);

} // namespace hidupsd
