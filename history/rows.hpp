// SPDX-License-Identifier: GPL-2.0-or-later
// Queries both connections use: rows as records, the statistics, what health is judged on.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history/health.hpp"
#include "history/records.hpp"
#include "history/sqlite.hpp"

namespace hidupsd::history {

/// Closed outages (cause "outage"), blips included, newest first, started at
/// or after `since`; at most `limit`. With `tests`, test transfers too.
std::vector<TransferRow> queryTransfers(Database& db, WallTime since, std::size_t limit,
                                        bool tests = false);
std::vector<TestRow> queryTests(Database& db, WallTime since, std::size_t limit);
std::vector<EventRow> queryEvents(Database& db, WallTime since, std::size_t limit);
std::vector<BatteryRow> queryBatteries(Database& db);
/// The load shedding's steps at or after `since`, newest first; at most `limit`.
std::vector<ShedRow> querySheds(Database& db, WallTime since, std::size_t limit);
/// Samples in [from, to) averaged to `resolution` seconds (rows coarser than
/// that stay as they are), oldest first, at most `limit`.
std::vector<SampleRow> querySamples(Database& db, WallTime from, WallTime to,
                                    std::int64_t resolution, std::size_t limit);
/// The statistics over every closed transfer and test.
Statistics queryStatistics(Database& db);
/// The discharges, battery dates and last tests health is judged on.
HealthInputs queryHealthInputs(Database& db);

/// The OR of the flags of a group of sample rows, as an SQL expression.
std::string flagsAggregate();

/// "failed" test results: a warning or an error (NUT's ups.test.result words).
bool testFailed(std::string_view result) noexcept;

} // namespace hidupsd::history
