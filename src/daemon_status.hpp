// SPDX-License-Identifier: GPL-2.0-or-later
// The running daemon's state for the control socket: the last events, and one DaemonState built
// from the parts that know it.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/daemon_state.hpp"
#include "history/records.hpp"
#include "serve/ups_backend.hpp"
#include "src/readiness.hpp"
#include "src/shutdown_pipeline.hpp"
#include "ups/engine.hpp"

namespace hidupsd {

/// The last core::kLastEvents events as the router hands them on, and when the current
/// outage began (an onbatt's time less on_battery_delay; cleared by online). Any thread.
class EventHistory final : public EventSink {
public:
  explicit EventHistory(std::chrono::seconds onBatteryDelay) : onBatteryDelay_(onBatteryDelay) {}
  void onEvent(const core::Event& event) noexcept override;
  std::vector<core::EventRecord> events() const;
  std::optional<core::WallTime> onBatterySince() const;

private:
  std::chrono::seconds onBatteryDelay_;
  mutable std::mutex mutex_;
  std::deque<core::EventRecord> events_;         // guarded, oldest first
  std::optional<core::WallTime> onBatterySince_; // guarded
};

/// What DaemonState is built from; every reference outlives the builder. The functions are
/// called on the control socket's thread and must only copy (no I/O, no wait).
struct StatusParts {
  std::string upsName = "ups";
  bool simulation = true;
  core::WallTime startedAt{};
  const serve::UpsBackend* backend = nullptr;
  /// Several UPSes: the second and later ones by name, and the host's supplies in English.
  std::vector<std::pair<std::string, const serve::UpsBackend*>> moreUps;
  std::function<std::string()> supplies;
  const ShutdownPipeline* pipeline = nullptr;
  const Readiness* readiness = nullptr;
  const EventHistory* history = nullptr;
  std::function<std::vector<core::SinkHealth>()> sinks;
  std::function<std::uint64_t()> dropped;
  /// [history] on: its summary (HistoryService::summary, a copy under a lock).
  std::function<std::optional<core::HistoryView>()> historyView;
};

/// The daemon's state now, from `parts` (source "daemon"). Throws std::bad_alloc only.
core::DaemonState daemonState(const StatusParts& parts);

/// The history part of DaemonState from the history's in-memory summary.
core::HistoryView historyView(const history::Summary& summary);

/// The readiness part of DaemonState from a preflight report.
core::ReadinessState readinessState(const PreflightReport& report,
                                    std::optional<core::WallTime> checkedAt);

} // namespace hidupsd
