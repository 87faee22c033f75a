// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's state as `hidupsd --status` prints it: a few lines a person reads at a glance.
#pragma once

#include <optional>
#include <string>

#include "core/daemon_state.hpp"

namespace hidupsd {

/// `state` as text (English; times in this host's local time, durations as "2 min 48 s").
/// `now`: the time "for 3 min" is counted to. Pure but for the time zone.
std::string statusText(const core::DaemonState& state, core::WallTime now);

/// The "History: …" lines of statusText (nullopt: the history is off). Also what --status
/// prints from the database when no daemon answers.
std::string historyLines(const std::optional<core::HistoryView>& history);

} // namespace hidupsd
