// SPDX-License-Identifier: GPL-2.0-or-later
// Store: the writing connection.
#include "history/store.hpp"

#include <ctime>
#include <functional>
#include <system_error>

#include <fmt/format.h>

#include "history/downsampling.hpp"
#include "history/rows.hpp"
#include "history/schema.hpp"

namespace hidupsd::history {

namespace {

constexpr int kBusyMs = 1000;

/// Visits each item kind (std::visit with lambdas).
template <class... F> struct Overload : F... { using F::operator()...; };
template <class... F> Overload(F...) -> Overload<F...>;

void bindTransfer(Statement& s, const TransferRow& r) {
  s.bind(1, r.start).bind(2, r.end).bind(3, r.duration).bind(4, nameOf(r.cause));
  s.bind(5, std::int64_t{r.blip}).bind(6, r.reason).bind(7, r.endedBy);
  s.bind(8, r.startCharge).bind(9, r.endCharge).bind(10, r.minCharge).bind(11, r.minRuntime);
  s.bind(12, r.meanLoad).bind(13, r.energyWh);
}

void bindTest(Statement& s, const TestRow& r) {
  s.bind(1, r.start).bind(2, r.end).bind(3, r.duration).bind(4, r.kind).bind(5, r.startedBy);
  s.bind(6, r.result).bind(7, r.startCharge).bind(8, r.endCharge).bind(9, r.meanLoad);
}

/// INSERT, or UPDATE of row `id` when it is not 0; returns the row's id.
std::int64_t upsert(Database& db, std::string_view table, std::string_view columns, std::int64_t id,
                    const std::function<void(Statement&)>& bind) {
  std::string marks, sets;
  int i = 0;
  for (std::string_view rest = columns; !rest.empty(); ++i) {
    const auto comma = rest.find(", ");
    const auto name = rest.substr(0, comma);
    marks += fmt::format("{}?{}", i == 0 ? "" : ", ", i + 1);
    sets += fmt::format("{}{} = ?{}", i == 0 ? "" : ", ", name, i + 1);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 2);
  }
  Statement s =
      db.prepare(id != 0 ? fmt::format("UPDATE {} SET {} WHERE id = {}", table, sets, id)
                         : fmt::format("INSERT INTO {} ({}) VALUES ({})", table, columns, marks));
  bind(s);
  s.run();
  return id != 0 ? id : db.lastInsertId();
}

constexpr std::string_view kTransferColumns =
    "start, end, duration, cause, blip, reason, ended_by, start_charge, end_charge, min_charge, "
    "min_runtime, mean_load, energy_wh";
constexpr std::string_view kTestColumns =
    "start, end, duration, kind, started_by, result, start_charge, end_charge, mean_load";

} // namespace

std::filesystem::path asideName(const std::filesystem::path& file, WallTime now) {
  const auto t = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
  return file.string() + ".corrupt-" + stamp;
}

Store::Store(std::filesystem::path file, int keepYears)
    : file_(std::move(file)), keepYears_(keepYears) {}

void Store::open(WallTime now) {
  movedAside_.clear();
  try {
    openOnce(now);
  } catch (const SqliteError& e) {
    if (e.fault() != Fault::Corrupt) throw;
    moveAside(now);
    openOnce(now);
  }
}

void Store::openOnce(WallTime now) {
  close();
  db_.emplace(file_, Database::Mode::ReadWriteCreate);
  try {
    Database& db = *db_;
    db.setBusyTimeout(kBusyMs);
    db.persistWal();
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
            "PRAGMA journal_size_limit = 1048576");
    Statement check = db.prepare("PRAGMA quick_check");
    if (check.step() && check.text(0) != "ok")
      throw SqliteError(11 /* SQLITE_CORRUPT */, "quick_check: " + check.text(0));
    migrate(db);
    Statement created =
        db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('created', ?1)");
    created.bind(1, fmt::format("{:.0f}", now)).run();
    closeLeftovers();
  } catch (...) {
    close();
    throw;
  }
}

void Store::moveAside(WallTime now) {
  close();
  const auto aside = asideName(file_, now);
  std::error_code ec;
  std::filesystem::rename(file_, aside, ec);
  if (ec)
    throw SqliteError(11, fmt::format("{} is corrupt and cannot be moved aside: {}", file_.string(),
                                      ec.message()));
  for (const char* suffix : {"-wal", "-shm"}) {
    std::filesystem::path side = file_.string() + suffix;
    std::filesystem::rename(side, aside.string() + suffix, ec); // absent: nothing to move
  }
  movedAside_ = aside.string();
}

void Store::close() noexcept {
  db_.reset();
  openTransfer_ = 0;
  openTest_ = 0;
}

void Store::closeLeftovers() {
  // A crash (or a power cut the shutdown did not see through) left them open: they ended at
  // their last sample on battery, as far as anyone knows.
  Database& db = *db_;
  Transaction t(db);
  db.exec("UPDATE transfers SET end = max(start, coalesce((SELECT max(t + step) FROM samples "
          "WHERE t >= transfers.start AND (flags & 2) != 0), start)), ended_by = 'daemon stop' "
          "WHERE end IS NULL");
  db.exec("UPDATE transfers SET duration = end - start WHERE ended_by = 'daemon stop' AND "
          "duration = 0");
  db.exec("UPDATE tests SET end = start, result = 'no result (the daemon stopped)' "
          "WHERE end IS NULL");
  t.commit();
}

void Store::write(const Items& items) {
  Database& db = *db_;
  Transaction t(db);
  const auto transfer = openTransfer_;
  const auto test = openTest_;
  try {
    for (const auto& item : items)
      writeOne(item);
    t.commit();
  } catch (...) {
    openTransfer_ = transfer; // the rows these ids named were rolled back too
    openTest_ = test;
    throw;
  }
}

void Store::writeOne(const Item& item) {
  Database& db = *db_;
  std::visit(
      Overload{
          [&](const SampleRow& r) {
            std::string marks;
            for (std::size_t i = 0; i < kFieldCount; ++i)
              marks += fmt::format(", ?{}", i + 5);
            Statement s = db.prepare(
                fmt::format("INSERT OR REPLACE INTO samples VALUES (?1, ?2, ?3, ?4{})", marks));
            s.bind(1, r.step).bind(2, r.time).bind(3, r.count).bind(4, std::int64_t{r.flags});
            for (std::size_t i = 0; i < kFieldCount; ++i)
              s.bind(static_cast<int>(i + 5), r.values[i]);
            s.run();
          },
          [&](const EventRow& r) {
            Statement s = db.prepare("INSERT INTO events (t, kind, reason, status, charge, "
                                     "runtime, load) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
            s.bind(1, r.time).bind(2, r.kind).bind(3, r.reason).bind(4, r.status);
            s.bind(5, r.charge).bind(6, r.runtime).bind(7, r.load);
            s.run();
          },
          [&](const ShedRow& r) {
            Statement s = db.prepare(
                "INSERT INTO sheds (t, action, tier, why, guests, done, total, runtime_before, "
                "runtime_after, load_before, load_after, charge, simulation) VALUES (?1, ?2, ?3, "
                "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
            s.bind(1, r.time).bind(2, r.action).bind(3, r.tier).bind(4, r.why).bind(5, r.guests);
            s.bind(6, r.done).bind(7, r.total).bind(8, r.runtimeBefore).bind(9, r.runtimeAfter);
            s.bind(10, r.loadBefore).bind(11, r.loadAfter).bind(12, r.charge);
            s.bind(13, std::int64_t{r.simulation ? 1 : 0});
            s.run();
          },
          [&](const TransferOpened& o) {
            openTransfer_ = upsert(db, "transfers", kTransferColumns, 0,
                                   [&](Statement& s) { bindTransfer(s, o.row); });
          },
          [&](const TransferClosed& c) {
            upsert(db, "transfers", kTransferColumns, openTransfer_,
                   [&](Statement& s) { bindTransfer(s, c.row); });
            openTransfer_ = 0;
          },
          [&](const TestOpened& o) {
            openTest_ =
                upsert(db, "tests", kTestColumns, 0, [&](Statement& s) { bindTest(s, o.row); });
          },
          [&](const TestClosed& c) {
            upsert(db, "tests", kTestColumns, openTest_, [&](Statement& s) { bindTest(s, c.row); });
            openTest_ = 0;
          },
          [&](const BatterySeen& b) {
            Statement s = db.prepare("INSERT OR IGNORE INTO batteries (installed, source, "
                                     "recorded) VALUES (?1, ?2, ?3)");
            s.bind(1, b.row.date).bind(2, b.row.source).bind(3, b.row.recorded).run();
          },
      },
      item);
}

void Store::compact(WallTime now) {
  Database& db = *db_;
  const auto all = tiers(keepYears_);
  std::string columns, means;
  for (const auto name : kFieldNames) {
    columns += fmt::format(", {}", name);
    means += fmt::format(", sum({0} * n) / sum(CASE WHEN {0} IS NULL THEN NULL ELSE n END)", name);
  }
  Transaction t(db);
  for (std::size_t i = 0; i + 1 < all.size(); ++i) {
    const auto next = all[i + 1].step;
    // Whole buckets of the next tier only: the cutoff is on its grid.
    const auto cutoff = (static_cast<std::int64_t>(now) - all[i].keep) / next * next;
    db.exec(fmt::format(
        "INSERT OR REPLACE INTO samples (step, t, n, flags{0}) SELECT {1}, t / {1} * {1}, "
        "sum(n), {2}{3} FROM samples WHERE step = {4} AND t < {5} GROUP BY t / {1}; "
        "DELETE FROM samples WHERE step = {4} AND t < {5}",
        columns, next, flagsAggregate(), means, all[i].step, cutoff));
  }
  const auto oldest = static_cast<std::int64_t>(now) - all.back().keep;
  db.exec(fmt::format("DELETE FROM samples WHERE step = {0} AND t < {1}; DELETE FROM events WHERE "
                      "t < {1}; DELETE FROM sheds WHERE t < {1}",
                      all.back().step, oldest));
  t.commit();
}

std::int64_t Store::dataVersion() { return db_->scalar("PRAGMA data_version"); }

} // namespace hidupsd::history
