// SPDX-License-Identifier: GPL-2.0-or-later
// The history's value types: readings, rows, statistics, battery health, the summary.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hidupsd::history {

/// Wall-clock time: Unix seconds (fractions kept).
using WallTime = double;
/// Monotonic time (the daemon's clock), seconds: durations only.
using SteadyTime = double;

inline constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
inline bool present(double v) noexcept { return !std::isnan(v); }
inline std::optional<double> optional(double v) {
  return present(v) ? std::optional(v) : std::nullopt;
}

/// The numeric variables a sample keeps, in column order.
enum Field : std::uint8_t {
  kCharge,         ///< battery.charge, %
  kRuntime,        ///< battery.runtime, s
  kLoad,           ///< ups.load, %
  kInputVoltage,   ///< input.voltage, V
  kOutputVoltage,  ///< output.voltage, V
  kBatteryVoltage, ///< battery.voltage, V
  kPower,          ///< ups.power, VA
  kRealPower,      ///< ups.realpower, W
  kFrequency,      ///< input.frequency, Hz
  kTemperature,    ///< battery.temperature, else ups.temperature, °C
  kFieldCount
};

/// Column names (samples table, JSON keys), in Field order.
inline constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "charge",          "runtime", "load",      "input_voltage", "output_voltage",
    "battery_voltage", "power",   "realpower", "frequency",     "temperature"};

using Values = std::array<double, kFieldCount>;
inline Values noValues() {
  Values v;
  v.fill(kNone);
  return v;
}

/// ups.status as bits (a sample ORs those of its readings).
enum Flag : std::uint32_t {
  kOnline = 1,
  kOnBattery = 2,
  kLowBattery = 4,
  kCharging = 8,
  kReplaceBattery = 16,
  kOverload = 32,
  kCalibrating = 64,
  kBypass = 128,
  kTesting = 256, ///< a battery test runs (the monitor's view)
};

/// One reading of the UPS, reduced to what the history keeps.
struct Reading {
  SteadyTime steady = 0;
  WallTime wall = 0;
  Values values = noValues();
  std::uint32_t flags = 0;
  bool onBattery() const noexcept { return (flags & kOnBattery) != 0; }
};

/// One row of the samples table: the mean of `count` readings over
/// [time, time + step).
struct SampleRow {
  std::int64_t time = 0; ///< Unix s, a multiple of step
  std::int64_t step = 0; ///< s: 10, 300, 3600
  std::int64_t count = 0;
  std::uint32_t flags = 0;
  Values values = noValues();
};

/// A routed event (events table).
struct EventRow {
  WallTime time = 0;
  std::string kind; ///< "onbatt", …
  std::string reason;
  std::string status; ///< ups.status then
  double charge = kNone;
  double runtime = kNone;
  double load = kNone;
};

/// Why a transfer to battery happened: "outage" (blips included, marked),
/// or "test" (a battery test: not an outage).
enum class Cause : std::uint8_t { Outage, Test };
/// How a transfer ended.
enum class EndedBy : std::uint8_t { Mains, Shutdown, DaemonStop };

std::string_view nameOf(Cause c) noexcept;
std::string_view nameOf(EndedBy e) noexcept;

/// A transfer to battery (transfers table). Open while `end` is absent.
struct TransferRow {
  std::int64_t id = 0;
  WallTime start = 0;
  std::optional<WallTime> end;
  double duration = 0; ///< s (the monotonic clock's), so far when open
  Cause cause = Cause::Outage;
  bool blip = false;   ///< over before onbatt was announced
  std::string reason;  ///< "mains lost", "low line voltage (180 V < 184 V)", …
  std::string endedBy; ///< "mains", "shutdown", "daemon stop"; "" while open
  double startCharge = kNone, endCharge = kNone, minCharge = kNone, minRuntime = kNone;
  double meanLoad = kNone; ///< %
  double energyWh = kNone; ///< drawn from the battery, when ups.realpower is known
};

/// A battery test (tests table). Open while `end` is absent.
struct TestRow {
  std::int64_t id = 0;
  WallTime start = 0;
  std::optional<WallTime> end;
  double duration = 0;
  std::string kind;      ///< "quick", "deep", "unknown"
  std::string startedBy; ///< "schedule", "command", "ups"
  std::string result;    ///< ups.test.result's words, or why there is none
  double startCharge = kNone, endCharge = kNone, meanLoad = kNone;
};

/// A load-shedding step (sheds table): a [[shed]] tier stopped on battery, or shed guests
/// started again with mains. Runtime and load: the last reading before the step and the
/// first one taken after it ended (what the stop bought, as the UPS estimates it).
struct ShedRow {
  WallTime time = 0;      ///< when the step ended
  std::string action;     ///< "stopped", "restarted"
  std::string tier;       ///< the tier's name ("" for a restart, which may span tiers)
  std::string why;        ///< the trigger: "5 s on battery", "battery.charge 38 % < 40 %"
  std::string guests;     ///< those stopped (started): "VM 105 (lab1), CT 205 (lab2)"
  std::int64_t done = 0;  ///< guests stopped (started)
  std::int64_t total = 0; ///< guests the step was for
  double runtimeBefore = kNone, runtimeAfter = kNone; ///< battery.runtime, s
  double loadBefore = kNone, loadAfter = kNone;       ///< ups.load, %
  double charge = kNone;                              ///< battery.charge after, %
  bool simulation = false;                            ///< [policy] simulation: nothing was run
};

/// A battery installation date (batteries table).
struct BatteryRow {
  std::string date;   ///< YYYY-MM-DD (or YYYY/MM/DD as the UPS gave it)
  std::string source; ///< "command" (--battery-replaced), "battery.date", "battery.mfr.date"
  WallTime recorded = 0;
};

/// apcupsd's statistics (NUMXFERS, TONBATT, CUMONBATT, XONBATT, XOFFBATT,
/// LASTXFER, STATFLAG's since), counted from the transfers table, so they
/// survive restarts. Tests are counted apart: a test is not an outage.
struct Statistics {
  std::int64_t transfers = 0;      ///< outages, blips included (NUMXFERS without tests)
  std::int64_t blips = 0;          ///< of which over before onbatt
  double onBatterySeconds = 0;     ///< all outages, the open one so far (CUMONBATT)
  std::int64_t tests = 0;          ///< battery tests
  std::int64_t testsFailed = 0;    ///< … whose result was an error or a warning
  std::optional<WallTime> since;   ///< the history's first day
  std::optional<TransferRow> last; ///< the last outage (LASTXFER, XONBATT, XOFFBATT, TONBATT)
  std::optional<WallTime> onBatterySince; ///< an outage in progress
  std::optional<WallTime> lastQuickTest;  ///< start of the last quick test (any origin)
  std::optional<WallTime> lastDeepTest;   ///< start of the last deep test
};

/// The battery's health: 0..100 and the reasons for it (health.cpp).
struct Health {
  std::optional<int> score; ///< nullopt: nothing to judge by yet
  std::vector<std::string> reasons;
  std::optional<double> runtimeRatio; ///< normalised runtime / its baseline
  std::optional<double> ageYears;
  std::string installed;     ///< YYYY-MM-DD, "" when unknown
  std::string installedFrom; ///< where that date comes from
  bool replace = false;      ///< below the threshold or past the age: say replbatt
};

/// How the history is doing, for /metrics and --status.
struct StoreState {
  bool enabled = false;      ///< [history] file set
  bool writable = false;     ///< the last write succeeded
  bool loaded = false;       ///< the statistics come from the database (else this run only)
  std::string problem;       ///< why not, "" when fine
  std::uint64_t dropped = 0; ///< items lost to a full queue or a failing disk
  std::uint64_t writeErrors = 0;
};

/// Everything the daemon shows of its history without reading the disk.
struct Summary {
  StoreState store;
  Statistics statistics;
  std::optional<TestRow> lastTest;
  Health health;
};

} // namespace hidupsd::history
