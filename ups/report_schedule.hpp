// SPDX-License-Identifier: GPL-2.0-or-later
// ReportSchedule: which feature reports a poll reads, and the ones the UPS refuses, with back-off.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace hidupsd {

/// How ReportSchedule treats failures.
struct ReportScheduleOptions {
  unsigned ioStrikes = 3; ///< I/O errors in a row that count as a refusal
  core::Clock::duration firstRetry = std::chrono::minutes(1);
  core::Clock::duration maxRetry = std::chrono::hours(1);
};

/// The polled feature reports of one connection and how each fares. A
/// report the UPS refuses (a STALL: "no such report"), or that fails with
/// I/O errors `ioStrikes` polls in a row, leaves the regular poll and is
/// retried alone after `firstRetry`, doubling to `maxRetry` while it keeps
/// failing: as NUT, which logs such a report once and polls what answers.
/// A report that answers again goes back into the poll. Each change is
/// returned once (the caller logs it), so a refusal streak is one line when
/// it starts and one when it ends, never one per poll.
///
/// Pure: no I/O, time comes in as arguments. Not thread-safe.
class ReportSchedule {
public:
  using TimePoint = core::Clock::time_point;
  using Duration = core::Clock::duration;

  using Options = ReportScheduleOptions;

  /// What changed for one report; the caller logs it.
  struct Change {
    enum class Kind : std::uint8_t {
      Refused, ///< left the poll: refused, or `ioStrikes` I/O errors
      Answers, ///< answered again after a refusal streak: back in the poll
    };
    Kind kind = Kind::Refused;
    std::uint8_t id = 0;
    std::uint64_t failures = 0; ///< Answers: the failed reads of the streak
    Duration streak{};          ///< Answers: from its first failure to now
    Duration retryIn{};         ///< Refused: until the next try
    std::string why;            ///< Refused: the last error
  };

  /// How one read failed.
  enum class Failure : std::uint8_t {
    Refused, ///< DeviceError NoSuchReport (STALL / EPIPE)
    Io,      ///< DeviceError Io
  };

  explicit ReportSchedule(std::vector<std::uint8_t> polled, Options options = {});

  /// The reports a poll at `now` reads, ascending: every one in the poll,
  /// and the refused ones whose retry is due.
  std::vector<std::uint8_t> due(TimePoint now) const;
  /// The next retry of a refused report (nullopt when none is refused).
  std::optional<TimePoint> nextRetry() const;

  /// Report `id` answered at `now`. A Change when a refusal streak ended.
  std::optional<Change> answered(std::uint8_t id, TimePoint now);
  /// Report `id` failed at `now` with `why`. A Change when it left the poll.
  std::optional<Change> failed(std::uint8_t id, Failure failure, TimePoint now, std::string why);
  /// Every refused report is retried at the next poll (a resume, a USB
  /// reset); streaks are kept, so an answer still ends them with a Change.
  void retryAll(TimePoint now);

  bool refused(std::uint8_t id) const;
  std::size_t refusedCount() const;

private:
  struct State {
    bool refused = false;
    unsigned ioInARow = 0;
    std::uint64_t failures = 0;
    TimePoint firstFailure{};
    TimePoint retryAt{};
    Duration backoff{};
  };

  std::map<std::uint8_t, State> reports_;
  Options options_;
};

} // namespace hidupsd
