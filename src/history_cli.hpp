// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --history, --battery-replaced and --status's history lines, from the command line.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace hidupsd {

struct Config;

struct HistoryOptions {
  std::filesystem::path configPath;
  std::optional<std::string> since; ///< --since DURATION; none = everything
  bool json = false;
};

/// `hidupsd --history [--since D] [--json]`: the outages (start, duration,
/// how each ended, lowest charge and runtime, reason), the battery tests, the
/// statistics and the battery health, read through a read-only connection
/// (works while the daemon runs). Exit 0, or 1 with a message.
int runHistory(const HistoryOptions& options);

struct BatteryReplacedOptions {
  std::filesystem::path configPath;
  std::optional<std::string> date; ///< --date YYYY-MM-DD; none = today
};

/// `hidupsd --battery-replaced [--date YYYY-MM-DD]`: records a new battery
/// (its age counts from then, the runtime baseline starts again). The running
/// daemon sees it within a minute.
int runBatteryReplaced(const BatteryReplacedOptions& options);

/// What `hidupsd --status` shows of the history (statistics and battery health, a
/// few lines read through a read-only connection), or why it cannot; never throws.
void printHistoryStatus(const Config& config, std::ostream& out);

/// "90d", "12h", "30m", "45s", "2w", "3600" (seconds) → seconds. Throws
/// std::invalid_argument naming the text.
double parseDuration(std::string_view text);

} // namespace hidupsd
