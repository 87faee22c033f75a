// SPDX-License-Identifier: GPL-2.0-or-later
// SignalWait: the main thread's one wait — signals, a periodic timer, wake-ups — with no timeout.
#pragma once

#include <signal.h>

#include <chrono>

#include "lib/unique_fd.hpp"

namespace hidupsd::lib {

/// Waits in poll(2) on a signalfd (the signals given, which the caller keeps
/// blocked in every thread), a timerfd (an optional period) and an eventfd
/// (wake() from any thread). Nothing else wakes the waiting thread: an idle
/// daemon's main thread costs no wakeup at all.
///
/// Thread rules: wait() and setPeriod() on one thread; wake() from any
/// thread, never blocks, never fails. The constructor throws
/// std::system_error when a descriptor cannot be made.
class SignalWait {
public:
  explicit SignalWait(const sigset_t& signals);

  /// The periodic timer (monotonic clock); zero or less turns it off.
  void setPeriod(std::chrono::nanoseconds period);
  /// Makes the current or next wait() return with `woken` set.
  void wake() noexcept;

  struct Wakeup {
    int signal = 0;     ///< the signal received, 0 for none
    bool timer = false; ///< the period elapsed (once or more)
    bool woken = false; ///< wake() was called (once or more)
  };
  /// Blocks until at least one of the three happens; reports one signal at a
  /// time (a second one waits for the next call). EINTR is retried. Throws
  /// std::system_error if poll itself fails.
  Wakeup wait();

private:
  UniqueFd signals_;
  UniqueFd timer_;
  UniqueFd event_;
};

} // namespace hidupsd::lib
