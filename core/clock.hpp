// SPDX-License-Identifier: GPL-2.0-or-later
// Clock: the one source of time for the pure core, real or simulated.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>

namespace hidupsd::core {

/// The time source every timer in hidupsd reads. Monotonic; time zero is
/// arbitrary. Implementations are thread-safe.
class Clock {
public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual time_point now() const noexcept = 0;
  /// Blocks the calling thread for `d` of this clock's time.
  virtual void sleepFor(duration d) noexcept = 0;
};

/// The real monotonic clock.
class SteadyClock final : public Clock {
public:
  time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
  void sleepFor(duration d) noexcept override { std::this_thread::sleep_for(d); }
};

/// A clock that only moves when told to: sleepFor() advances it at once.
/// For deterministic single-threaded tests.
class ManualClock final : public Clock {
public:
  time_point now() const noexcept override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void sleepFor(duration d) noexcept override { advance(d); }
  void advance(duration d) noexcept {
    std::lock_guard lock(mutex_);
    now_ += d;
  }

private:
  mutable std::mutex mutex_;
  time_point now_{};
};

/// Real time sped up `speed` times (hidupsd --simulate --speed N, soak tests):
/// one real second is `speed` seconds of this clock.
class ScaledClock final : public Clock {
public:
  explicit ScaledClock(double speed) : speed_(speed > 0 ? speed : 1) {}
  time_point now() const noexcept override {
    const auto real = std::chrono::steady_clock::now() - start_;
    return start_ + std::chrono::duration_cast<duration>(real * speed_);
  }
  void sleepFor(duration d) noexcept override {
    std::this_thread::sleep_for(std::chrono::duration_cast<duration>(d / speed_));
  }
  double speed() const noexcept { return speed_; }

private:
  double speed_;
  time_point start_ = std::chrono::steady_clock::now();
};

/// Seconds as a floating-point duration, for readable arithmetic on times.
using Seconds = std::chrono::duration<double>;

} // namespace hidupsd::core
