// SPDX-License-Identifier: GPL-2.0-or-later
// The dashboard's documents, pure: the shutdown plan as it would run now, the history, a chart.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "history/records.hpp"
#include "proxmox/inventory.hpp"
#include "serve/dashboard.hpp"
#include "serve/svg_chart.hpp"

namespace hidupsd {

/// What /api/v1/plan is made from.
struct PlanInputs {
  const Config* config = nullptr;                ///< [shutdown], [proxmox], [policy] simulation
  const proxmox::Inventory* inventory = nullptr; ///< the keeper's latest; nullptr: none yet
  std::optional<double> runtimeSeconds;          ///< battery.runtime now
  std::optional<double> inventoryAgeSeconds;     ///< since that discovery ended
};

/// What the shutdown would do if the battery ran low now: the guests that run (less the
/// excluded ones) by stop group in Proxmox order, each with its clean-shutdown timeout (its
/// `down=`, else guest_timeout, cut to the deadline), the guest phase's deadline from the
/// runtime now (proxmox::guestPhaseBudget), the host command and the UPS power cycle. The
/// same functions as the pipeline (stopSet, stopGroups, shutdownTimeout). Pure.
nlohmann::json planJson(const PlanInputs& inputs);

/// A history window: its length and the sample resolution the charts read it at.
struct RangeWindow {
  std::int64_t seconds = 0;
  std::int64_t resolution = 0; ///< s; a chart has at most ~720 points a series
};
RangeWindow rangeWindow(serve::HistoryRange range) noexcept;

/// /api/v1/history's document: the range, its outages and battery tests (newest first), the
/// statistics and the battery's health, as hidupsd --history --json writes them. Pure.
nlohmann::json historyJson(serve::HistoryRange range,
                           const std::vector<history::TransferRow>& outages,
                           const std::vector<history::TestRow>& tests,
                           const history::Statistics& statistics, const history::Health& health);
/// The same document when there is no history (no [history] file, or it cannot be read).
nlohmann::json noHistoryJson(serve::HistoryRange range, std::string_view why);

/// One chart of `metric` (serve::kChartMetrics) over the window ending at `now` (Unix s):
/// its series from `samples` (charge and load in % on 0..100, runtime in minutes, input and
/// output voltage), the outages as bands. Pure.
serve::ChartData chartData(std::string_view metric, serve::HistoryRange range,
                           const std::vector<history::SampleRow>& samples,
                           const std::vector<history::TransferRow>& outages, std::int64_t now);

} // namespace hidupsd
