// SPDX-License-Identifier: GPL-2.0-or-later
// TestWatch: whether a battery test runs, from our own requests and the UPS's test status. Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/snapshot.hpp"

namespace hidupsd {

/// ups.test.result's words (NUT usbhid-ups.c test_read_info) that end a test.
bool isFinalTestResult(const std::string& result) noexcept;
/// "Done and warning", "Done and error": a failed test (it notifies).
bool isFailedTestResult(const std::string& result) noexcept;
/// The UPS says a test runs: ups.test.result "In progress", or CAL in ups.status.
bool testRunning(const core::Snapshot& s);
/// Mains are visibly gone: input.voltage below input.transfer.low, or below half
/// of input.voltage.nominal, or under 50 V. A test never looks like that.
bool mainsAbsent(const core::Snapshot& s);

/// How long TestWatch waits for a test to show, and holds it at most.
struct TestLimits {
  std::chrono::seconds startGrace{30};
  std::chrono::seconds holdLimit{900};
};

/// A battery test from start to end, as the monitor sees it.
/// - request(): we (the schedule, a command) asked the UPS: the test counts
///   from now, before the UPS shows it.
/// - A snapshot saying the test runs starts one we did not ask for
///   (started by "ups"; kind "deep" under CAL, else "unknown").
/// - It ends when the UPS stops saying so after having said it (result:
///   ups.test.result when final), when one we asked for never showed within
///   startGrace (the UPS's result then, if final), when cancel() says the
///   command failed, or at holdLimit whatever the UPS says.
class TestWatch {
public:
  using TimePoint = core::Clock::time_point;
  explicit TestWatch(TestLimits limits) noexcept : limits_(limits) {}
  void setLimits(TestLimits limits) noexcept { limits_ = limits; }

  /// A test we asked for. Its TestInfo when it starts one (nullopt: one runs).
  std::optional<core::TestInfo> request(TimePoint now, std::string kind, std::string who);
  /// The command failed: the test ends with `why` as its result.
  std::optional<core::TestInfo> cancel(std::string why);
  /// What a snapshot changes: a start (the UPS's own test) or an end.
  struct Change {
    std::optional<core::TestInfo> started;
    std::optional<core::TestInfo> finished;
  };
  Change onSnapshot(const core::Snapshot& s, TimePoint now);
  /// The end by time (grace, hold limit), if due at `now`.
  std::optional<core::TestInfo> tick(TimePoint now);
  std::optional<TimePoint> deadline() const noexcept;
  bool active() const noexcept { return active_.has_value(); }
  std::optional<TimePoint> startedAt() const noexcept;

private:
  struct Active {
    core::TestInfo info;
    TimePoint started{};
    bool seenRunning = false;
    bool requested = false;
  };
  core::TestInfo finish(std::string result);

  TestLimits limits_;
  std::optional<Active> active_;
  std::string lastResult_;
};

} // namespace hidupsd
