// SPDX-License-Identifier: GPL-2.0-or-later
// Recorder: snapshots and events in, the rows to write out (samples, transfers, tests). Pure.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/event.hpp"
#include "core/snapshot.hpp"
#include "history/records.hpp"

namespace hidupsd::history {

/// A transfer or test began (the writer inserts the row and keeps its id
/// to complete it), or ended (the writer updates that row).
struct TransferOpened {
  TransferRow row;
};
struct TransferClosed {
  TransferRow row;
};
struct TestOpened {
  TestRow row;
};
struct TestClosed {
  TestRow row;
};
struct BatterySeen {
  BatteryRow row;
};

/// What the writer thread is handed. ShedRow comes from the load shedding (the daemon's
/// ShedController), not from the Recorder.
using Item = std::variant<SampleRow, EventRow, TransferOpened, TransferClosed, TestOpened,
                          TestClosed, BatterySeen, ShedRow>;
using Items = std::vector<Item>;

/// The reading of a snapshot: its numbers and its flags, nothing else.
Reading readingOf(const core::Snapshot& snapshot, SteadyTime steady, WallTime wall);

/// Turns the UPS's readings and the monitor's events into history rows.
/// Pure and cheap (a few comparisons a reading, one row per 10 s): it runs
/// on the device thread, where readings and events come in order, and only
/// hands rows on. Not thread-safe.
///
/// - Samples: readings are averaged into 10-s rows aligned on the wall
///   clock; a row is out when a reading falls past it (or at stop()).
/// - Transfers: OB opens one, OL closes it (a reading without either
///   changes nothing). A blip is a transfer over before any onbatt (one
///   that begins while an announced outage waits for its online is not). Its duration is on the
///   monotonic clock. A transfer while a battery test runs (startselftest … endselftest) is a test,
///   not an outage; an outage not yet announced (no onbatt) that turns out to be a test (the UPS's
///   test status came a poll after OB) becomes the test's. A test over while still OB: the test's
///   transfer ends ("test over") and an outage begins then. Its reason comes from the input voltage
///   seen during it against input.transfer.low/high (or input.transfer.reason).
/// - Tests: startselftest opens one, endselftest closes it with its result.
class Recorder {
public:
  Items onSnapshot(const core::Snapshot& snapshot, SteadyTime steady, WallTime wall);
  /// `reason`: the event's reason in words (the caller says the phrase, in English).
  Items onEvent(const core::Event& event, std::string reason, WallTime wall);
  /// The daemon stops: the open transfer ends ("shutdown" once the shutdown
  /// started, else "daemon stop"), the open test too, the last sample is out.
  Items stop(SteadyTime steady, WallTime wall);

  static constexpr std::int64_t kSampleStep = 10;

private:
  struct Open {
    TransferRow row;
    SteadyTime steady = 0;
    bool announced = false;
    double loadSum = 0;
    int loadCount = 0;
    double inputMin = kNone, inputMax = kNone;
    SteadyTime lastPowerAt = 0;
    double lastPower = kNone;
  };
  struct Test {
    TestRow row;
    SteadyTime steady = 0;
    double loadSum = 0;
    int loadCount = 0;
  };
  struct Bucket {
    SampleRow row;
    Values sums{};
    std::array<int, kFieldCount> counts{};
  };

  void sample(const Reading& r, Items& out);
  void track(const Reading& r, Items& out);
  void openTransfer(const Reading& r, Cause cause, Items& out);
  void closeTransfer(SteadyTime steady, WallTime wall, std::string endedBy, Items& out);
  void update(Open& o, const Reading& r);
  std::string reasonOf(const Open& o) const;
  void testStarted(const core::Event& e, WallTime wall, Items& out);
  void testFinished(const core::Event& e, WallTime wall, Items& out);
  void battery(const core::Snapshot& s, WallTime wall, Items& out);

  std::optional<Bucket> bucket_;
  std::optional<Open> open_;
  std::optional<Test> test_;
  std::optional<Reading> last_;
  bool shutdown_ = false;
  bool announced_ = false; ///< between onbatt and online: an outage the monitor announced
  double transferLow_ = kNone, transferHigh_ = kNone, nominal_ = kNone;
  std::string upsReason_; ///< input.transfer.reason, when the UPS gives one
  std::string batteryDate_, mfrDate_;
};

} // namespace hidupsd::history
