// SPDX-License-Identifier: GPL-2.0-or-later
// Battery tests on a schedule: which test is due, and whether now is a good time. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace hidupsd {

/// What the scheduler looks at. Times are Unix seconds.
struct TestConditions {
  double now = 0;
  bool onMains = false; ///< ups.status says OL and not OB
  bool commOk = false;
  bool testRunning = false;
  bool shutdownStarted = false;
  std::optional<double> charge;              ///< battery.charge, %
  bool outageNow = false;                    ///< a transfer to battery is open
  std::optional<double> lastOutageEnd;       ///< end of the last outage
  std::optional<double> lastQuick, lastDeep; ///< starts of the last tests of each kind
  double notBefore = 0;                      ///< no slot before this (the history's start)
  std::vector<std::string> commands;         ///< the UPS's instant commands
};

/// The scheduler's answer: a test to start now, or why a due one waits.
struct TestDecision {
  std::optional<std::string> start; ///< "quick" or "deep"
  std::string kind;                 ///< the due test, when one is ("" when none)
  double slot = 0;                  ///< the slot it is due for
  std::string waiting;              ///< why it waits ("" when it starts or none is due)
};

/// The latest slot of `schedule` at or before `now` (local time; for "every
/// N days", N days after `lastRun`'s day, or nullopt when it never ran),
/// nullopt when off.
std::optional<double> lastSlot(const TestSchedule& schedule, double now,
                               std::optional<double> lastRun);

/// A test is due when its latest slot is after its last run (a deep test
/// counts as a quick one) and after notBefore; it starts only on mains,
/// with comms, no test or shutdown running, battery.charge ≥ min_charge,
/// no outage in progress or within after_outage, and the UPS offering the
/// command. The deep test goes first when both are due.
TestDecision decideTest(const BatteryTestConfig& config, const TestConditions& c);

} // namespace hidupsd
