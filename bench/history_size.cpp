// SPDX-License-Identifier: GPL-2.0-or-later
// History size: a simulated year of samples through history::Store, measured as it grows.
#include "bench/history_size.hpp"

#include <chrono>
#include <cmath>
#include <system_error>

#include "history/downsampling.hpp"
#include "history/store.hpp"

namespace hidupsd::bench {

namespace {

using history::Items;
using history::kDay;

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kStep = 10;
/// 2026-01-01 00:00:00 UTC: the simulation's first sample.
constexpr std::int64_t kStart = 1767225600;

/// A reading as a 5SC would give it on mains: every column set, slowly varying
/// (so that no two rows compress alike).
history::SampleRow sampleAt(std::int64_t t) {
  history::SampleRow r;
  r.time = t;
  r.step = kStep;
  r.count = 5;
  r.flags = history::kOnline | history::kCharging;
  const double phase = static_cast<double>(t % kDay) / static_cast<double>(kDay) * 6.2832;
  auto& v = r.values;
  v[history::kCharge] = 100;
  v[history::kRuntime] = 2700 + std::round(300 * std::sin(phase));
  v[history::kLoad] = 20 + std::round(10 * std::sin(phase));
  v[history::kInputVoltage] = 230 + 3 * std::sin(phase * 7);
  v[history::kOutputVoltage] = 230 + 3 * std::sin(phase * 7);
  v[history::kBatteryVoltage] = 27.3;
  v[history::kPower] = 150 + 75 * std::sin(phase);
  v[history::kRealPower] = 100 + 50 * std::sin(phase);
  v[history::kFrequency] = 50 + 0.05 * std::sin(phase * 13);
  v[history::kTemperature] = 25;
  return r;
}

/// A 90-s outage: onbatt, online and its transfer (as the recorder hands them over).
void addOutage(Items& items, std::int64_t t) {
  history::TransferRow row;
  row.start = static_cast<double>(t);
  row.reason = "mains lost";
  items.emplace_back(history::TransferOpened{row});
  for (const char* kind : {"onbatt", "online"}) {
    history::EventRow e;
    e.time = static_cast<double>(t) + (kind[1] == 'n' ? 5 : 90);
    e.kind = kind;
    e.reason = "UPS reports OB";
    e.status = "OB DISCHRG";
    e.charge = 95;
    items.emplace_back(e);
  }
  row.end = static_cast<double>(t + 90);
  row.duration = 90;
  row.endedBy = "mains";
  row.minCharge = 93;
  items.emplace_back(history::TransferClosed{row});
}

void addTest(Items& items, std::int64_t t) {
  history::TestRow row;
  row.start = static_cast<double>(t);
  row.kind = "quick";
  row.startedBy = "schedule";
  items.emplace_back(history::TestOpened{row});
  row.end = static_cast<double>(t + 20);
  row.duration = 20;
  row.result = "Done and passed";
  items.emplace_back(history::TestClosed{row});
}

std::uintmax_t sizeOf(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

HistorySizePoint measure(history::Store& store, const std::filesystem::path& file, int day) {
  auto& db = store.db();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  HistorySizePoint p;
  p.day = day;
  p.fileBytes = sizeOf(file);
  p.sampleRows = db.scalar("SELECT count(*) FROM samples");
  p.rows10s = db.scalar("SELECT count(*) FROM samples WHERE step = 10");
  p.rows5min = db.scalar("SELECT count(*) FROM samples WHERE step = 300");
  p.rows1h = db.scalar("SELECT count(*) FROM samples WHERE step = 3600");
  return p;
}

} // namespace

HistorySizeRun measureHistorySize(const std::filesystem::path& file, int days, int keepYears) {
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(file.string() + suffix);
  HistorySizeRun run;
  run.keepYears = keepYears;
  run.maxSampleRows = history::maxSampleRows(keepYears);
  const auto began = std::chrono::steady_clock::now();
  history::Store store(file, keepYears);
  store.open(static_cast<double>(kStart));
  for (std::int64_t hour = 0; hour < days * 24; ++hour) {
    const std::int64_t h0 = kStart + hour * kHour;
    Items items;
    items.reserve(kHour / kStep + 8);
    for (std::int64_t t = h0; t < h0 + kHour; t += kStep)
      items.emplace_back(sampleAt(t));
    if (hour % (7 * 24) == 12) addOutage(items, h0 + 600);
    if (hour % (30 * 24) == 3) addTest(items, h0 + 60);
    store.write(items);
    store.compact(static_cast<double>(h0 + kHour));
    const int day = static_cast<int>((hour + 1) / 24);
    const bool dayDone = (hour + 1) % 24 == 0;
    if (!dayDone) continue;
    const bool report = day % 30 == 0 || day == days || day == 2 || day == 92;
    const auto p = measure(store, file, day);
    run.maxSampleRowsSeen = std::max(run.maxSampleRowsSeen, p.sampleRows);
    run.maxFileBytes = std::max(run.maxFileBytes, p.fileBytes);
    if (report) run.points.push_back(p);
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return run;
}

} // namespace hidupsd::bench
