// SPDX-License-Identifier: GPL-2.0-or-later
// DaemonState: what the running daemon is doing, as one value (--status, the JSON API).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hidupsd::core {

using WallTime = std::chrono::system_clock::time_point;

/// One notification sink's health: what --status, /metrics and the event
/// log say about it.
struct SinkHealth {
  std::string name;                    ///< "discord #1" (never the URL)
  std::uint64_t delivered = 0;         ///< notifications it took
  std::uint64_t failed = 0;            ///< notifications given up on
  std::optional<WallTime> lastSuccess; ///< of its last delivery
  std::optional<WallTime> lastFailure; ///< of its last failed attempt
  std::string lastError;               ///< that attempt's detail ("HTTP 404"), no secrets
  int failuresInRow = 0;               ///< failed attempts since the last delivery
  bool operator==(const SinkHealth&) const = default;
};

/// The shutdown pipeline, as far as it got.
struct PipelineState {
  enum class Phase : std::uint8_t { Idle, Running, Finished };
  Phase phase = Phase::Idle;
  std::optional<WallTime> startedAt;
  std::optional<WallTime> finishedAt;
  std::string reason; ///< why it started (English)
  std::string step;   ///< its last line ("2/4 VM 101 (web) stopped after 3.1 s")
  std::size_t guestsDone = 0;
  std::size_t guestsTotal = 0;
  std::optional<std::int64_t> deadlineSeconds; ///< the guest phase's deadline
  bool operator==(const PipelineState&) const = default;
};

/// Would the configured shutdown work now (the preflight, re-checked)?
struct ReadinessState {
  bool ready = false;
  std::optional<WallTime> checkedAt;
  std::vector<std::string> errors;   ///< why it would fail
  std::vector<std::string> warnings; ///< worth knowing; it would still work
  bool operator==(const ReadinessState&) const = default;
};

/// One event as it was routed.
struct EventRecord {
  std::string event; ///< "onbatt"
  WallTime time{};
  std::string reason;    ///< English
  std::string reasonKey; ///< the catalogue key ("reason.low_battery")
  bool operator==(const EventRecord&) const = default;
};

/// The UPS as the daemon sees it.
struct UpsView {
  std::string name = "ups"; ///< NUT's name for it ([serve.nut] name)
  bool everRead = false;    ///< it answered at least once
  bool commOk = false;      ///< it answers now (else: variables are the last known)
  std::map<std::string, std::string> variables; ///< NUT names → values, incl. ups.status
  std::optional<WallTime> onBatterySince;       ///< the current outage's first OB
  bool operator==(const UpsView&) const = default;
};

/// The history's summary ([history] on): what the daemon keeps of it in memory, without
/// reading the database (the statistics apcupsd shows, the battery's health, the last test).
struct HistoryView {
  bool writable = false;                   ///< the last write succeeded
  std::string problem;                     ///< why the database is not written, "" when fine
  std::int64_t transfers = 0;              ///< outages since `since`, blips included
  std::int64_t blips = 0;                  ///< of which over before on_battery_delay
  double onBatterySeconds = 0;             ///< time on battery in all of them
  std::optional<WallTime> since;           ///< the history's first day
  std::optional<WallTime> lastOutage;      ///< start of the last outage
  std::optional<double> lastOutageSeconds; ///< its duration
  std::string lastOutageReason;            ///< its cause ("input voltage low", "…")
  std::optional<int> healthScore;          ///< battery health 0..100, unset until known
  bool replaceBattery = false;             ///< the health or the battery's age says so
  std::optional<WallTime> lastTest;        ///< start of the last battery test
  std::string lastTestResult;              ///< its result words
  bool operator==(const HistoryView&) const = default;
};

/// The daemon's state at one instant: one model for `hidupsd --status`
/// (the control socket), and for the dashboard's /api/v1/status. Value
/// type; serve/state_json.hpp is its one JSON form.
struct DaemonState {
  /// Where it was read: "daemon" (the control socket), "nut" (a NUT server:
  /// only `ups`), "ups" (the UPS itself: only `ups`).
  std::string source = "daemon";
  std::string version;               ///< hidupsd's
  std::string host;                  ///< this host's name
  std::optional<WallTime> startedAt; ///< of the daemon
  bool simulation = true;            ///< [policy] simulation
  UpsView ups;
  /// Several UPSes ([[device]]): the second and later ones, in file order (empty with one).
  std::vector<UpsView> moreUps;
  /// Several UPSes: the host's supplies in English ("2 of 2 power supplies still fed
  /// (min_supplies = 1): ..."); "" with one.
  std::string supplies;
  PipelineState pipeline;
  std::optional<ReadinessState> readiness; ///< unset until the first check
  std::vector<EventRecord> lastEvents;     ///< oldest first, at most kLastEvents
  std::vector<SinkHealth> notifications;   ///< one per [[notify]] entry, in order
  std::uint64_t notificationsDropped = 0;  ///< lost to a full queue or at stop
  std::optional<HistoryView> history;      ///< [history] on
  bool operator==(const DaemonState&) const = default;
};

/// How many events DaemonState::lastEvents keeps.
inline constexpr std::size_t kLastEvents = 20;

} // namespace hidupsd::core
