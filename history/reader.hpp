// SPDX-License-Identifier: GPL-2.0-or-later
// Reader: a read-only connection with bounded queries: the CLI's and the dashboard's view.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "history/health.hpp"
#include "history/records.hpp"
#include "history/sqlite.hpp"

namespace hidupsd::history {

struct ReaderOptions {
  int timeBudgetMs = 2000;     ///< each query is interrupted after this long
  int busyTimeoutMs = 1000;    ///< waiting for the writer's lock (WAL recovery only)
  std::size_t maxRows = 10000; ///< no query returns more, whatever it asks
};

/// The history, read while the daemon writes it (WAL: readers never wait for
/// the writer, nor the writer for them). Opens the file read-only; never
/// creates it. Every query is bounded in rows (min(limit, maxRows)) and in
/// time (timeBudgetMs, then SqliteError with Fault::Interrupted).
///
/// Thread rules: one Reader per thread (a connection is not shared); open one
/// per HTTP request or keep one per server thread. Throws SqliteError (Fault::
/// ReadOnly when the file does not exist or cannot be read, Fault::Corrupt).
class Reader {
public:
  explicit Reader(const std::filesystem::path& file, ReaderOptions options = {});

  /// Outages (blips included) newest first; with `tests`, test transfers too.
  std::vector<TransferRow> outages(WallTime since, std::size_t limit, bool tests = false);
  std::vector<TestRow> tests(WallTime since, std::size_t limit);
  std::vector<EventRow> events(WallTime since, std::size_t limit);
  /// The load shedding's steps, newest first.
  std::vector<ShedRow> sheds(WallTime since, std::size_t limit);
  /// Samples in [from, to) at `resolution` seconds (at least the stored one).
  std::vector<SampleRow> samples(WallTime from, WallTime to, std::int64_t resolution,
                                 std::size_t limit);
  Statistics statistics();
  std::vector<BatteryRow> batteries();
  Health health(const HealthOptions& options, WallTime now);
  /// The schema version of the file (PRAGMA user_version).
  std::int64_t schemaVersion();

private:
  std::size_t bound(std::size_t limit) const noexcept;
  void budget() noexcept { db_.startTimeBudget(options_.timeBudgetMs); }

  ReaderOptions options_;
  Database db_;
};

} // namespace hidupsd::history
