// SPDX-License-Identifier: GPL-2.0-or-later
// Store: the writing connection: open or create, migrate, write rows, downsample, recover.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "history/health.hpp"
#include "history/recorder.hpp"
#include "history/sqlite.hpp"

namespace hidupsd::history {

/// The database file as the writer thread uses it. Thread rules: one thread
/// (the writer's). Every method throws SqliteError (or std::runtime_error
/// for a database newer than this build) and leaves the Store closed or
/// consistent: a failed write() rolls its whole batch back.
class Store {
public:
  Store(std::filesystem::path file, int keepYears);

  /// Opens (creating the file and the schema), WAL mode. A file that is not
  /// a sound database (SQLITE_CORRUPT, SQLITE_NOTADB, quick_check) is moved
  /// aside as FILE.corrupt-YYYYmmddTHHMMSS (with its -wal and -shm) and a new
  /// one created; movedAside() then names it. Transfers and tests left open
  /// by a crash are closed ("daemon stop", ended at their last sample).
  void open(WallTime now);
  bool isOpen() const noexcept { return db_.has_value(); }
  void close() noexcept;
  /// Where the last open() moved a corrupt file ("" if it did not).
  const std::string& movedAside() const noexcept { return movedAside_; }

  /// Writes `items` in one transaction.
  void write(const Items& items);
  /// Merges samples older than each tier's age into the next tier, deletes
  /// the oldest tier's, the events and the load shedding's steps past keepYears (transfers and
  /// tests are kept: the statistics count them). One transaction.
  void compact(WallTime now);
  /// PRAGMA data_version: changes when another connection (hidupsd
  /// --battery-replaced) committed.
  std::int64_t dataVersion();
  Database& db() { return *db_; }

private:
  void openOnce(WallTime now);
  void moveAside(WallTime now);
  void closeLeftovers();
  void writeOne(const Item& item);

  std::filesystem::path file_;
  int keepYears_;
  std::optional<Database> db_;
  std::string movedAside_;
  std::int64_t openTransfer_ = 0; ///< row id of the transfer in progress, 0 = none
  std::int64_t openTest_ = 0;
};

/// FILE.corrupt-YYYYmmddTHHMMSS (UTC).
std::filesystem::path asideName(const std::filesystem::path& file, WallTime now);

} // namespace hidupsd::history
