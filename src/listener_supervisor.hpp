// SPDX-License-Identifier: GPL-2.0-or-later
// ListenerSupervisor: the root side of privilege separation. Starts the listener process, feeds
// it, answers its requests, and starts it again when it dies or hangs.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "serve/channel.hpp"

namespace hidupsd {

/// After a write, how long the reply waits for the UPS's next reading (the device thread
/// publishes it right after the write).
inline constexpr std::chrono::milliseconds kReadBackWait{500};

struct ListenerTimings {
  std::chrono::milliseconds statePeriod{200}; ///< how often the state is looked at
  std::chrono::seconds stateRefresh{1};       ///< sent at least this often, changed or not
  std::chrono::seconds pingPeriod{5};
  std::chrono::seconds pongTimeout{15};  ///< no Pong for this long: hung, killed
  std::chrono::seconds helloTimeout{30}; ///< from start to Hello (config, TLS key, bind)
  std::chrono::seconds firstBackoff{1};  ///< the first restart's wait, doubled each time…
  std::chrono::seconds maxBackoff{60};   ///< …up to this
  std::chrono::seconds stableAfter{60};  ///< a run this long resets the back-off
  std::size_t maxOutgoing = 16u << 20;   ///< bytes queued to a listener that does not read
  std::size_t maxQueuedRequests = 8;     ///< more are answered "busy" at once
};

/// Runs the listener (`argv`: the program's path, then its whole argv, e.g. /proc/self/exe
/// hidupsd --listener CONFIG) in a process group of its own with its channel on
/// descriptor 3 and stderr shared, on a thread of its own:
///  - every statePeriod it asks `state` and sends it when it changed, or stateRefresh passed;
///  - requests are answered by `handle` on one worker thread, in order, at most
///    maxQueuedRequests waiting (a request past that is answered "busy" at once); after a
///    write (instant command, variable, FSD) the state is sent before the reply, taken after
///    the next reading (wake(); at most kReadBackWait), so a client reading back what it wrote
///    sees it;
///  - it pings; a listener that sends a malformed message, does not answer a ping, does not
///    read what it is sent, or does not say Hello in time is killed (SIGKILL);
///  - a listener that exits or is killed is started again after a back-off (firstBackoff
///    doubling to maxBackoff; reset after a run of stableAfter).
/// Nothing here waits on the listener: a hung or hostile one costs the root side one thread
/// that polls, bounded memory, and one worker thread that answers at most one request at a time.
/// Thread rules: start()/stop() on one thread; the getters from any.
class ListenerSupervisor {
public:
  using SetupFn = std::function<serve::channel::Setup()>;
  using StateFn = std::function<serve::channel::State()>;
  using RequestFn = std::function<serve::channel::Reply(const serve::channel::Request&)>;

  /// `setup`: the first message each listener gets (what to serve).
  ListenerSupervisor(std::vector<std::string> argv, SetupFn setup, StateFn state, RequestFn handle,
                     ListenerTimings timings = {});
  ~ListenerSupervisor();
  ListenerSupervisor(const ListenerSupervisor&) = delete;
  ListenerSupervisor& operator=(const ListenerSupervisor&) = delete;

  void start();
  /// Closes the channel (the listener exits), waits for it at most 2 s, then kills it.
  /// Idempotent; never throws.
  void stop() noexcept;

  /// A new reading: the state is looked at now rather than at the next statePeriod. Any
  /// thread; never blocks.
  void wake() noexcept;

  /// NUT clients logged in, as the listener last said; nullopt when no listener serves now
  /// (not started yet, restarting): nobody knows who is logged in.
  std::optional<std::size_t> loginCount() const noexcept {
    const auto n = logins_.load();
    if (n == kUnknown) return std::nullopt;
    return n;
  }
  /// The running listener's pid, 0 when none.
  pid_t pid() const noexcept { return pid_.load(); }
  /// Listener processes started so far.
  std::size_t starts() const noexcept { return starts_.load(); }

private:
  void supervise();
  /// Serves one listener until it exits or is to be killed; returns why it ended.
  std::string serveOne(int fd, pid_t pid);
  void work();
  bool sleepFor(std::chrono::seconds d);

  std::vector<std::string> argv_;
  SetupFn setup_;
  StateFn state_;
  RequestFn handle_;
  ListenerTimings timings_;

  static constexpr std::size_t kUnknown = ~std::size_t{0};
  std::atomic<std::size_t> logins_{kUnknown};
  std::atomic<pid_t> pid_{0};
  std::atomic<std::size_t> starts_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stateDue_{false};
  std::atomic<std::uint64_t> readings_{0}; ///< wake() calls: the worker waits for the next one
  int wakeFd_ = -1; ///< eventfd: stop() and finished replies wake the supervisor

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<serve::channel::Request> requests_; ///< for the worker
  std::vector<std::string> replies_;             ///< framed, for the supervisor to send
  bool busy_ = false;                            ///< the worker is handling one
  std::uint64_t generation_ = 0; ///< which listener: a late reply never reaches the next one
  std::thread supervisor_;
  std::thread worker_;
};

} // namespace hidupsd
