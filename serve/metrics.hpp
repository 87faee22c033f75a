// SPDX-License-Identifier: GPL-2.0-or-later
// renderMetrics: the UPS state as a Prometheus text exposition (format 0.0.4).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/daemon_state.hpp"
#include "core/snapshot.hpp"

namespace hidupsd::serve {

/// How often one event happened, and when last (wall-clock time).
struct EventCount {
  std::uint64_t count = 0;
  std::chrono::system_clock::time_point last{}; ///< the epoch when never seen
};

/// The history's statistics as /metrics shows them (the daemon fills it from
/// history::Summary; serve/ does not know the history). Counters survive
/// restarts: they are counted in the history's database.
struct HistoryMetrics {
  bool loaded = false;       ///< read from the database: the counters are the persisted ones
  bool ok = false;           ///< the last write succeeded
  std::uint64_t outages = 0; ///< transfers to battery, blips included, tests not
  std::uint64_t blips = 0;
  double onBatterySeconds = 0; ///< in total, the outage in progress so far included
  std::uint64_t tests = 0;
  std::uint64_t testsFailed = 0;
  std::optional<double> lastOutageSeconds;
  std::optional<std::chrono::system_clock::time_point> lastOutageStart;
  std::optional<double> healthRatio; ///< 0..1
  bool replaceBattery = false;
  std::uint64_t dropped = 0;
  std::uint64_t writeErrors = 0;
  std::optional<std::chrono::system_clock::time_point> since;
};

/// One more UPS beside the first (several UPSes, [[device]]): its series carry its name.
struct MetricsUps {
  std::string name;        ///< its `ups` label
  core::Snapshot snapshot; ///< as MetricsData's
  bool everRead = false;
  bool commOk = false;
};

/// Everything one scrape shows. A value type filled by the daemon.
struct MetricsData {
  std::string upsName = "ups"; ///< the `ups` label of every series (NUT's UPS name)
  std::string version;         ///< hidupsd's version, for hidupsd_build_info
  core::Snapshot snapshot;     ///< the latest variables, incl. "ups.status"
  bool everRead = false;       ///< false: the UPS never answered yet
  bool commOk = false;         ///< false: comms lost, `snapshot` is stale
  bool shutdownStarted = false;
  /// The preflight's verdict (would the shutdown work now?); nullopt before the first check.
  std::optional<bool> shutdownReady;
  /// Keyed by event name ("onbatt" ...). Every name of core::kEventNames is
  /// rendered (zero when absent here); other names are rendered after them.
  std::map<std::string, EventCount, std::less<>> events;
  std::chrono::system_clock::time_point processStart{};
  /// Each [[notify]] sink's health, in order (names only, never URLs).
  std::vector<core::SinkHealth> sinks;
  std::optional<HistoryMetrics> history; ///< [history] on
  /// Several UPSes: the others, whose comm, info, status and variable series follow the first
  /// one's in each family (the daemon's own series stay the first UPS's).
  std::vector<MetricsUps> moreUps;
};

/// The text of GET /metrics for `data`. Pure and deterministic: the same
/// data gives the same bytes. Families come in a fixed order, series within
/// a family in a fixed order; every series has the label ups="<upsName>" (or an other UPS's
/// name, for its comm, info, status and variable series).
///
/// What is rendered:
///  - hidupsd_build_info, process_start_time_seconds, hidupsd_ups_comm_ok,
///    hidupsd_shutdown_started, hidupsd_events_total and
///    hidupsd_event_last_timestamp_seconds: always; hidupsd_shutdown_ready once
///    the preflight has run.
///  - hidupsd_notify_{delivered,failed}_total, hidupsd_notify_failures_in_row and
///    hidupsd_notify_last_{success,failure}_timestamp_seconds{sink="discord #1"}: one
///    series per sink, when there are sinks.
///  - hidupsd_ups_info{<variable>="<value>",…} 1: identity strings (ups.mfr,
///    ups.model, ups.serial, ups.firmware, device.* …; see kInfoVariables in
///    metrics.cpp), dots turned into underscores; also while comms are lost.
///  - Only when everRead && commOk (data that is not stale):
///    hidupsd_ups_status{flag} 0|1 over NUT's flag list (plus any other flag
///    the UPS reports), one gauge per known numeric variable in base units
///    (percentages as 0..1 ratios; see kVariableMetrics in metrics.cpp), and
///    hidupsd_ups_variable{variable="<NUT name>"} for other numeric variables,
///    in NUT's unit. Non-numeric variables outside the info set are not
///    rendered (free text such as ups.test.result would make series churn).
///  - With history: hidupsd_history_ok, hidupsd_history_dropped_total and
///    hidupsd_history_write_errors_total; once its statistics are loaded, the
///    apcupsd-style counters that survive restarts: hidupsd_outages_total,
///    hidupsd_outage_blips_total, hidupsd_on_battery_seconds_total,
///    hidupsd_battery_tests_total, hidupsd_battery_tests_failed_total,
///    hidupsd_last_outage_duration_seconds, hidupsd_last_outage_timestamp_seconds,
///    hidupsd_history_start_timestamp_seconds, hidupsd_battery_health_ratio,
///    hidupsd_battery_replace_recommended (each when known).
/// Label values are escaped (\\ \" \n) and invalid UTF-8 becomes U+FFFD.
/// Throws only std::bad_alloc.
std::string renderMetrics(const MetricsData& data);

/// `text` as a label value: backslash, double quote and line feed escaped,
/// invalid UTF-8 sequences replaced by U+FFFD. Exposed for tests.
std::string escapeLabelValue(std::string_view text);

/// `v` as an exposition sample value: shortest round-trip form, "NaN",
/// "+Inf", "-Inf". Exposed for tests.
std::string formatSampleValue(double v);

/// A strict decimal number ("229.0", "-1", "1e3"); nullopt for anything
/// else, including hex, "nan", "inf" and surrounding blanks.
std::optional<double> parseNutNumber(std::string_view text);

} // namespace hidupsd::serve
