// SPDX-License-Identifier: GPL-2.0-or-later
// Dispatcher: a bounded queue of notifications and the thread that delivers them to the sinks.
#include "notify/dispatcher.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hidupsd::notify {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view kDomain = "notify";

/// The line at `level`, formatted only if that level is logged (else empty: not written).
template <typename... Args>
std::pair<log::Level, std::string> lineAt(log::Level level, fmt::format_string<Args...> format,
                                          Args&&... args) {
  if (!log::enabled(level)) return {level, {}};
  return {level, fmt::format(format, std::forward<Args>(args)...)};
}

std::string durationText(milliseconds d) {
  const auto ms = d.count();
  if (ms < 1000) return fmt::format("{} ms", ms);
  if (ms % 1000 == 0) return fmt::format("{} s", ms / 1000);
  return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
}

std::string_view eventOf(const Notification& n) noexcept { return core::eventName(n.event.kind); }

std::string detailOr(const Delivery& d, std::string_view fallback) {
  return d.detail.empty() ? std::string(fallback) : d.detail;
}

} // namespace

Dispatcher::Dispatcher(std::vector<std::unique_ptr<Sink>> sinks, DispatcherOptions options)
    : sinks_(std::move(sinks)), options_(std::move(options)) {
  options_.capacity = std::max<std::size_t>(options_.capacity, 1);
  health_.resize(sinks_.size());
  for (std::size_t i = 0; i < sinks_.size(); ++i)
    health_[i].name = sinks_[i]->name();
  thread_ = std::thread([this] { run(); });
}

Dispatcher::~Dispatcher() { stop(milliseconds(0)); }

bool Dispatcher::enqueue(Notification n) {
  Entry entry{0, std::move(n), std::vector<Slot>(sinks_.size())};
  bool wanted = false;
  for (std::size_t i = 0; i < sinks_.size(); ++i)
    wanted |= entry.slots[i].pending =
        sinks_[i]->wants(entry.n.event.kind) && static_cast<std::size_t>(entry.n.except) != i + 1;
  if (!wanted) return true;

  std::string droppedName;
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    accepted = admit(entry.n.critical(), droppedName);
    if (accepted) {
      entry.seq = nextSeq_++;
      queue_.push_back(std::move(entry));
    } else {
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  wake_.notify_one();
  if (!droppedName.empty()) log::warning(kDomain, "queue full: dropped {}", droppedName);
  if (!accepted) log::warning(kDomain, "queue full or stopped: dropped {}", eventOf(entry.n));
  return accepted;
}

// Called with the lock held: whether a new notification gets in, making
// room for it if needed. A critical one always does (growing the queue).
bool Dispatcher::admit(bool critical, std::string& droppedName) {
  if (stopping_) return false;
  if (queue_.size() < options_.capacity) return true;
  return dropOldestNonCritical(droppedName) || critical;
}

// Called with the lock held and the queue full.
bool Dispatcher::dropOldestNonCritical(std::string& droppedName) {
  auto it =
      std::find_if(queue_.begin(), queue_.end(), [](const Entry& e) { return !e.n.critical(); });
  if (it == queue_.end()) return false;
  droppedName = std::string(eventOf(it->n));
  queue_.erase(it);
  dropped_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void Dispatcher::stop(milliseconds grace) {
  std::lock_guard stopLock(stopMutex_);
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      const auto now = std::chrono::steady_clock::now();
      deadline_ = now + grace;
      // Cut every wait short once: one last attempt now, not after a backoff.
      for (Entry& entry : queue_)
        for (Slot& slot : entry.slots)
          slot.due = std::min(slot.due, now);
    }
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool Dispatcher::waitIdle(milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout, [this] { return queue_.empty() && !reporting_; });
}

std::vector<core::SinkHealth> Dispatcher::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

DispatcherStats Dispatcher::stats() const noexcept {
  return {delivered_.load(std::memory_order_relaxed), retried_.load(std::memory_order_relaxed),
          failed_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed)};
}

// The thread: one attempt at a time, the lock released while a sink works.
void Dispatcher::run() noexcept {
  try {
    std::unique_lock lock(mutex_);
    Job job;
    while (nextJob(lock, job)) {
      lock.unlock();
      const Delivery delivery = sinks_[job.sink]->deliver(job.n);
      const auto now = std::chrono::steady_clock::now();
      lock.lock();
      LogLine line = settle(job, delivery, now);
      recordHealth(job, delivery);
      const core::SinkHealth health = health_[job.sink];
      reporting_ = true; // not idle until the outcome is logged
      lock.unlock();
      if (!line.second.empty()) log::write(line.first, kDomain, line.second);
      tellOutcome(job, health);
      lock.lock();
      reporting_ = false;
      idle_.notify_all();
    }
    dropRemaining();
  } catch (const std::exception& e) {
    log::error(kDomain, "notification thread: {}", e.what());
  } catch (...) {
    log::error(kDomain, "notification thread: unknown exception");
  }
  idle_.notify_all();
}

// Waits (lock held) for the next due attempt; false when the thread should end.
bool Dispatcher::nextJob(std::unique_lock<std::mutex>& lock, Job& job) {
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (stopping_ && (queue_.empty() || now >= deadline_)) return false;
    auto wakeAt = TimePoint::max();
    if (findDue(now, job, wakeAt)) return true;
    if (stopping_ && wakeAt >= deadline_) return false; // nothing more fits in the grace
    if (wakeAt == TimePoint::max())
      wake_.wait(lock);
    else
      wake_.wait_until(lock, wakeAt);
  }
}

// Each sink's next attempt is its oldest pending notification; of those due,
// the oldest notification goes first (lowest sink index on a tie).
bool Dispatcher::findDue(TimePoint now, Job& job, TimePoint& wakeAt) const {
  const Entry* best = nullptr;
  std::size_t bestSink = 0;
  for (std::size_t s = 0; s < sinks_.size(); ++s) {
    auto head = std::find_if(queue_.begin(), queue_.end(),
                             [s](const Entry& e) { return e.slots[s].pending; });
    if (head == queue_.end()) continue;
    const TimePoint due = head->slots[s].due;
    if (due > now) {
      wakeAt = std::min(wakeAt, due);
    } else if (best == nullptr || head->seq < best->seq) {
      best = &*head;
      bestSink = s;
    }
  }
  if (best == nullptr) return false;
  job = Job{best->seq, bestSink, best->slots[bestSink].attempts + 1, best->n};
  return true;
}

Dispatcher::LogLine Dispatcher::settle(const Job& job, const Delivery& delivery, TimePoint now) {
  const std::string& sink = sinks_[job.sink]->name();
  auto entry = std::find_if(queue_.begin(), queue_.end(),
                            [&job](const Entry& e) { return e.seq == job.seq; });
  LogLine line;
  Slot spare;
  Slot& slot = entry == queue_.end() ? spare : entry->slots[job.sink];
  slot.attempts = job.attempt;
  switch (delivery.result) {
  case Delivery::Result::Delivered:
    delivered_.fetch_add(1, std::memory_order_relaxed);
    slot.pending = false;
    line = lineAt(log::Level::Debug, "{}: {} delivered", sink, eventOf(job.n));
    break;
  case Delivery::Result::Failed:
    failed_.fetch_add(1, std::memory_order_relaxed);
    slot.pending = false;
    line = lineAt(log::Level::Error, "{}: {} failed: {}", sink, eventOf(job.n),
                  detailOr(delivery, "error"));
    break;
  case Delivery::Result::Retry:
    line = entry == queue_.end() ? lineAt(log::Level::Info, "{}: {}, dropped meanwhile", sink,
                                          detailOr(delivery, "failed"))
                                 : retryOrGiveUp(job, slot, delivery, now);
    break;
  }
  removeDone();
  return line;
}

// Without the lock: a listener that fails must not end the thread.
void Dispatcher::tellOutcome(const Job& job, const core::SinkHealth& health) noexcept {
  if (!options_.onOutcome) return;
  try {
    options_.onOutcome(job.sink, health, job.n);
  } catch (const std::exception& e) {
    log::error(kDomain, "{}: outcome listener: {}", health.name, e.what());
  } catch (...) {
    log::error(kDomain, "{}: outcome listener failed", health.name);
  }
}

// Called with the lock held after each attempt.
void Dispatcher::recordHealth(const Job& job, const Delivery& delivery) {
  core::SinkHealth& h = health_[job.sink];
  const auto now = std::chrono::system_clock::now();
  if (delivery.result == Delivery::Result::Delivered) {
    ++h.delivered;
    h.lastSuccess = now;
    h.failuresInRow = 0;
    return;
  }
  h.lastFailure = now;
  h.lastError = detailOr(delivery, "failed");
  ++h.failuresInRow;
  const bool givenUp =
      delivery.result == Delivery::Result::Failed || job.attempt > sinks_[job.sink]->retries();
  if (givenUp) ++h.failed;
}

Dispatcher::LogLine Dispatcher::retryOrGiveUp(const Job& job, Slot& slot, const Delivery& delivery,
                                              TimePoint now) {
  const Sink& sink = *sinks_[job.sink];
  const std::string detail = detailOr(delivery, "failed");
  if (job.attempt > sink.retries()) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    slot.pending = false;
    return lineAt(log::Level::Warning, "{}: gave up on {} after {} attempts: {}", sink.name(),
                  eventOf(job.n), job.attempt, detail);
  }
  const milliseconds asked =
      std::clamp(delivery.retryAfter, milliseconds(0), options_.retryAfterMax);
  const milliseconds wait = std::max(asked, backoff(job.attempt));
  slot.due = now + wait;
  retried_.fetch_add(1, std::memory_order_relaxed);
  return lineAt(log::Level::Info, "{}: {}, retry in {}", sink.name(), detail, durationText(wait));
}

// The wait before retry number `retry` (1 = the first): doubling, capped.
milliseconds Dispatcher::backoff(int retry) const noexcept {
  milliseconds wait = options_.backoffInitial;
  for (int i = 1; i < retry && wait < options_.backoffMax; ++i)
    wait *= 2;
  return std::min(wait, options_.backoffMax);
}

void Dispatcher::removeDone() {
  std::erase_if(queue_, [](const Entry& e) {
    return std::none_of(e.slots.begin(), e.slots.end(), [](const Slot& s) { return s.pending; });
  });
  if (queue_.empty()) idle_.notify_all();
}

// Called with the lock held when the thread ends.
void Dispatcher::dropRemaining() {
  if (queue_.empty()) return;
  const std::size_t left = queue_.size();
  dropped_.fetch_add(left, std::memory_order_relaxed);
  queue_.clear();
  log::warning(kDomain, "stopping: {} notification(s) not delivered", left);
}

} // namespace hidupsd::notify
