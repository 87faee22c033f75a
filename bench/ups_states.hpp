// SPDX-License-Identifier: GPL-2.0-or-later
// UpsStates: the report bytes of a fixture's UPS on line, on battery and on low battery.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "bench/injectable_device.hpp"

namespace hidupsd::bench {

/// One field change: an HID path (the replay format's `set`) and its logical value.
using FieldValue = std::pair<std::string, int>;

/// The reports of the fixture `text` once `changes` are applied, computed with
/// the replay format's own `at T set PATH VALUE` (ReplayDevice on a manual
/// clock): the input reports a real UPS sends for the change, and every
/// feature report as it then reads. A path the descriptor does not carry is
/// left out (fixtures differ). Throws hid::ReplayError for a bad fixture.
StateReports reportsAfter(const std::string& text, const std::string& source,
                          const std::vector<FieldValue>& changes);

/// The three states the benchmark switches between.
struct UpsStates {
  StateReports online;     ///< ACPresent 1, Charging 1, Discharging 0, LB flags clear
  StateReports onBattery;  ///< ACPresent 0, Charging 0, Discharging 1 (and the MGE converters)
  StateReports lowBattery; ///< on battery + BelowRemainingCapacityLimit 1, ShutdownImminent 1
};

UpsStates upsStates(const std::string& text, const std::string& source);

} // namespace hidupsd::bench
