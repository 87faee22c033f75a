// SPDX-License-Identifier: GPL-2.0-or-later
// Reaction time: from a report injected at a recorded instant to the event sink and the pipeline.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <vector>

#include "bench/ups_states.hpp"
#include "hid/replay_file.hpp"

namespace hidupsd::bench {

struct ReactionOptions {
  hid::ReplayScript script; ///< the fixture
  UpsStates states;         ///< its reports on line / on battery / low battery
  std::size_t iterations = 1000;
  /// Polling only: the change is visible in the feature reports alone (no
  /// input report), so only the next poll sees it. The way back (not
  /// measured) is always sent as an input report, to keep iterations short.
  bool polling = false;
  std::chrono::milliseconds pollInterval{2000}; ///< [device] poll_interval
  std::filesystem::path eventLog;               ///< [log] file ("" = none)
  unsigned seed = 1;                            ///< for the random gaps between iterations
};

/// Milliseconds from the on-battery report to onbatt at the notifier, one
/// per iteration ([policy] on_battery_delay = 0, online_delay = 0). One rig
/// for all iterations: on battery, measured; back on line; a random gap
/// (1–5 ms with input reports, 0–poll_interval when polling, so that the
/// change falls anywhere between two polls). Throws std::runtime_error when
/// an event does not come.
std::vector<double> measureOnBattery(const ReactionOptions& options);

struct LowBatteryTimes {
  std::vector<double> lowbatt;  ///< ms from the low-battery report to lowbatt at the notifier
  std::vector<double> pipeline; ///< ms from the same report to ShutdownPipeline::start()
};

/// A fresh rig per iteration (a shutdown happens once per daemon): on
/// battery first (input report, not measured), then a random gap as above,
/// then low battery (input report, or feature reports only when polling).
LowBatteryTimes measureLowBattery(const ReactionOptions& options);

} // namespace hidupsd::bench
