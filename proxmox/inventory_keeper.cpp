// SPDX-License-Identifier: GPL-2.0-or-later
// InventoryKeeper: one thread, asleep until asked or, on battery, until the next refresh is due.
#include "proxmox/inventory_keeper.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "lib/log.hpp"

namespace hidupsd::proxmox {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::string_view kDomain = "guests";

} // namespace

/// What the keeper and its thread share; the last of the two frees it (a
/// hung discovery keeps it alive after the keeper is gone).
struct InventoryKeeper::State {
  Discover discover;
  Report report;
  Options options;
  mutable std::mutex mutex;
  std::condition_variable wake;         // the thread waits on it
  mutable std::condition_variable done; // waitFor() and the destructor wait on it
  bool stop = false;                    // guarded, and so is everything below
  bool exited = false;
  bool requested = false;      // refresh(): due once minSpacing has passed
  bool onBattery = false;      // refresh every onBatteryRefresh
  std::uint64_t wanted = 0;    // the highest ticket refreshNow() gave
  std::uint64_t started = 0;   // discoveries begun
  std::uint64_t completed = 0; // the generation of `latest`
  std::optional<SteadyClock::time_point> lastStart;
  std::optional<SteadyClock::time_point> runningSince;
  std::shared_ptr<const Inventory> latest;

  /// When the next discovery is due (at or before now: at once), or nullopt: never, until asked.
  std::optional<SteadyClock::time_point> due() const {
    constexpr auto kAtOnce = SteadyClock::time_point::min();
    if (wanted > started) return kAtOnce; // refreshNow(): no spacing
    if (!lastStart) return requested || onBattery ? std::optional(kAtOnce) : std::nullopt;
    std::optional<SteadyClock::time_point> at;
    if (requested) at = *lastStart + options.minSpacing;
    if (onBattery) {
      const auto periodic = *lastStart + options.onBatteryRefresh;
      at = at ? std::min(*at, periodic) : periodic;
    }
    return at;
  }
};

InventoryKeeper::InventoryKeeper(Discover discover, Options options, Report report)
    : state_(std::make_shared<State>()) {
  state_->discover = std::move(discover);
  state_->report = std::move(report);
  state_->options = options;
  thread_ = std::thread([state = state_] { loop(state); });
}

InventoryKeeper::~InventoryKeeper() {
  std::unique_lock lock(state_->mutex);
  state_->stop = true;
  state_->wake.notify_all();
  const bool ended =
      state_->done.wait_for(lock, state_->options.stopGrace, [&] { return state_->exited; });
  lock.unlock();
  if (ended) {
    thread_.join();
    return;
  }
  log::warning(kDomain, "a guest discovery still runs (hung on pmxcfs or a tool?): left behind");
  thread_.detach();
}

void InventoryKeeper::refresh() noexcept {
  const std::lock_guard lock(state_->mutex);
  state_->requested = true;
  state_->wake.notify_all();
}

std::uint64_t InventoryKeeper::refreshNow() noexcept {
  const std::lock_guard lock(state_->mutex);
  // A discovery running now began before this call: the ticket is the next one.
  const auto ticket = state_->started + 1;
  state_->wanted = std::max(state_->wanted, ticket);
  state_->wake.notify_all();
  return ticket;
}

void InventoryKeeper::setOnBattery(bool onBattery) noexcept {
  const std::lock_guard lock(state_->mutex);
  if (state_->onBattery == onBattery) return;
  state_->onBattery = onBattery;
  if (onBattery) state_->requested = true;
  state_->wake.notify_all();
}

std::shared_ptr<const Inventory> InventoryKeeper::latest() const {
  const std::lock_guard lock(state_->mutex);
  return state_->latest;
}

std::shared_ptr<const Inventory> InventoryKeeper::waitFor(std::uint64_t ticket,
                                                          SteadyClock::time_point until) const {
  std::unique_lock lock(state_->mutex);
  state_->done.wait_until(lock, until, [&] { return state_->completed >= ticket; });
  return state_->completed >= ticket ? state_->latest : nullptr;
}

std::shared_ptr<const Inventory> InventoryKeeper::ready(std::uint64_t ticket) const {
  const std::lock_guard lock(state_->mutex);
  return state_->completed >= ticket ? state_->latest : nullptr;
}

std::optional<SteadyClock::time_point> InventoryKeeper::runningSince() const {
  const std::lock_guard lock(state_->mutex);
  return state_->runningSince;
}

void InventoryKeeper::loop(const std::shared_ptr<State>& s) noexcept {
  std::unique_lock lock(s->mutex);
  while (!s->stop) {
    const auto now = SteadyClock::now();
    const auto due = s->due();
    if (!due) {
      s->wake.wait(lock); // nothing asked: sleep until someone asks
      continue;
    }
    if (*due > now) {
      s->wake.wait_until(lock, *due);
      continue;
    }
    s->requested = false;
    const auto generation = ++s->started;
    s->lastStart = s->runningSince = now;
    lock.unlock();
    Inventory fresh;
    try {
      fresh = s->discover();
    } catch (const std::exception& e) {
      fresh.problems.push_back(std::string("guest discovery failed: ") + e.what());
    }
    fresh.generation = generation;
    auto shared = std::make_shared<const Inventory>(std::move(fresh));
    lock.lock();
    auto previous = std::exchange(s->latest, shared);
    s->completed = generation;
    s->runningSince.reset();
    s->done.notify_all();
    if (!s->report) continue;
    lock.unlock();
    try {
      s->report(*shared, previous.get());
    } catch (...) {
      log::error(kDomain, "a guest discovery could not be reported (out of memory)");
    }
    lock.lock();
  }
  s->exited = true;
  s->done.notify_all();
}

} // namespace hidupsd::proxmox
