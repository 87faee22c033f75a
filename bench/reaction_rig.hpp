// SPDX-License-Identifier: GPL-2.0-or-later
// ReactionRig: the daemon's DeviceReader, Engine and EventRouter on the real clock, with probes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/injectable_device.hpp"
#include "core/clock.hpp"
#include "src/event_log.hpp"
#include "src/event_router.hpp"
#include "src/shutdown_pipeline.hpp"
#include "ups/device_reader.hpp"
#include "ups/engine.hpp"
#include "ups/monitor.hpp"

namespace hidupsd::bench {

using Instant = std::chrono::steady_clock::time_point;

/// A notifier that stamps each event with steady_clock as it arrives (on the
/// device thread, as the daemon's Notifier::onEvent runs) and lets another
/// thread wait for it.
class ProbeSink final : public EventSink {
public:
  void onEvent(const core::Event& event) noexcept override;
  /// The instant of the `nth` (1-based) event of `kind`, waiting up to `timeout`.
  std::optional<Instant> waitFor(core::EventKind kind, std::size_t nth,
                                 std::chrono::milliseconds timeout);
  std::size_t count(core::EventKind kind);

private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::map<core::EventKind, std::vector<Instant>> times_; // guarded
};

/// A shutdown pipeline that only stamps the instant start() is called.
class ProbePipeline final : public ShutdownPipeline {
public:
  void start(const core::Event& event) noexcept override;
  bool started() const noexcept override;
  bool finished() const noexcept override { return started(); }
  void wait() noexcept override {}
  std::optional<Instant> waitStarted(std::chrono::milliseconds timeout);

private:
  mutable std::mutex mutex_;
  std::condition_variable started_;
  std::optional<Instant> at_; // guarded
};

/// The daemon's event path (daemon.cpp's wiring): InjectableDevice →
/// DeviceReader (own thread, run()) → Engine → EventRouter → {ProbePipeline
/// first, ProbeSink as the notifier, then the event log}.
class ReactionRig {
public:
  /// Starts the device thread. Throws hid::ReplayError for a bad fixture.
  ReactionRig(const hid::ReplayScript& script, ReaderOptions reader, PolicyOptions policy,
              EventLog& log);
  /// Stops and joins the device thread.
  ~ReactionRig();
  ReactionRig(const ReactionRig&) = delete;
  ReactionRig& operator=(const ReactionRig&) = delete;

  /// Waits until the engine has a snapshot saying `flag` (e.g. "OL"); false on timeout.
  bool waitStatus(const char* flag, std::chrono::milliseconds timeout);

  /// The engine's last ups.status, for messages.
  std::string status() const;

  InjectableDevice& device() { return *device_; }
  ProbeSink& sink() { return sink_; }
  ProbePipeline& pipeline() { return pipeline_; }

private:
  core::SteadyClock clock_;
  std::shared_ptr<InjectableDevice> device_;
  ProbeSink sink_;
  ProbePipeline pipeline_;
  EventRouter router_;
  Engine engine_;
  DeviceReader reader_;
  std::thread thread_;
};

} // namespace hidupsd::bench
