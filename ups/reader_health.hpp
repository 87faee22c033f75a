// SPDX-License-Identifier: GPL-2.0-or-later
// ReaderHealth: how the UPS answers — refused reports, the healing ladder, a system resume.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "hid/device.hpp"
#include "ups/healing_ladder.hpp"
#include "ups/report_schedule.hpp"
#include "ups/ups_model.hpp"

namespace hidupsd {

/// One line for the log: each is said once per change, never once per poll.
struct HealthNote {
  enum class Level : std::uint8_t { Info, Warning, Error };
  Level level = Level::Info;
  std::string text;
};

/// The device thread's bookkeeping of a UPS's answers (issue 17): which
/// feature reports a poll reads (a refused one leaves the poll and is
/// retried with back-off, ReportSchedule), the healing ladder for a silent
/// UPS (HealingLadder), and a system resume (the time suspended grew, or
/// the clock jumped). Notes name the report, its paths and the NUT
/// variables that go missing. Pure: times and errors in, notes out.
/// Not thread-safe: the device thread owns it.
class ReaderHealth {
public:
  using TimePoint = core::Clock::time_point;
  using Duration = core::Clock::duration;

  explicit ReaderHealth(Duration commsLostTimeout, ReportScheduleOptions schedule = {});

  /// A new connection to `model` (which must outlive it, until
  /// disconnected()): every polled report in the poll; none when the
  /// device is read through its interrupt pipe only.
  void connected(const UpsModel& model, bool interruptOnly);
  void disconnected() noexcept;

  /// The reports a poll at `now` reads, ascending.
  std::vector<std::uint8_t> reportsDue(TimePoint now) const;
  std::optional<TimePoint> nextRetry() const;
  std::optional<HealthNote> reportAnswered(std::uint8_t id, TimePoint now);
  /// A per-report failure (NoSuchReport or Io); other kinds give nothing.
  std::optional<HealthNote> reportFailed(std::uint8_t id, const hid::DeviceError& e, TimePoint now);
  /// Every refused report back into the next poll.
  void retryAll(TimePoint now);

  /// The device answered: the ladder ends. The steps it had tried
  /// ("reopen, USB port reset"), "" when none.
  std::string answered();
  /// The ladder step due (Reopen, Reset) with its note; PowerCycle is the
  /// reader's comm-lost, whose reason commLostReason() gives.
  std::optional<std::pair<HealingLadder::Step, HealthNote>>
  ladderDue(TimePoint now, TimePoint lastAnswer, bool open, std::string_view lastError);
  void resetFailed(std::string why);
  void deviceGone() noexcept { ladder_.deviceGone(); }
  std::string commLostReason(TimePoint now, TimePoint lastAnswer, std::string_view lastError) const;
  TimePoint nextLadderStep(TimePoint lastAnswer) const noexcept;

  /// `suspended`: the system's time spent suspended so far (CLOCK_BOOTTIME
  /// minus CLOCK_MONOTONIC), nullopt when unknown. A note when it grew by
  /// more than 2 s, or when `now` is more than 30 s after the last call (a
  /// clock that jumped): the reader then reads everything again.
  std::optional<HealthNote> checkResume(TimePoint now,
                                        std::optional<std::chrono::nanoseconds> suspended);

private:
  std::string reportText(std::uint8_t id) const;

  ReportScheduleOptions scheduleOptions_;
  const UpsModel* model_ = nullptr;
  std::optional<ReportSchedule> schedule_;
  HealingLadder ladder_;
  std::optional<std::chrono::nanoseconds> suspended_;
  std::optional<TimePoint> lastCheck_;
};

} // namespace hidupsd
