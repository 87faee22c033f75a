// SPDX-License-Identifier: GPL-2.0-or-later
// Dispatcher: a bounded queue of notifications and the thread that delivers them to the sinks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/daemon_state.hpp"
#include "lib/log.hpp"
#include "notify/notification.hpp"
#include "notify/sink.hpp"

namespace hidupsd::notify {

/// Called on the dispatcher thread after every attempt, without its lock:
/// the sink (its position, 0 = the first), its health after the attempt, and
/// the notification tried. It may enqueue(); it must not block.
using OutcomeListener =
    std::function<void(std::size_t sink, const core::SinkHealth& health, const Notification& n)>;

struct DispatcherOptions {
  std::size_t capacity = 64;                      ///< notifications queued at most
  std::chrono::milliseconds backoffInitial{1000}; ///< wait before the first retry
  std::chrono::milliseconds backoffMax{60000};    ///< the doubling stops here
  /// A sink's retryAfter (HTTP 429) is honoured up to this.
  std::chrono::milliseconds retryAfterMax{std::chrono::minutes(15)};
  OutcomeListener onOutcome; ///< may be empty
};

/// Counters since construction; each sink's outcome counts once.
struct DispatcherStats {
  std::uint64_t delivered = 0; ///< (notification, sink) pairs delivered
  std::uint64_t retried = 0;   ///< attempts scheduled again after a Retry
  std::uint64_t failed = 0;    ///< pairs given up: Failed, or retries used up
  std::uint64_t dropped = 0;   ///< notifications lost: queue full, or left at stop()
};

/// Delivers notifications to sinks on its own thread, best effort.
///
/// Each notification is delivered to every sink that wants its kind (but
/// the one Notification::except names), in queue order per sink. A Retry is rescheduled after
/// max(retryAfter, backoff) (backoff doubling from backoffInitial up to backoffMax), at most
/// sink.retries() times; a Failed is not retried. Waiting sinks do not hold
/// the others back: the thread always serves the sink whose next
/// (notification, attempt) is due, oldest notification first, so a sink in
/// backoff only delays itself. A deliver() call itself is bounded by that
/// sink's timeout(); that is the longest one sink can stall the others.
///
/// Queue: `capacity` notifications not yet done with every sink. When full,
/// a new notification drops the oldest non-critical one; if all are
/// critical, a new non-critical one is dropped, a new critical one is added
/// (the queue grows by one). Critical = Notification::critical().
///
/// Outcomes go to the log (lib/log.hpp, domain "notify"): "discord #1: HTTP 500, retry
/// in 2 s" (sink names only, never URLs).
///
/// Thread rules: enqueue(), stats(), waitIdle() and stop() may be called from
/// any thread; enqueue() never blocks (a mutex held for a deque push).
/// The constructor starts the thread and throws std::system_error if it
/// cannot; nothing else throws but std::bad_alloc.
class Dispatcher {
public:
  Dispatcher(std::vector<std::unique_ptr<Sink>> sinks, DispatcherOptions options = {});
  /// stop(0): an attempt in progress finishes, the rest is dropped.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Queues `n`. False if `n` itself was dropped (queue full of critical
  /// notifications, or stopped).
  bool enqueue(Notification n);

  /// Stops taking notifications; the pending ones get up to `grace` in all,
  /// then the thread ends and what is left is dropped (counted). Waits for
  /// retries are cut short once: one more attempt at once, retry budget
  /// permitting; a later retry due after the grace is not waited for.
  /// Returns after at most grace + one sink's timeout, earlier when nothing
  /// is left to do. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

  /// Waits until every queued notification is done with (for --test-event
  /// and tests). True if idle, false after `timeout`.
  bool waitIdle(std::chrono::milliseconds timeout);

  DispatcherStats stats() const noexcept;
  /// Each sink's health, in sink order (names filled). Any thread.
  std::vector<core::SinkHealth> health() const;
  std::size_t sinkCount() const noexcept { return sinks_.size(); }

private:
  using TimePoint = std::chrono::steady_clock::time_point;
  /// A line for the log, formatted only if its level is enabled (else empty).
  using LogLine = std::pair<log::Level, std::string>;
  /// One sink's progress with one notification.
  struct Slot {
    bool pending = false; ///< wanted and not done with yet
    int attempts = 0;     ///< made so far
    TimePoint due{};      ///< of the next attempt
  };
  struct Entry {
    std::uint64_t seq = 0;
    Notification n;
    std::vector<Slot> slots; ///< one per sink
  };
  /// One attempt, copied out of the queue to run without the lock.
  struct Job {
    std::uint64_t seq = 0;
    std::size_t sink = 0;
    int attempt = 0; ///< 1 = the first one
    Notification n;
  };

  void run() noexcept;
  bool nextJob(std::unique_lock<std::mutex>& lock, Job& job);
  bool findDue(TimePoint now, Job& job, TimePoint& wakeAt) const;
  LogLine settle(const Job& job, const Delivery& delivery, TimePoint now);
  void recordHealth(const Job& job, const Delivery& delivery);
  void tellOutcome(const Job& job, const core::SinkHealth& health) noexcept;
  LogLine retryOrGiveUp(const Job& job, Slot& slot, const Delivery& delivery, TimePoint now);
  bool admit(bool critical, std::string& droppedName);
  bool dropOldestNonCritical(std::string& droppedName);
  void removeDone();
  void dropRemaining();
  std::chrono::milliseconds backoff(int retry) const noexcept;

  std::vector<std::unique_ptr<Sink>> sinks_;
  DispatcherOptions options_;

  std::mutex stopMutex_; ///< serialises stop()'s join
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool reporting_ = false; // guarded: an outcome settled but not yet logged (waitIdle waits)
  std::deque<Entry> queue_;
  std::vector<core::SinkHealth> health_; // guarded, one per sink
  std::uint64_t nextSeq_ = 0;
  bool stopping_ = false;
  TimePoint deadline_{};

  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> retried_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> dropped_{0};

  std::thread thread_;
};

} // namespace hidupsd::notify
