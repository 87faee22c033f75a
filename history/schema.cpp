// SPDX-License-Identifier: GPL-2.0-or-later
// The database schema and its migrations.
#include "history/schema.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace hidupsd::history {

namespace {

// Times are Unix seconds (REAL where fractions matter), durations seconds of the monotonic
// clock. NULL = not known. Samples: one row per `step` seconds (10, 300, 3600; see
// downsampling.hpp), WITHOUT ROWID on (step, t) so that a row costs its values only.
constexpr std::string_view kVersion1 = R"(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
  id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
  status TEXT NOT NULL, charge REAL, runtime REAL, load REAL);
CREATE INDEX events_t ON events (t);
CREATE TABLE transfers (
  id INTEGER PRIMARY KEY, start REAL NOT NULL, end REAL, duration REAL NOT NULL,
  cause TEXT NOT NULL, blip INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
  ended_by TEXT NOT NULL DEFAULT '', start_charge REAL, end_charge REAL, min_charge REAL,
  min_runtime REAL, mean_load REAL, energy_wh REAL);
CREATE INDEX transfers_start ON transfers (start);
CREATE TABLE tests (
  id INTEGER PRIMARY KEY, start REAL NOT NULL, end REAL, duration REAL NOT NULL,
  kind TEXT NOT NULL, started_by TEXT NOT NULL, result TEXT NOT NULL DEFAULT '',
  start_charge REAL, end_charge REAL, mean_load REAL);
CREATE INDEX tests_start ON tests (start);
CREATE TABLE batteries (
  id INTEGER PRIMARY KEY, installed TEXT NOT NULL, source TEXT NOT NULL, recorded REAL NOT NULL,
  UNIQUE (installed, source));
CREATE TABLE samples (
  step INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, flags INTEGER NOT NULL,
  charge REAL, runtime REAL, load REAL, input_voltage REAL, output_voltage REAL,
  battery_voltage REAL, power REAL, realpower REAL, frequency REAL, temperature REAL,
  PRIMARY KEY (step, t)) WITHOUT ROWID;
)";

// Version 2: the load shedding's steps (ShedRow), with the runtime and load before and after.
constexpr std::string_view kVersion2 = R"(
CREATE TABLE sheds (
  id INTEGER PRIMARY KEY, t REAL NOT NULL, action TEXT NOT NULL, tier TEXT NOT NULL,
  why TEXT NOT NULL DEFAULT '', guests TEXT NOT NULL DEFAULT '', done INTEGER NOT NULL,
  total INTEGER NOT NULL, runtime_before REAL, runtime_after REAL, load_before REAL,
  load_after REAL, charge REAL, simulation INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sheds_t ON sheds (t);
)";

constexpr std::array<std::string_view, 2> kMigrations = {kVersion1, kVersion2};

} // namespace

std::span<const std::string_view> migrations() noexcept { return kMigrations; }

std::int64_t schemaVersion() noexcept { return static_cast<std::int64_t>(kMigrations.size()); }

void migrate(Database& db) {
  const std::int64_t found = db.scalar("PRAGMA user_version");
  if (found > schemaVersion())
    throw std::runtime_error(fmt::format(
        "{} has schema version {}, newer than this hidupsd's {}: left alone (was hidupsd "
        "downgraded?)",
        db.path().string(), found, schemaVersion()));
  for (auto version = found; version < schemaVersion(); ++version) {
    Transaction t(db);
    db.exec(kMigrations[static_cast<std::size_t>(version)]);
    db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
    t.commit();
  }
}

} // namespace hidupsd::history
