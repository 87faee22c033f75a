// SPDX-License-Identifier: GPL-2.0-or-later
// HealingLadder: reopen → USB port reset → "power-cycle its USB", for a UPS that stopped answering.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace hidupsd {

/// The device reader's answer to a silent UPS (NUT's users restart the
/// driver from cron for this). Counted from the last answer, within the
/// comms-lost timeout T: at T/3 the device is reopened, at 2T/3 its USB
/// port is reset (when a device is open to reset), at T the ladder gives
/// up and says that only a power cycle of the UPS's USB will do — the
/// reader's commbad carries advice(). Each step happens once per silence
/// and none after the give-up (a silence longer than T at once, as after a
/// stalled thread, skips straight to it); the first answer ends the
/// silence and answered() returns what helped.
///
/// Pure: no I/O, time comes in as arguments. Not thread-safe.
class HealingLadder {
public:
  using TimePoint = core::Clock::time_point;
  using Duration = core::Clock::duration;

  enum class Step : std::uint8_t { Reopen, Reset, PowerCycle };

  explicit HealingLadder(Duration commsLostTimeout);

  /// The step due at `now`, given the last answer at `lastAnswer`; each at
  /// most once per silence, in order. `canReset`: a device is open (a reset
  /// needs one); while none is, the reset waits, and is skipped when T comes.
  std::optional<Step> due(TimePoint now, TimePoint lastAnswer, bool canReset);
  /// The reset was tried and failed with `why` (the advice says so).
  void resetFailed(std::string why);
  /// The reset found no device on the bus (unplugged): the advice says so.
  void deviceGone() noexcept { resetSkipped_ = true; }
  /// A good read at `now`: the silence is over. The steps it took (empty
  /// when none: the ladder had not started).
  std::vector<Step> answered();

  /// For the commbad reason: how long, the last error, what was tried, and
  /// what the user should do.
  std::string advice(TimePoint now, TimePoint lastAnswer, std::string_view lastError) const;

  /// The steps of the current silence, in order.
  const std::vector<Step>& taken() const noexcept { return taken_; }
  /// When a step is due from `lastAnswer` (for the reader's sleep).
  TimePoint nextDue(TimePoint lastAnswer) const noexcept;

private:
  bool took(Step s) const noexcept;

  Duration timeout_;
  std::vector<Step> taken_;
  std::vector<Duration> takenAt_; ///< silence length when each step was taken
  std::string resetError_;
  bool resetSkipped_ = false;
};

const char* nameOf(HealingLadder::Step step) noexcept; // "reopen", "USB port reset", "power cycle"

} // namespace hidupsd
