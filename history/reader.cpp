// SPDX-License-Identifier: GPL-2.0-or-later
// Reader: bounded queries over a read-only connection.
#include "history/reader.hpp"

#include <algorithm>

#include "history/rows.hpp"

namespace hidupsd::history {

Reader::Reader(const std::filesystem::path& file, ReaderOptions options)
    : options_(options), db_(file, Database::Mode::ReadOnly) {
  db_.setBusyTimeout(options_.busyTimeoutMs);
  budget();
  schemaVersion(); // reads the header now: a file that is no database fails here, not later
}

std::size_t Reader::bound(std::size_t limit) const noexcept {
  return std::min(limit, options_.maxRows);
}

std::vector<TransferRow> Reader::outages(WallTime since, std::size_t limit, bool tests) {
  budget();
  return queryTransfers(db_, since, bound(limit), tests);
}

std::vector<TestRow> Reader::tests(WallTime since, std::size_t limit) {
  budget();
  return queryTests(db_, since, bound(limit));
}

std::vector<EventRow> Reader::events(WallTime since, std::size_t limit) {
  budget();
  return queryEvents(db_, since, bound(limit));
}

std::vector<ShedRow> Reader::sheds(WallTime since, std::size_t limit) {
  // A file the daemon has not migrated yet (written by an older hidupsd) has no sheds table.
  if (schemaVersion() < 2) return {};
  budget();
  return querySheds(db_, since, bound(limit));
}

std::vector<SampleRow> Reader::samples(WallTime from, WallTime to, std::int64_t resolution,
                                       std::size_t limit) {
  budget();
  return querySamples(db_, from, to, resolution, bound(limit));
}

Statistics Reader::statistics() {
  budget();
  auto st = queryStatistics(db_);
  Statement open = db_.prepare("SELECT start FROM transfers WHERE end IS NULL AND cause = "
                               "'outage' ORDER BY start DESC LIMIT 1");
  if (open.step()) st.onBatterySince = open.real(0);
  return st;
}

std::vector<BatteryRow> Reader::batteries() {
  budget();
  return queryBatteries(db_);
}

Health Reader::health(const HealthOptions& options, WallTime now) {
  budget();
  return assessHealth(queryHealthInputs(db_), options, now);
}

std::int64_t Reader::schemaVersion() {
  budget();
  return db_.scalar("PRAGMA user_version");
}

} // namespace hidupsd::history
