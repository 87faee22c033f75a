// SPDX-License-Identifier: GPL-2.0-or-later
// Engine: the monitor on the device thread.
#include "ups/engine.hpp"

#include "lib/log.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "policy";

/// Called in a catch block. A step of the monitor can only fail for want of memory
/// (std::bad_alloc): that step's events are lost and the device thread goes on; the next
/// snapshot or timer runs the monitor again. Never silent: the log says which step.
void stepFailed(std::string_view what) noexcept {
  try {
    throw;
  } catch (const std::exception& e) {
    log::error(kDomain, "handling {} failed: {}", what, e.what());
  } catch (...) {
    log::error(kDomain, "handling {} failed", what);
  }
}

} // namespace

Engine::Engine(PolicyOptions options, core::Clock& clock, EventSink& sink)
    : clock_(clock), sink_(sink), monitor_(options) {}

void Engine::onSnapshot(const core::Snapshot& snapshot) noexcept {
  try {
    core::Snapshot stamped = snapshot;
    stamped.time = clock_.now();
    {
      std::lock_guard lock(mutex_);
      latest_ = stamped;
    }
    emit(monitor_.onSnapshot(stamped, stamped.time));
  } catch (...) {
    stepFailed("a snapshot");
  }
}

void Engine::onCommLost(std::string reason) noexcept {
  {
    std::lock_guard lock(mutex_);
    commLost_ = true;
  }
  try {
    emit(monitor_.onCommLost(clock_.now(), std::move(reason)));
  } catch (...) {
    stepFailed("losing the UPS");
  }
}

void Engine::onCommRestored() noexcept {
  {
    std::lock_guard lock(mutex_);
    commLost_ = false;
  }
  try {
    emit(monitor_.onCommRestored(clock_.now()));
  } catch (...) {
    stepFailed("the UPS answering again");
  }
}

void Engine::onIdle(core::Clock::time_point now) noexcept {
  applyPendingPolicy();
  applyForcedShutdown(now);
  applyRequests(now);
  {
    std::lock_guard lock(mutex_);
    lastStep_ = now;
  }
  try {
    const auto deadline = monitor_.nextDeadline();
    if (deadline && *deadline <= now) emit(monitor_.tick(now));
  } catch (...) {
    stepFailed("a timer");
  }
}

std::optional<core::Clock::time_point> Engine::wakeAt() const noexcept {
  return monitor_.nextDeadline();
}

void Engine::requestPolicy(PolicyOptions options) {
  std::lock_guard lock(mutex_);
  pending_ = options;
}

void Engine::requestForcedShutdown(core::Phrase reason) {
  std::lock_guard lock(mutex_);
  if (!forced_) forced_ = std::move(reason);
}

void Engine::enqueue(Request request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
}

void Engine::requestTest(std::string kind, std::string who) {
  enqueue([kind = std::move(kind), who = std::move(who)](Monitor& m, core::Clock::time_point now) {
    return m.onTestRequested(now, kind, who);
  });
}

void Engine::requestTestFailed(std::string why) {
  enqueue([why = std::move(why)](Monitor& m, core::Clock::time_point now) {
    return m.onTestFailed(now, why);
  });
}

void Engine::requestEvent(core::EventKind kind, core::Phrase reason) {
  enqueue([kind, reason = std::move(reason)](Monitor& m, core::Clock::time_point now) {
    return Monitor::Events{
        core::Event{kind, now, reason, m.lastSnapshot(), std::nullopt, std::nullopt}};
  });
}

void Engine::applyRequests(core::Clock::time_point now) noexcept {
  std::vector<Request> requests;
  {
    std::lock_guard lock(mutex_);
    requests.swap(requests_);
  }
  for (auto& request : requests) {
    try {
      emit(request(monitor_, now));
    } catch (...) {
      stepFailed("a request (battery test, warning)");
    }
  }
}

bool Engine::testRunning() const noexcept {
  std::lock_guard lock(mutex_);
  return testRunning_;
}

bool Engine::commLost() const noexcept {
  std::lock_guard lock(mutex_);
  return commLost_;
}

void Engine::applyForcedShutdown(core::Clock::time_point now) noexcept {
  std::optional<core::Phrase> reason;
  {
    std::lock_guard lock(mutex_);
    reason.swap(forced_);
  }
  if (!reason) return;
  try {
    emit(monitor_.onForcedShutdown(now, std::move(*reason)));
  } catch (...) {
    stepFailed("a forced shutdown (FSD)");
  }
}

void Engine::applyPendingPolicy() noexcept {
  std::optional<PolicyOptions> next;
  {
    std::lock_guard lock(mutex_);
    next.swap(pending_);
  }
  if (next) monitor_.setOptions(*next);
}

core::Snapshot Engine::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

bool Engine::shutdownStarted() const noexcept {
  std::lock_guard lock(mutex_);
  return shutdown_;
}

core::Clock::time_point Engine::lastStep() const noexcept {
  std::lock_guard lock(mutex_);
  return lastStep_;
}

void Engine::emit(const std::vector<core::Event>& events) noexcept {
  {
    std::lock_guard lock(mutex_);
    testRunning_ = monitor_.testRunning();
  }
  if (events.empty()) return;
  for (const auto& e : events) {
    if (e.kind == core::EventKind::Shutdown) {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
  }
  sink_.onEvents(events);
}

} // namespace hidupsd
