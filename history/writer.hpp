// SPDX-License-Identifier: GPL-2.0-or-later
// Writer: the history's own thread: a bounded queue in, the database written in batches.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "history/health.hpp"
#include "history/recorder.hpp"

namespace hidupsd::history {

struct WriterOptions {
  std::filesystem::path file; ///< [history] file
  int keepYears = 5;          ///< [history] keep_years: the 1-h samples and the events
  HealthOptions health;
  /// Samples are written this often; any other row (an event, a transfer) at once.
  std::chrono::milliseconds flushInterval{60000};
  /// After a failed open or write, the next attempt.
  std::chrono::milliseconds retryInterval{10000};
  std::chrono::milliseconds compactInterval{3600000};
  std::size_t queueLimit = 4096;     ///< items waiting for the thread; more are dropped
  std::size_t pendingSamples = 8640; ///< samples kept while the disk fails (a day)
  std::size_t pendingRows = 4096;    ///< events kept while the disk fails
  /// How often, at most, the replacement warning is repeated while it holds.
  std::chrono::hours warnEvery{24 * 7};
  /// Wall-clock "now" (Unix s) for downsampling and the battery's age.
  std::function<WallTime()> wallClock;
};

/// Called on the writer thread when the battery is due (Health::replace),
/// at most once per warnEvery (the last time is kept in the database).
using ReplaceWarning = std::function<void(const Health& health)>;

/// The history's writer thread. post() never blocks and never fails: a full
/// queue drops the items (counted in Summary::store.dropped). The thread
/// opens the database (retrying every retryInterval while it cannot),
/// writes events, transfers and tests as they come and samples every
/// flushInterval, downsamples every compactInterval, and keeps the Summary
/// (statistics, last test, health) in memory for /metrics and --status.
///
/// Faults (full disk, read-only file system, I/O errors, a corrupt file) are
/// logged once per streak (domain "history"), and once when writing works
/// again; meanwhile rows wait in memory within pendingSamples/pendingRows
/// (the oldest samples and events go first; transfers and tests are never
/// dropped, so the counters stay true). A corrupt file is moved aside and a
/// new one created.
///
/// Thread rules: post(), summary() and stop() from any thread.
class Writer {
public:
  Writer(WriterOptions options, ReplaceWarning warning = {});
  /// stop(0): nothing waits for a hung disk.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void post(Items items) noexcept;
  Summary summary() const;
  /// Waits until every item posted before this call has been handled (written,
  /// or kept after a failed write); false on timeout. For tests and the bench.
  bool sync(std::chrono::milliseconds timeout);
  /// Asks the thread to write what it holds and end, waits up to `grace`, then
  /// leaves it (detached) if the disk hangs: the daemon's exit never waits longer.
  void stop(std::chrono::milliseconds grace) noexcept;

  struct Shared;

private:
  std::shared_ptr<Shared> shared_;
};

} // namespace hidupsd::history
