// SPDX-License-Identifier: GPL-2.0-or-later
// Event: what the monitor decides happened, for notifications and the shutdown pipeline.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/phrase.hpp"
#include "core/snapshot.hpp"

namespace hidupsd::core {

/// Event kinds. Their names (eventName) are the words of upssched-cmd
/// scripts, so an old script can be an exec sink unchanged.
enum class EventKind : std::uint8_t {
  OnBattery,      ///< "onbatt": on battery for on_battery_delay
  Online,         ///< "online": mains back after an onbatt
  LowBattery,     ///< "lowbatt": the UPS says LB / shutdown imminent
  Shutdown,       ///< "shutdown": the shutdown pipeline starts (reason in Event::reason)
  CommBad,        ///< "commbad": no answer from the UPS for comms_lost_timeout
  CommOk,         ///< "commok": the UPS answers again
  NoComm,         ///< "nocomm": still no answer after nocomm_warn_time
  ReplaceBattery, ///< "replbatt": the UPS asks for a new battery
  Overload,       ///< "overload": output overloaded
  Fsd,            ///< "fsd": forced shutdown set (for NUT secondaries)
  NotReady,       ///< "notready": the preflight says the shutdown would fail (reason: why)
  TestStarted,    ///< "startselftest": a battery test runs (apcupsd's word); Event::test says which
  TestFinished,   ///< "endselftest": the battery test is over; Event::test has its result
  NotifyFail,     ///< "notifyfail": a notification sink failed N times in a row (the others say so)
};

inline constexpr std::array<std::string_view, 14> kEventNames = {
    "onbatt",   "online",   "lowbatt", "shutdown", "commbad",       "commok",      "nocomm",
    "replbatt", "overload", "fsd",     "notready", "startselftest", "endselftest", "notifyfail"};

constexpr std::string_view eventName(EventKind k) noexcept {
  return kEventNames[static_cast<std::size_t>(k)];
}

/// The kind named `name` ("onbatt" ...), or nullopt.
constexpr std::optional<EventKind> eventKind(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kEventNames.size(); ++i)
    if (kEventNames[i] == name) return static_cast<EventKind>(i);
  return std::nullopt;
}

/// Critical events must not be dropped by a full notification queue.
constexpr bool isCritical(EventKind k) noexcept {
  return k == EventKind::LowBattery || k == EventKind::Shutdown || k == EventKind::Fsd;
}

/// A battery test, as the test events carry it.
struct TestInfo {
  std::string kind;      ///< "quick", "deep", "unknown" (seen in the UPS's status)
  std::string startedBy; ///< "schedule", "command", "ups"
  std::string result;    ///< endselftest: ups.test.result's words, or why there is none
  bool failed = false;   ///< endselftest: the result is an error or a warning
};

/// One event with the UPS state it happened in. Value type.
struct Event {
  EventKind kind = EventKind::OnBattery;
  Clock::time_point time{};
  /// Why, in words said in each reader's language (notify/messages_*.cpp):
  /// Phrase("reason.charge_below").with("charge", "18").with("limit", "20").
  Phrase reason;
  Snapshot snapshot; ///< the last known state (may be stale for comm events)
  /// Set on an `online` that comes after the shutdown started (which goes on to the end):
  /// true when the UPS will then power-cycle the host (it starts again by itself), false
  /// when the host stays off.
  std::optional<bool> powerCycle;
  std::optional<TestInfo> test; ///< set on startselftest and endselftest
};

} // namespace hidupsd::core
