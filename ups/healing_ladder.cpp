// SPDX-License-Identifier: GPL-2.0-or-later
// HealingLadder: three steps at fixed fractions of the comms-lost timeout, each once per silence.
#include "ups/healing_ladder.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hidupsd {

namespace {

double seconds(core::Clock::duration d) noexcept { return core::Seconds(d).count(); }

constexpr std::string_view kUnplugAdvice =
    "power-cycle the UPS's USB link: unplug its USB cable and plug it back in (or switch the "
    "UPS off and on when that is safe)";

} // namespace

const char* nameOf(HealingLadder::Step step) noexcept {
  switch (step) {
  case HealingLadder::Step::Reopen: return "reopen";
  case HealingLadder::Step::Reset: return "USB port reset";
  case HealingLadder::Step::PowerCycle: return "power cycle";
  }
  return "?";
}

HealingLadder::HealingLadder(Duration commsLostTimeout) : timeout_(commsLostTimeout) {}

bool HealingLadder::took(Step s) const noexcept {
  return std::find(taken_.begin(), taken_.end(), s) != taken_.end();
}

HealingLadder::TimePoint HealingLadder::nextDue(TimePoint lastAnswer) const noexcept {
  if (!took(Step::Reopen)) return lastAnswer + timeout_ / 3;
  if (!took(Step::Reset) && !resetSkipped_) return lastAnswer + timeout_ * 2 / 3;
  if (!took(Step::PowerCycle)) return lastAnswer + timeout_;
  return TimePoint::max();
}

std::optional<HealingLadder::Step> HealingLadder::due(TimePoint now, TimePoint lastAnswer,
                                                      bool canReset) {
  const Duration silent = now - lastAnswer;
  const auto take = [&](Step s) {
    taken_.push_back(s);
    takenAt_.push_back(silent);
    return s;
  };
  if (took(Step::PowerCycle)) return std::nullopt; // bounded: given up until an answer
  if (silent >= timeout_) {
    resetSkipped_ = took(Step::Reopen) && !took(Step::Reset) && !canReset;
    return take(Step::PowerCycle);
  }
  if (silent >= timeout_ * 2 / 3 && took(Step::Reopen) && !took(Step::Reset) && canReset)
    return take(Step::Reset);
  if (silent >= timeout_ / 3 && !took(Step::Reopen)) return take(Step::Reopen);
  return std::nullopt;
}

void HealingLadder::resetFailed(std::string why) { resetError_ = std::move(why); }

std::vector<HealingLadder::Step> HealingLadder::answered() {
  auto out = std::move(taken_);
  taken_.clear();
  takenAt_.clear();
  resetError_.clear();
  resetSkipped_ = false;
  return out;
}

std::string HealingLadder::advice(TimePoint now, TimePoint lastAnswer,
                                  std::string_view lastError) const {
  std::string out =
      fmt::format("no answer for {:g} s (last error: {})", seconds(now - lastAnswer), lastError);
  const auto at = [&](Step s) {
    const auto i =
        static_cast<std::size_t>(std::find(taken_.begin(), taken_.end(), s) - taken_.begin());
    return seconds(takenAt_.at(i));
  };
  if (resetSkipped_)
    return out + "; no device could be opened to reset: check the UPS's USB cable and `lsusb`";
  if (took(Step::Reset) && resetError_.empty())
    return out + fmt::format("; reopening it at {:g} s and resetting its USB port at {:g} s did "
                             "not help: {}",
                             at(Step::Reopen), at(Step::Reset), kUnplugAdvice);
  if (took(Step::Reset))
    return out + fmt::format("; reopening it at {:g} s did not help and the USB port reset "
                             "failed ({}): {}",
                             at(Step::Reopen), resetError_, kUnplugAdvice);
  if (took(Step::Reopen))
    return out + fmt::format("; reopening it at {:g} s did not help", at(Step::Reopen));
  return out;
}

} // namespace hidupsd
