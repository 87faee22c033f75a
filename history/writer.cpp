// SPDX-License-Identifier: GPL-2.0-or-later
// Writer: the history's thread, its queue, its batches, its fault streaks.
#include "history/writer.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "history/rows.hpp"
#include "history/store.hpp"
#include "lib/log.hpp"

namespace hidupsd::history {

namespace {

constexpr std::string_view kDomain = "history";
using Steady = std::chrono::steady_clock;

WallTime realWallClock() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool isSample(const Item& item) { return std::holds_alternative<SampleRow>(item); }
bool isEvent(const Item& item) { return std::holds_alternative<EventRow>(item); }

} // namespace

struct Writer::Shared {
  WriterOptions options;
  ReplaceWarning warning;
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable handledChanged;
  std::deque<Item> queue;    // guarded
  std::uint64_t posted = 0;  // guarded: items accepted
  std::uint64_t handled = 0; // guarded: items taken and handled
  bool stopping = false;     // guarded
  bool done = false;         // guarded
  mutable std::mutex summaryMutex;
  Summary summary; // guarded by summaryMutex
  std::thread thread;
};

namespace {

/// The thread's side: the store, the rows waiting for it, the streaks.
class Loop {
public:
  explicit Loop(Writer::Shared& shared)
      : s_(shared), o_(shared.options), store_(o_.file, o_.keepYears) {}
  void run();

private:
  bool waitForWork(std::vector<Item>& taken);
  void apply(const std::vector<Item>& items);
  void count(const Item& item, Summary& summary);
  void keep(std::vector<Item>& items);
  void trim();
  void tryOpen();
  void flush();
  void afterWrite();
  void maintain();
  void judgeHealth();
  void warnIfDue(const Health& health);
  void failed(const std::exception& e, std::string_view doing);
  void recovered();
  void setState(bool writable, std::string problem);
  WallTime now() const { return o_.wallClock ? o_.wallClock() : realWallClock(); }

  Writer::Shared& s_;
  const WriterOptions& o_;
  Store store_;
  std::vector<Item> pending_;
  bool urgent_ = false;
  bool closesPending_ = false;
  bool failing_ = false;
  std::uint64_t failures_ = 0;
  Steady::time_point nextOpen_{};
  Steady::time_point nextFlush_{};
  Steady::time_point nextCompact_{};
  Steady::time_point nextHealth_{};
  std::int64_t dataVersion_ = -1;
  std::optional<WallTime> lastWarned_;
};

void Loop::run() {
  nextFlush_ = Steady::now() + o_.flushInterval;
  for (;;) {
    std::vector<Item> taken;
    const bool stopping = waitForWork(taken);
    const auto n = taken.size();
    apply(taken);
    keep(taken);
    if (!store_.isOpen() && (Steady::now() >= nextOpen_ || stopping)) tryOpen();
    if (store_.isOpen() && (urgent_ || stopping || Steady::now() >= nextFlush_)) flush();
    if (store_.isOpen() && !stopping) maintain();
    {
      const std::lock_guard lock(s_.mutex);
      s_.handled += n;
    }
    s_.handledChanged.notify_all();
    if (stopping) return;
  }
}

/// Waits for items, a deadline or stop; true when stopping.
bool Loop::waitForWork(std::vector<Item>& taken) {
  std::unique_lock lock(s_.mutex);
  // Closed (the file cannot be opened): only the next try wakes it. The flush time is the
  // open store's (it moves only when a flush runs): counted while closed, it would lie in the
  // past and turn this wait into a spin.
  const auto until =
      store_.isOpen() ? std::min({nextFlush_, nextCompact_, nextHealth_}) : nextOpen_;
  s_.wake.wait_until(lock, until, [&] { return !s_.queue.empty() || s_.stopping; });
  taken.assign(std::make_move_iterator(s_.queue.begin()), std::make_move_iterator(s_.queue.end()));
  s_.queue.clear();
  return s_.stopping;
}

void Loop::apply(const std::vector<Item>& items) {
  if (items.empty()) return;
  const std::lock_guard lock(s_.summaryMutex);
  for (const auto& item : items)
    count(item, s_.summary);
}

// The counters move at once, whether or not the disk takes the rows: /metrics stays true.
void Loop::count(const Item& item, Summary& summary) {
  Statistics& st = summary.statistics;
  if (const auto* o = std::get_if<TransferOpened>(&item); o && o->row.cause == Cause::Outage)
    st.onBatterySince = o->row.start;
  if (const auto* c = std::get_if<TransferClosed>(&item)) {
    st.onBatterySince.reset();
    if (c->row.cause == Cause::Outage) {
      ++st.transfers;
      st.blips += c->row.blip ? 1 : 0;
      st.onBatterySeconds += c->row.duration;
      st.last = c->row;
    }
  }
  if (const auto* o = std::get_if<TestOpened>(&item))
    (o->row.kind == "deep" ? st.lastDeepTest : st.lastQuickTest) = o->row.start;
  if (const auto* c = std::get_if<TestClosed>(&item)) {
    ++st.tests;
    st.testsFailed += testFailed(c->row.result) ? 1 : 0;
    summary.lastTest = c->row;
  }
}

void Loop::keep(std::vector<Item>& items) {
  for (auto& item : items) {
    urgent_ = urgent_ || !isSample(item);
    closesPending_ = closesPending_ || std::holds_alternative<TransferClosed>(item) ||
                     std::holds_alternative<TestClosed>(item);
    pending_.push_back(std::move(item));
  }
  trim();
}

/// While the disk fails: the oldest samples, then the oldest events go first.
void Loop::trim() {
  std::size_t samples = 0, events = 0;
  for (const auto& item : pending_) {
    samples += isSample(item) ? 1 : 0;
    events += isEvent(item) ? 1 : 0;
  }
  if (samples <= o_.pendingSamples && events <= o_.pendingRows) return;
  std::uint64_t dropped = 0;
  std::vector<Item> kept;
  for (auto& item : pending_) {
    if (isSample(item) && samples > o_.pendingSamples) {
      --samples, ++dropped;
    } else if (isEvent(item) && events > o_.pendingRows) {
      --events, ++dropped;
    } else {
      kept.push_back(std::move(item));
    }
  }
  pending_ = std::move(kept);
  const std::lock_guard lock(s_.summaryMutex);
  s_.summary.store.dropped += dropped;
}

void Loop::tryOpen() {
  try {
    store_.open(now());
    if (!store_.movedAside().empty())
      log::error(kDomain, "{} was not a sound database: moved aside as {}; a new history starts",
                 o_.file.string(), store_.movedAside());
    Statement warned = store_.db().prepare("SELECT value FROM meta WHERE key = 'replace_warned'");
    if (warned.step()) lastWarned_ = std::strtod(warned.text(0).c_str(), nullptr);
    urgent_ = true; // what waited in memory goes now
    closesPending_ = true;
    flush();
  } catch (const std::exception& e) {
    store_.close();
    failed(e, "open");
    nextOpen_ = Steady::now() + o_.retryInterval;
  }
}

void Loop::flush() {
  try {
    store_.write(pending_);
    pending_.clear();
    urgent_ = false;
    nextFlush_ = Steady::now() + o_.flushInterval;
    afterWrite();
    recovered();
  } catch (const SqliteError& e) {
    failed(e, "write");
    urgent_ = false;
    nextFlush_ = Steady::now() + o_.retryInterval;
    if (e.fault() == Fault::Corrupt) {
      store_.close(); // reopened (and the file moved aside) at once
      nextOpen_ = Steady::now();
    }
  } catch (const std::exception& e) {
    failed(e, "write");
    nextFlush_ = Steady::now() + o_.retryInterval;
  }
}

/// The database now holds everything: its statistics are the truth.
void Loop::afterWrite() {
  if (!closesPending_) return;
  closesPending_ = false;
  auto statistics = queryStatistics(store_.db());
  auto inputs = queryHealthInputs(store_.db());
  {
    const std::lock_guard lock(s_.summaryMutex);
    statistics.onBatterySince = s_.summary.statistics.onBatterySince;
    s_.summary.statistics = std::move(statistics);
    s_.summary.lastTest = inputs.lastTest;
  }
  nextHealth_ = Steady::now(); // judged again now
}

void Loop::maintain() {
  try {
    if (Steady::now() >= nextCompact_) {
      store_.compact(now());
      nextCompact_ = Steady::now() + o_.compactInterval;
    }
    const auto version = store_.dataVersion();
    if (version != dataVersion_) nextHealth_ = Steady::now(); // --battery-replaced
    dataVersion_ = version;
    if (Steady::now() >= nextHealth_) judgeHealth();
  } catch (const std::exception& e) {
    failed(e, "maintain");
    nextCompact_ = Steady::now() + o_.retryInterval;
    nextHealth_ = nextCompact_;
  }
}

void Loop::judgeHealth() {
  const Health health = assessHealth(queryHealthInputs(store_.db()), o_.health, now());
  {
    const std::lock_guard lock(s_.summaryMutex);
    s_.summary.health = health;
  }
  nextHealth_ = Steady::now() + std::chrono::hours(24);
  warnIfDue(health);
}

void Loop::warnIfDue(const Health& health) {
  if (!health.replace || !s_.warning) return;
  const WallTime t = now();
  const double every = std::chrono::duration<double>(o_.warnEvery).count();
  if (lastWarned_ && t - *lastWarned_ < every) return;
  lastWarned_ = t;
  Statement s =
      store_.db().prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('replace_warned', ?1)");
  s.bind(1, fmt::format("{:.0f}", t)).run();
  s_.warning(health);
}

void Loop::failed(const std::exception& e, std::string_view doing) {
  ++failures_;
  {
    const std::lock_guard lock(s_.summaryMutex);
    ++s_.summary.store.writeErrors;
  }
  const auto* sql = dynamic_cast<const SqliteError*>(&e);
  const std::string problem =
      sql != nullptr ? fmt::format("{} ({})", nameOf(sql->fault()), e.what()) : e.what();
  setState(false, problem);
  if (std::exchange(failing_, true)) {
    log::debug(kDomain, "{} failed again: {}", doing, problem);
    return;
  }
  log::warning(kDomain,
               "cannot {} {}: {}; the history waits in memory (up to a day of samples) and is "
               "written when it can again, every {} s",
               doing == "open" ? "open" : "write to", o_.file.string(), problem,
               std::chrono::duration_cast<std::chrono::seconds>(o_.retryInterval).count());
}

void Loop::recovered() {
  setState(true, "");
  if (!std::exchange(failing_, false)) return;
  std::uint64_t dropped = 0;
  {
    const std::lock_guard lock(s_.summaryMutex);
    dropped = s_.summary.store.dropped;
  }
  log::notice(kDomain, "writing to {} again after {} failed attempt(s); {} row(s) dropped so far",
              o_.file.string(), failures_, dropped);
  failures_ = 0;
}

void Loop::setState(bool writable, std::string problem) {
  const std::lock_guard lock(s_.summaryMutex);
  s_.summary.store.writable = writable;
  s_.summary.store.problem = std::move(problem);
  s_.summary.store.loaded = s_.summary.store.loaded || writable;
}

} // namespace

Writer::Writer(WriterOptions options, ReplaceWarning warning)
    : shared_(std::make_shared<Shared>()) {
  shared_->options = std::move(options);
  shared_->warning = std::move(warning);
  shared_->summary.store.enabled = true;
  // The thread keeps the shared state alive: stop() may leave it behind a hung disk.
  shared_->thread = std::thread([shared = shared_] {
    try {
      Loop(*shared).run();
    } catch (const std::exception& e) {
      log::error(kDomain, "the history's thread ended: {}", e.what());
    }
    const std::lock_guard lock(shared->mutex);
    shared->done = true;
    shared->handled = shared->posted;
    shared->handledChanged.notify_all();
  });
}

Writer::~Writer() { stop(std::chrono::milliseconds(0)); }

// Samples alone do not wake the thread: they wait for the next flush anyway, and a wakeup
// every 10 s would be most of the history's idle cost (bench/). Anything else (an event, a
// transfer, a test) is written at once; a queue half full is taken early.
void Writer::post(Items items) noexcept {
  if (items.empty()) return;
  std::size_t dropped = 0;
  bool wake = false;
  {
    const std::lock_guard lock(shared_->mutex);
    for (const auto& item : items)
      wake = wake || !isSample(item);
    for (auto& item : items) {
      if (shared_->queue.size() >= shared_->options.queueLimit || shared_->done) {
        ++dropped;
        continue;
      }
      try {
        shared_->queue.push_back(std::move(item));
        ++shared_->posted;
      } catch (...) {
        ++dropped;
      }
    }
    wake = wake || shared_->queue.size() >= shared_->options.queueLimit / 2;
  }
  if (wake) shared_->wake.notify_one();
  if (dropped == 0) return;
  const std::lock_guard lock(shared_->summaryMutex);
  shared_->summary.store.dropped += dropped;
}

Summary Writer::summary() const {
  const std::lock_guard lock(shared_->summaryMutex);
  return shared_->summary;
}

bool Writer::sync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(shared_->mutex);
  const auto target = shared_->posted;
  shared_->wake.notify_one();
  return shared_->handledChanged.wait_for(lock, timeout,
                                          [&] { return shared_->handled >= target; });
}

void Writer::stop(std::chrono::milliseconds grace) noexcept {
  if (!shared_->thread.joinable()) return;
  std::unique_lock lock(shared_->mutex);
  shared_->stopping = true;
  shared_->wake.notify_one();
  const bool ended = shared_->handledChanged.wait_for(lock, grace, [&] { return shared_->done; });
  lock.unlock();
  if (ended) {
    shared_->thread.join();
    return;
  }
  log::warning(kDomain, "the history did not finish writing within {} ms: left behind",
               grace.count());
  shared_->thread.detach();
}

} // namespace hidupsd::history
