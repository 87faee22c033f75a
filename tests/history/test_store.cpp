// SPDX-License-Identifier: GPL-2.0-or-later
// Store, Writer, Reader: rows in and out, counters across restarts, faults, downsampling.
#include <doctest/doctest.h>
#include <time.h>

#include <fstream>
#include <thread>

#include "history/downsampling.hpp"
#include "history/reader.hpp"
#include "history/rows.hpp"
#include "history/schema.hpp"
#include "history/store.hpp"
#include "history/writer.hpp"
#include "tests/history/history_test_support.hpp"
#include "tests/support/log_capture.hpp"

using namespace hidupsd;
using namespace hidupsd::history;
namespace t = hidupsd::test;
using namespace std::chrono_literals;

namespace {

constexpr double kWall0 = 1'800'000'000;

WriterOptions quick(const std::filesystem::path& file) {
  WriterOptions o;
  o.file = file;
  o.flushInterval = 20ms;
  o.retryInterval = 50ms;
  return o;
}

TransferRow outage(double start, double seconds) {
  TransferRow r;
  r.start = start;
  r.end = start + seconds;
  r.duration = seconds;
  r.endedBy = "mains";
  r.reason = "mains lost (input 0 V)";
  r.startCharge = 100;
  r.endCharge = 90;
  r.minCharge = 90;
  r.meanLoad = 40;
  return r;
}

Items outages(std::initializer_list<double> lengths) {
  Items items;
  double start = kWall0;
  for (const double s : lengths) {
    const auto row = outage(start, s);
    items.emplace_back(TransferOpened{row});
    items.emplace_back(TransferClosed{row});
    start += 100;
  }
  return items;
}

/// Waits (bounded) until `done` holds.
template <typename F> bool eventually(F done, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::size_t count(const std::vector<std::string>& texts, std::string_view part) {
  std::size_t n = 0;
  for (const auto& t : texts)
    n += t.find(part) != std::string::npos ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("a new file gets the schema; one from a newer hidupsd is left alone") {
  t::HistoryDir dir;
  {
    Database db(dir / "h.db", Database::Mode::ReadWriteCreate);
    migrate(db);
    CHECK(db.scalar("PRAGMA user_version") == schemaVersion());
    migrate(db); // nothing to do the second time
    db.exec("PRAGMA user_version = 99");
  }
  Store store(dir / "h.db", 5);
  CHECK_THROWS_WITH_AS(store.open(kWall0), doctest::Contains("newer than this hidupsd's"),
                       std::runtime_error);
  CHECK(std::filesystem::exists(dir / "h.db"));
}

TEST_CASE("a version-1 file (before the sheds table) is migrated and keeps its rows") {
  t::HistoryDir dir;
  {
    Database db(dir / "h.db", Database::Mode::ReadWriteCreate);
    db.exec(migrations()[0]);
    db.exec("PRAGMA user_version = 1");
    db.exec("INSERT INTO events (t, kind, reason, status) VALUES (1800000000, 'onbatt', "
            "'mains lost', 'OB')");
  }
  {
    Reader old(dir / "h.db");
    CHECK(old.schemaVersion() == 1);
    CHECK(old.sheds(0, 10).empty()); // no table yet: nothing, no error
  }
  Store store(dir / "h.db", 5);
  store.open(kWall0);
  CHECK(store.db().scalar("PRAGMA user_version") == 2);
  CHECK(store.db().scalar("SELECT count(*) FROM events") == 1);
  CHECK(store.db().scalar("SELECT count(*) FROM sheds") == 0);
}

TEST_CASE("load shedding steps: written with their runtime and load before and after") {
  t::HistoryDir dir;
  {
    Writer w(quick(dir / "h.db"));
    ShedRow stopped;
    stopped.time = kWall0;
    stopped.action = "stopped";
    stopped.tier = "lab";
    stopped.why = "5 s on battery";
    stopped.guests = "VM 105 (lab1), CT 205 (lab2)";
    stopped.done = 2;
    stopped.total = 2;
    stopped.runtimeBefore = 1200;
    stopped.runtimeAfter = 1850;
    stopped.loadBefore = 42;
    stopped.loadAfter = 27;
    stopped.charge = 96;
    ShedRow restarted;
    restarted.time = kWall0 + 60;
    restarted.action = "restarted";
    restarted.done = 1;
    restarted.total = 2;
    restarted.guests = "CT 205 (lab2)";
    restarted.simulation = true; // runtime and load unknown: NULL, read back as absent
    w.post({stopped, restarted});
    REQUIRE(w.sync(5s));
    w.stop(5s);
  }
  Reader r(dir / "h.db");
  const auto rows = r.sheds(0, 10);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].action == "restarted"); // newest first
  CHECK(rows[0].done == 1);
  CHECK(rows[0].total == 2);
  CHECK(rows[0].simulation);
  CHECK_FALSE(present(rows[0].runtimeBefore));
  CHECK_FALSE(present(rows[0].loadAfter));
  const auto& s = rows[1];
  CHECK(s.action == "stopped");
  CHECK(s.tier == "lab");
  CHECK(s.why == "5 s on battery");
  CHECK(s.guests == "VM 105 (lab1), CT 205 (lab2)");
  CHECK(s.runtimeBefore == 1200);
  CHECK(s.runtimeAfter == 1850);
  CHECK(s.loadBefore == 42);
  CHECK(s.loadAfter == 27);
  CHECK(s.charge == 96);
  CHECK_FALSE(s.simulation);
  CHECK(r.sheds(kWall0 + 1, 10).size() == 1); // since
  CHECK(r.sheds(0, 1).size() == 1);           // limit
}

TEST_CASE("writer and reader: outages written, read back, counted; counters survive a restart") {
  t::HistoryDir dir;
  {
    Writer w(quick(dir / "h.db"));
    w.post(outages({8, 12, 20}));
    REQUIRE(w.sync(5s));
    const auto st = w.summary().statistics;
    CHECK(st.transfers == 3);
    CHECK(st.onBatterySeconds == 40);
    CHECK(w.summary().store.writable);
    w.stop(5s);
  }
  Reader r(dir / "h.db");
  const auto rows = r.outages(0, 10);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].duration == 20); // newest first
  CHECK(rows[2].duration == 8);
  CHECK(rows[2].reason == "mains lost (input 0 V)");
  CHECK(r.statistics().transfers == 3);
  CHECK(r.outages(kWall0 + 150, 10).size() == 1); // --since
  CHECK(r.outages(0, 2).size() == 2);

  Writer again(quick(dir / "h.db"));
  REQUIRE(eventually([&] { return again.summary().store.loaded; }));
  const auto st = again.summary().statistics;
  CHECK(st.transfers == 3);
  CHECK(st.last->duration == 20);
  CHECK(st.since.has_value());
}

TEST_CASE("a transfer left open by a crash is closed at the next start") {
  t::HistoryDir dir;
  {
    Store s(dir / "h.db", 5);
    s.open(kWall0);
    SampleRow sample;
    sample.time = static_cast<std::int64_t>(kWall0) + 30;
    sample.step = 10;
    sample.count = 5;
    sample.flags = kOnBattery;
    TransferRow open = outage(kWall0, 0);
    open.end.reset();
    open.endedBy.clear();
    s.write({TransferOpened{open}, sample}); // then the power went out
  }
  Store s(dir / "h.db", 5);
  s.open(kWall0 + 1000);
  const auto rows = queryTransfers(s.db(), 0, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].endedBy == "daemon stop");
  CHECK(rows[0].duration == 40); // to the end of its last sample on battery
}

TEST_CASE("a corrupt file is moved aside (logged once) and a new history starts") {
  t::LogCapture logs;
  t::HistoryDir dir;
  std::ofstream(dir / "h.db") << std::string(8192, 'x');
  Writer w(quick(dir / "h.db"));
  w.post(outages({8}));
  REQUIRE(w.sync(5s));
  CHECK(w.summary().statistics.transfers == 1);
  CHECK(count(logs.texts("history"), "was not a sound database: moved aside as") == 1);
  int aside = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    aside += entry.path().filename().string().starts_with("h.db.corrupt-") ? 1 : 0;
  CHECK(aside == 1);
  w.stop(5s);
  CHECK(Reader(dir / "h.db").statistics().transfers == 1);
}

TEST_CASE("cannot open: one warning a streak, rows wait in memory, one notice when it works") {
  t::LogCapture logs;
  t::HistoryDir dir;
  const auto file = dir / "not-yet" / "h.db";
  Writer w(quick(file));
  w.post(outages({8, 12}));
  REQUIRE(w.sync(5s));
  CHECK(w.summary().statistics.transfers == 2); // counted all the same
  CHECK_FALSE(w.summary().store.writable);
  std::this_thread::sleep_for(300ms); // several retries
  std::filesystem::create_directory(dir / "not-yet");
  REQUIRE(eventually([&] { return w.summary().store.writable; }));
  w.stop(5s);
  const auto texts = logs.texts("history");
  CHECK(count(texts, "cannot open " + file.string()) == 1);
  CHECK(count(texts, "writing to " + file.string() + " again") == 1);
  CHECK(w.summary().store.writeErrors >= 2);
  CHECK(Reader(file).statistics().transfers == 2); // nothing was lost
}

TEST_CASE("cannot open: the writer sleeps between its tries (it once spun a core)") {
  t::LogCapture logs;
  t::HistoryDir dir;
  auto o = quick(dir / "not-there" / "h.db");
  o.retryInterval = 500ms; // the flush time (20 ms) passes many times between two tries
  Writer w(o);
  w.post(outages({8}));
  REQUIRE(w.sync(5s));
  const auto cpu = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  const double before = cpu();
  std::this_thread::sleep_for(1500ms);
  const double used = cpu() - before;
  MESSAGE("CPU while waiting to reopen: " << used << " s in 1.5 s");
  CHECK(used < 0.5); // a spinning writer takes the whole 1.5 s
  w.stop(5s);
}

TEST_CASE("a full queue drops, never blocks") {
  t::HistoryDir dir;
  auto o = quick(dir / "h.db");
  o.queueLimit = 4;
  Writer w(o);
  Items many;
  for (int i = 0; i < 1000; ++i)
    many.emplace_back(EventRow{kWall0 + i, "onbatt", "", "OB", 1, 2, 3});
  const auto start = std::chrono::steady_clock::now();
  w.post(std::move(many));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(w.summary().store.dropped >= 996);
}

TEST_CASE("downsampling: 10 s for 2 days, then 5 min, then 1 h; means weighted by readings") {
  t::HistoryDir dir;
  Store s(dir / "h.db", 5);
  const auto day0 = static_cast<std::int64_t>(kWall0) / 3600 * 3600;
  s.open(static_cast<double>(day0));
  Items rows;
  for (std::int64_t t = day0; t < day0 + 5 * kDay; t += 10) {
    SampleRow r;
    r.time = t;
    r.step = 10;
    r.count = (t / 10) % 2 == 0 ? 1 : 3; // charge 50 once, 100 three times: mean 87.5
    r.values[kCharge] = r.count == 1 ? 50 : 100;
    r.flags = t == day0 + 3600 ? kOnBattery : kOnline;
    rows.push_back(r);
  }
  s.write(rows);
  const double now = static_cast<double>(day0 + 5 * kDay);
  s.compact(now);
  auto steps = [&](int step) {
    return s.db().scalar(fmt::format("SELECT count(*) FROM samples WHERE step = {}", step));
  };
  CHECK(steps(10) == 2 * kDay / 10);
  CHECK(steps(300) == 3 * kDay / 300);
  const auto merged =
      querySamples(s.db(), static_cast<double>(day0), static_cast<double>(day0 + 300), 300, 10);
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].count == 60);
  CHECK(merged[0].values[kCharge] == doctest::Approx(87.5));
  const auto hour = querySamples(s.db(), static_cast<double>(day0 + 3600),
                                 static_cast<double>(day0 + 7200), 3600, 10);
  REQUIRE(hour.size() == 1);
  CHECK((hour[0].flags & kOnBattery) != 0); // an OB reading anywhere in the hour shows
  CHECK((hour[0].flags & kOnline) != 0);

  s.compact(now + 100 * kDay); // everything is older than 90 days now
  CHECK(steps(10) == 0);
  CHECK(steps(300) == 0);
  CHECK(steps(3600) == 5 * 24);
  s.compact(now + 6 * 365 * kDay); // and older than keep_years
  CHECK(s.db().scalar("SELECT count(*) FROM samples") == 0);
  CHECK(maxSampleRows(5) == 17281 + 25921 + 43801);
}

TEST_CASE("the reader is bounded: rows by maxRows, time by its budget") {
  t::HistoryDir dir;
  {
    Writer w(quick(dir / "h.db"));
    Items many;
    for (int i = 0; i < 50; ++i)
      many.emplace_back(EventRow{kWall0 + i, "onbatt", "", "OB", 1, 2, 3});
    w.post(std::move(many));
    REQUIRE(w.sync(5s));
    ReaderOptions o;
    o.maxRows = 20;
    Reader r(dir / "h.db", o); // while the writer holds the file
    CHECK(r.events(0, 1000).size() == 20);
    CHECK(r.events(0, 5).size() == 5);
  }
  Database db(dir / "h.db", Database::Mode::ReadOnly);
  db.startTimeBudget(50);
  Statement forever = db.prepare("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                                 "SELECT count(*) FROM n");
  try {
    forever.step();
    FAIL("the query was not interrupted");
  } catch (const SqliteError& e) {
    CHECK(e.fault() == Fault::Interrupted);
  }
}

TEST_CASE("no history file: the reader says so, it never creates one") {
  t::HistoryDir dir;
  try {
    Reader r(dir / "none.db");
    FAIL("opened a file that does not exist");
  } catch (const SqliteError& e) {
    CHECK(e.fault() == Fault::ReadOnly);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST_CASE("--battery-replaced from another connection reaches the running writer's health") {
  t::HistoryDir dir;
  int warnings = 0;
  auto o = quick(dir / "h.db");
  o.wallClock = [] { return kWall0; };
  Writer w(o, [&](const Health&) { ++warnings; });
  REQUIRE(eventually([&] { return w.summary().store.loaded; }));
  {
    Database db(dir / "h.db", Database::Mode::ReadWriteCreate);
    db.setBusyTimeout(5000);
    // Six years before kWall0 (2027-01-15): past battery_life.
    db.exec("INSERT INTO batteries (installed, source, recorded) VALUES ('2021-01-01', "
            "'command', 1)");
  }
  REQUIRE(eventually([&] { return w.summary().health.installedFrom == "command"; }));
  const auto h = w.summary().health;
  CHECK(h.installed == "2021-01-01");
  CHECK(h.replace);
  CHECK(eventually([&] { return warnings == 1; }));
  w.stop(5s);
  Writer again(o, [&](const Health&) { ++warnings; });
  REQUIRE(eventually([&] { return again.summary().health.replace; }));
  std::this_thread::sleep_for(100ms);
  CHECK(warnings == 1); // warned a week ago at most: not again
}
