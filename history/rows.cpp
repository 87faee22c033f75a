// SPDX-License-Identifier: GPL-2.0-or-later
// Queries both connections use.
#include "history/rows.hpp"

#include <fmt/format.h>

namespace hidupsd::history {

namespace {

constexpr std::string_view kTransferColumns =
    "id, start, end, duration, cause, blip, reason, ended_by, start_charge, end_charge, "
    "min_charge, min_runtime, mean_load, energy_wh";
constexpr std::string_view kTestColumns =
    "id, start, end, duration, kind, started_by, result, start_charge, end_charge, mean_load";

double real(const Statement& s, int column) { return s.optReal(column).value_or(kNone); }

TransferRow transferOf(const Statement& s) {
  TransferRow r;
  r.id = s.integer(0);
  r.start = s.real(1);
  r.end = s.optReal(2);
  r.duration = s.real(3);
  r.cause = s.text(4) == "test" ? Cause::Test : Cause::Outage;
  r.blip = s.integer(5) != 0;
  r.reason = s.text(6);
  r.endedBy = s.text(7);
  r.startCharge = real(s, 8);
  r.endCharge = real(s, 9);
  r.minCharge = real(s, 10);
  r.minRuntime = real(s, 11);
  r.meanLoad = real(s, 12);
  r.energyWh = real(s, 13);
  return r;
}

TestRow testOf(const Statement& s) {
  TestRow r;
  r.id = s.integer(0);
  r.start = s.real(1);
  r.end = s.optReal(2);
  r.duration = s.real(3);
  r.kind = s.text(4);
  r.startedBy = s.text(5);
  r.result = s.text(6);
  r.startCharge = real(s, 7);
  r.endCharge = real(s, 8);
  r.meanLoad = real(s, 9);
  return r;
}

std::optional<WallTime> lastStart(Database& db, std::string_view kind) {
  Statement s = db.prepare("SELECT max(start) FROM tests WHERE kind = ?1");
  s.bind(1, kind);
  return s.step() ? s.optReal(0) : std::nullopt;
}

} // namespace

bool testFailed(std::string_view result) noexcept {
  return result == "Done and warning" || result == "Done and error";
}

std::vector<TransferRow> queryTransfers(Database& db, WallTime since, std::size_t limit,
                                        bool tests) {
  Statement s =
      db.prepare(fmt::format("SELECT {} FROM transfers WHERE end IS NOT NULL AND start >= ?1{} "
                             "ORDER BY start DESC LIMIT ?2",
                             kTransferColumns, tests ? "" : " AND cause = 'outage'"));
  s.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
  std::vector<TransferRow> out;
  while (s.step())
    out.push_back(transferOf(s));
  return out;
}

std::vector<TestRow> queryTests(Database& db, WallTime since, std::size_t limit) {
  Statement s = db.prepare(fmt::format(
      "SELECT {} FROM tests WHERE start >= ?1 ORDER BY start DESC LIMIT ?2", kTestColumns));
  s.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
  std::vector<TestRow> out;
  while (s.step())
    out.push_back(testOf(s));
  return out;
}

std::vector<EventRow> queryEvents(Database& db, WallTime since, std::size_t limit) {
  Statement s = db.prepare("SELECT t, kind, reason, status, charge, runtime, load FROM events "
                           "WHERE t >= ?1 ORDER BY t DESC LIMIT ?2");
  s.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
  std::vector<EventRow> out;
  while (s.step())
    out.push_back(
        EventRow{s.real(0), s.text(1), s.text(2), s.text(3), real(s, 4), real(s, 5), real(s, 6)});
  return out;
}

std::vector<ShedRow> querySheds(Database& db, WallTime since, std::size_t limit) {
  Statement s = db.prepare("SELECT t, action, tier, why, guests, done, total, runtime_before, "
                           "runtime_after, load_before, load_after, charge, simulation FROM sheds "
                           "WHERE t >= ?1 ORDER BY t DESC LIMIT ?2");
  s.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
  std::vector<ShedRow> out;
  while (s.step()) {
    ShedRow r;
    r.time = s.real(0);
    r.action = s.text(1);
    r.tier = s.text(2);
    r.why = s.text(3);
    r.guests = s.text(4);
    r.done = s.integer(5);
    r.total = s.integer(6);
    r.runtimeBefore = real(s, 7);
    r.runtimeAfter = real(s, 8);
    r.loadBefore = real(s, 9);
    r.loadAfter = real(s, 10);
    r.charge = real(s, 11);
    r.simulation = s.integer(12) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<BatteryRow> queryBatteries(Database& db) {
  Statement s = db.prepare("SELECT installed, source, recorded FROM batteries ORDER BY recorded");
  std::vector<BatteryRow> out;
  while (s.step())
    out.push_back(BatteryRow{s.text(0), s.text(1), s.real(2)});
  return out;
}

std::vector<SampleRow> querySamples(Database& db, WallTime from, WallTime to,
                                    std::int64_t resolution, std::size_t limit) {
  // Weighted by each row's count of readings; a mean ignores the rows where the value is NULL.
  std::string columns;
  for (const auto name : kFieldNames)
    columns +=
        fmt::format(", sum({0} * n) / sum(CASE WHEN {0} IS NULL THEN NULL ELSE n END)", name);
  Statement s = db.prepare(
      fmt::format("SELECT min(t), max(step), sum(n), {} {} FROM samples WHERE t >= ?1 AND t < ?2 "
                  "GROUP BY t / ?3 ORDER BY 1 LIMIT ?4",
                  flagsAggregate(), columns));
  s.bind(1, from).bind(2, to).bind(3, std::max<std::int64_t>(resolution, 1));
  s.bind(4, static_cast<std::int64_t>(limit));
  std::vector<SampleRow> out;
  while (s.step()) {
    SampleRow row;
    row.time = s.integer(0);
    row.step = std::max(s.integer(1), resolution);
    row.count = s.integer(2);
    row.flags = static_cast<std::uint32_t>(s.integer(3));
    for (std::size_t i = 0; i < kFieldCount; ++i)
      row.values[i] = real(s, static_cast<int>(4 + i));
    out.push_back(row);
  }
  return out;
}

std::string flagsAggregate() {
  // SQLite has no bitwise-OR aggregate: max() of each bit, OR'd.
  std::string out;
  for (int bit = 0; bit < 16; ++bit)
    out += fmt::format("{}max(flags & {})", bit == 0 ? "" : " | ", 1 << bit);
  return out;
}

Statistics queryStatistics(Database& db) {
  Statistics st;
  Statement t = db.prepare("SELECT count(*), total(blip), total(duration) FROM transfers "
                           "WHERE cause = 'outage' AND end IS NOT NULL");
  if (t.step()) {
    st.transfers = t.integer(0);
    st.blips = static_cast<std::int64_t>(t.real(1));
    st.onBatterySeconds = t.real(2);
  }
  Statement tests = db.prepare("SELECT count(*), total(result IN ('Done and warning', "
                               "'Done and error')) FROM tests WHERE end IS NOT NULL");
  if (tests.step()) {
    st.tests = tests.integer(0);
    st.testsFailed = static_cast<std::int64_t>(tests.real(1));
  }
  if (const auto last = queryTransfers(db, 0, 1); !last.empty()) st.last = last.front();
  Statement since = db.prepare("SELECT value FROM meta WHERE key = 'created'");
  if (since.step()) st.since = std::strtod(since.text(0).c_str(), nullptr);
  st.lastQuickTest = lastStart(db, "quick");
  st.lastDeepTest = lastStart(db, "deep");
  return st;
}

HealthInputs queryHealthInputs(Database& db) {
  HealthInputs in;
  Statement s = db.prepare(
      "SELECT start, duration, start_charge - end_charge, mean_load, 'outage' FROM transfers "
      "WHERE cause = 'outage' AND end IS NOT NULL AND blip = 0 AND start_charge IS NOT NULL "
      "AND end_charge IS NOT NULL AND mean_load IS NOT NULL "
      "UNION ALL SELECT start, duration, start_charge - end_charge, mean_load, 'deep test' "
      "FROM tests WHERE kind = 'deep' AND end IS NOT NULL AND start_charge IS NOT NULL "
      "AND end_charge IS NOT NULL AND mean_load IS NOT NULL ORDER BY 1");
  while (s.step())
    in.discharges.push_back(Discharge{s.real(0), s.real(1), s.real(2), s.real(3), s.text(4)});
  in.batteries = queryBatteries(db);
  Statement last = db.prepare(fmt::format(
      "SELECT {} FROM tests WHERE end IS NOT NULL ORDER BY start DESC LIMIT 1", kTestColumns));
  if (last.step()) in.lastTest = testOf(last);
  return in;
}

} // namespace hidupsd::history
