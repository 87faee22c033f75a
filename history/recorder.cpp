// SPDX-License-Identifier: GPL-2.0-or-later
// Recorder: snapshots and events in, history rows out.
#include "history/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace hidupsd::history {

namespace {

/// The NUT variable of each field (temperature: the battery's, else the UPS's).
constexpr std::array<const char*, kFieldCount> kVariables = {
    "battery.charge",  "battery.runtime",    "ups.load",  "input.voltage",
    "output.voltage",  "battery.voltage",    "ups.power", "ups.realpower",
    "input.frequency", "battery.temperature"};

constexpr std::pair<const char*, Flag> kFlags[] = {
    {"OL", kOnline},         {"OB", kOnBattery},  {"LB", kLowBattery},   {"CHRG", kCharging},
    {"RB", kReplaceBattery}, {"OVER", kOverload}, {"CAL", kCalibrating}, {"BYPASS", kBypass}};

double number(const core::Snapshot& s, const char* name) { return s.number(name).value_or(kNone); }

SteadyTime steadyOf(core::Clock::time_point t) {
  return core::Seconds(t.time_since_epoch()).count();
}

double lower(double a, double b) { return present(a) && !(b < a) ? a : b; }
double higher(double a, double b) { return present(a) && !(b > a) ? a : b; }

} // namespace

std::string_view nameOf(Cause c) noexcept { return c == Cause::Test ? "test" : "outage"; }

std::string_view nameOf(EndedBy e) noexcept {
  switch (e) {
  case EndedBy::Mains: return "mains";
  case EndedBy::Shutdown: return "shutdown";
  case EndedBy::DaemonStop: return "daemon stop";
  }
  return "mains";
}

Reading readingOf(const core::Snapshot& s, SteadyTime steady, WallTime wall) {
  Reading r;
  r.steady = steady;
  r.wall = wall;
  for (std::size_t i = 0; i < kFieldCount; ++i)
    r.values[i] = number(s, kVariables[i]);
  if (!present(r.values[kTemperature])) r.values[kTemperature] = number(s, "ups.temperature");
  for (const auto& flag : s.statusFlags())
    for (const auto& [name, bit] : kFlags)
      if (flag == name) r.flags |= bit;
  return r;
}

Items Recorder::onSnapshot(const core::Snapshot& s, SteadyTime steady, WallTime wall) {
  Items out;
  Reading r = readingOf(s, steady, wall);
  if (test_) r.flags |= kTesting;
  transferLow_ = number(s, "input.transfer.low");
  transferHigh_ = number(s, "input.transfer.high");
  nominal_ = number(s, "input.voltage.nominal");
  upsReason_ = s.get("input.transfer.reason").value_or("");
  battery(s, wall, out);
  sample(r, out);
  track(r, out);
  last_ = r;
  return out;
}

void Recorder::sample(const Reading& r, Items& out) {
  const auto start = static_cast<std::int64_t>(std::floor(r.wall / kSampleStep)) * kSampleStep;
  if (bucket_ && bucket_->row.time != start) {
    out.emplace_back(bucket_->row);
    bucket_.reset();
  }
  if (!bucket_) {
    bucket_.emplace();
    bucket_->row.time = start;
    bucket_->row.step = kSampleStep;
  }
  Bucket& b = *bucket_;
  ++b.row.count;
  b.row.flags |= r.flags;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (!present(r.values[i])) continue;
    b.sums[i] += r.values[i];
    ++b.counts[i];
    b.row.values[i] = b.sums[i] / b.counts[i];
  }
}

void Recorder::track(const Reading& r, Items& out) {
  if (open_) update(*open_, r);
  if (test_ && present(r.values[kLoad])) {
    test_->loadSum += r.values[kLoad];
    ++test_->loadCount;
  }
  const bool online = (r.flags & kOnline) != 0;
  if (r.onBattery() && !open_)
    openTransfer(r, test_ ? Cause::Test : Cause::Outage, out);
  else if (online && !r.onBattery() && open_)
    closeTransfer(r.steady, r.wall, std::string(nameOf(EndedBy::Mains)), out);
}

void Recorder::openTransfer(const Reading& r, Cause cause, Items& out) {
  Open o;
  o.row.start = r.wall;
  o.row.cause = cause;
  o.row.startCharge = r.values[kCharge];
  o.steady = r.steady;
  o.announced = announced_; // mains came back briefly within an announced outage
  update(o, r);
  open_ = o;
  out.emplace_back(TransferOpened{o.row});
}

void Recorder::update(Open& o, const Reading& r) {
  TransferRow& row = o.row;
  row.minCharge = lower(row.minCharge, r.values[kCharge]);
  row.minRuntime = lower(row.minRuntime, r.values[kRuntime]);
  if (present(r.values[kCharge])) row.endCharge = r.values[kCharge];
  if (present(r.values[kLoad])) {
    o.loadSum += r.values[kLoad];
    ++o.loadCount;
  }
  o.inputMin = lower(o.inputMin, r.values[kInputVoltage]);
  o.inputMax = higher(o.inputMax, r.values[kInputVoltage]);
  const double power = r.values[kRealPower];
  if (present(o.lastPower)) {
    if (!present(row.energyWh)) row.energyWh = 0;
    row.energyWh += o.lastPower * (r.steady - o.lastPowerAt) / 3600.0;
  }
  o.lastPower = power;
  o.lastPowerAt = r.steady;
  row.duration = r.steady - o.steady;
}

std::string Recorder::reasonOf(const Open& o) const {
  if (o.row.cause == Cause::Test) return "battery test";
  if (!upsReason_.empty()) return upsReason_;
  if (!present(o.inputMin)) return "unknown (the UPS gives no input.voltage)";
  const double lost = present(nominal_) ? nominal_ / 2 : 50;
  if (o.inputMin < lost) return fmt::format("mains lost (input {:g} V)", o.inputMin);
  if (present(transferLow_) && o.inputMin < transferLow_)
    return fmt::format("low line voltage ({:g} V < {:g} V)", o.inputMin, transferLow_);
  if (present(transferHigh_) && o.inputMax > transferHigh_)
    return fmt::format("high line voltage ({:g} V > {:g} V)", o.inputMax, transferHigh_);
  return fmt::format("unknown (input {:g}..{:g} V)", o.inputMin, o.inputMax);
}

void Recorder::closeTransfer(SteadyTime steady, WallTime wall, std::string endedBy, Items& out) {
  if (!open_) return;
  Open& o = *open_;
  TransferRow& row = o.row;
  row.end = wall;
  row.duration = std::max(0.0, steady - o.steady);
  row.endedBy = std::move(endedBy);
  row.blip = row.cause == Cause::Outage && !o.announced;
  row.meanLoad = o.loadCount > 0 ? o.loadSum / o.loadCount : kNone;
  row.reason = reasonOf(o);
  out.emplace_back(TransferClosed{row});
  open_.reset();
}

Items Recorder::onEvent(const core::Event& e, std::string reason, WallTime wall) {
  Items out;
  EventRow row;
  row.time = wall;
  row.kind = std::string(core::eventName(e.kind));
  row.reason = std::move(reason);
  row.status = e.snapshot.get("ups.status").value_or("");
  row.charge = number(e.snapshot, "battery.charge");
  row.runtime = number(e.snapshot, "battery.runtime");
  row.load = number(e.snapshot, "ups.load");
  out.emplace_back(std::move(row));
  switch (e.kind) {
  case core::EventKind::OnBattery:
    announced_ = true;
    if (open_) open_->announced = true;
    break;
  case core::EventKind::Online: announced_ = false; break;
  case core::EventKind::Shutdown: shutdown_ = true; break;
  case core::EventKind::TestStarted: testStarted(e, wall, out); break;
  case core::EventKind::TestFinished: testFinished(e, wall, out); break;
  default: break;
  }
  return out;
}

void Recorder::testStarted(const core::Event& e, WallTime wall, Items& out) {
  if (test_) return;
  Test t;
  t.row.start = wall;
  t.row.kind = e.test ? e.test->kind : "unknown";
  t.row.startedBy = e.test ? e.test->startedBy : "ups";
  t.row.startCharge = last_ ? last_->values[kCharge] : kNone;
  t.steady = steadyOf(e.time);
  test_ = t;
  out.emplace_back(TestOpened{t.row});
  // The UPS's test status came a poll after its OB: that OB was the test's.
  if (open_ && open_->row.cause == Cause::Outage && !open_->announced)
    open_->row.cause = Cause::Test;
}

void Recorder::testFinished(const core::Event& e, WallTime wall, Items& out) {
  if (!test_) return;
  const SteadyTime steady = steadyOf(e.time);
  TestRow row = test_->row;
  row.end = wall;
  row.duration = std::max(0.0, steady - test_->steady);
  row.result = e.test ? e.test->result : "";
  row.endCharge = last_ ? last_->values[kCharge] : kNone;
  row.meanLoad = test_->loadCount > 0 ? test_->loadSum / test_->loadCount : kNone;
  test_.reset();
  out.emplace_back(TestClosed{row});
  if (!open_ || open_->row.cause != Cause::Test || !last_ || !last_->onBattery()) return;
  // Still on battery after the test: from now on it is an outage.
  closeTransfer(steady, wall, "test over", out);
  Reading now = *last_;
  now.steady = steady;
  now.wall = wall;
  openTransfer(now, Cause::Outage, out);
}

void Recorder::battery(const core::Snapshot& s, WallTime wall, Items& out) {
  for (auto [name, seen] :
       {std::pair{"battery.date", &batteryDate_}, {"battery.mfr.date", &mfrDate_}}) {
    const auto value = s.get(name);
    if (!value || value->empty() || *value == *seen) continue;
    *seen = *value;
    out.emplace_back(BatterySeen{BatteryRow{*value, name, wall}});
  }
}

Items Recorder::stop(SteadyTime steady, WallTime wall) {
  Items out;
  closeTransfer(steady, wall,
                std::string(nameOf(shutdown_ ? EndedBy::Shutdown : EndedBy::DaemonStop)), out);
  if (test_) {
    TestRow row = test_->row;
    row.end = wall;
    row.duration = std::max(0.0, steady - test_->steady);
    row.result = "no result (the daemon stopped)";
    test_.reset();
    out.emplace_back(TestClosed{row});
  }
  if (bucket_) out.emplace_back(bucket_->row);
  bucket_.reset();
  return out;
}

} // namespace hidupsd::history
