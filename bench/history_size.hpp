// SPDX-License-Identifier: GPL-2.0-or-later
// History size: the SQLite file after a simulated year (or more) of samples, downsampled as the
// daemon does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace hidupsd::bench {

struct HistorySizePoint {
  int day = 0;                  ///< days simulated
  std::uintmax_t fileBytes = 0; ///< the database file, after a checkpoint (WAL folded in)
  std::int64_t sampleRows = 0;  ///< rows in the samples table
  std::int64_t rows10s = 0, rows5min = 0, rows1h = 0;
};

struct HistorySizeRun {
  int keepYears = 5;
  std::int64_t maxSampleRows = 0;       ///< history::maxSampleRows(keepYears): the stated bound
  std::int64_t maxSampleRowsSeen = 0;   ///< the most rows seen after any compaction
  std::uintmax_t maxFileBytes = 0;      ///< the largest file seen at a checkpoint
  std::vector<HistorySizePoint> points; ///< every 30 days and the last day
  double seconds = 0;                   ///< the wall time the simulation took
};

/// Writes `days` of 10-s samples (5 readings each, every column set, as a
/// 2-s poll gives) through history::Store in hourly transactions, compacts
/// every simulated hour as the writer does (compactInterval), and adds an
/// outage a week (two events and a transfer) and a battery test a month.
/// The file is `file` (created; an existing one is removed first).
HistorySizeRun measureHistorySize(const std::filesystem::path& file, int days, int keepYears);

} // namespace hidupsd::bench
