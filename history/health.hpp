// SPDX-License-Identifier: GPL-2.0-or-later
// Battery health: a 0..100 figure with its reasons, from discharges, the battery's age, tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "history/records.hpp"

namespace hidupsd::history {

/// One discharge long enough to measure the battery by: an outage, or a
/// deep test (a quick test is too short).
struct Discharge {
  WallTime time = 0;
  double seconds = 0;    ///< on battery
  double chargeDrop = 0; ///< percentage points of battery.charge used
  double meanLoad = 0;   ///< ups.load, %
  std::string source;    ///< "outage", "deep test"
};

struct HealthInputs {
  std::vector<Discharge> discharges; ///< oldest first
  std::vector<BatteryRow> batteries; ///< every date seen or given
  std::optional<TestRow> lastTest;   ///< the last finished test
};

struct HealthOptions {
  int warnBelow = 50;        ///< health below this: replbatt-class warning
  double lifeYears = 4;      ///< age at which the battery is due (VRLA: 3–5 years)
  double peukert = 1.2;      ///< runtime ∝ load^-k, to compare discharges at other loads
  double referenceLoad = 50; ///< %: runtimes are normalised to this load
};

/// The method (README "Battery health"):
/// - Runtime: each discharge of at least 60 s, 5 % of charge and 5 % of load
///   gives the full-charge runtime at its load (seconds × 100 / charge used),
///   normalised to the reference load with Peukert's exponent. The baseline
///   is the best of the first three since the battery was installed; the
///   current value the median of the last three. Ratio → 0..100.
/// - Age: from the newest date given by `--battery-replaced`, else
///   battery.date, else battery.mfr.date: 100 up to ¾ of lifeYears, 50 at
///   lifeYears, 0 at 1½ × lifeYears.
/// - Tests: the last result "Done and error" caps the figure at 20, "Done
///   and warning" at 50.
/// The figure is the lowest of those known; `replace` when it is below
/// warnBelow or the age passed lifeYears. Pure.
Health assessHealth(const HealthInputs& inputs, const HealthOptions& options, WallTime now);

/// "2024-03-01", "2024/03/01", "03/01/2024", "03/01/24" (NUT, APC) → Unix
/// seconds at 00:00 UTC, or nullopt.
std::optional<WallTime> parseBatteryDate(const std::string& text);

} // namespace hidupsd::history
