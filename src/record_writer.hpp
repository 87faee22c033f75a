// SPDX-License-Identifier: GPL-2.0-or-later
// RecordWriter: the shutdown's record written beside the pipeline, which never waits for the disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "src/event_log.hpp"

namespace hidupsd {

/// The lines of the shutdown's record (DESIGN.md: "the shutdown pipeline never
/// waits on notifications, servers or the log"): add() queues a line, stamped
/// with the wall-clock time of the call, and returns; a thread of its own,
/// started at the first line (an idle daemon has none), writes each to the
/// daemon log (domain "pipeline") and appends it to the event log, one fsync
/// per batch. A slow or hung disk therefore delays the record, never the
/// first `qm shutdown`; flush() lets the pipeline wait for the record a
/// bounded time before the host command.
///
/// Thread rules: add() and flush() from any thread. The destructor flushes
/// (the whole record reaches the file) and joins the thread: `log` must
/// outlive it.
class RecordWriter {
public:
  explicit RecordWriter(EventLog& log);
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  /// Queues `line`. Never blocks on I/O; never throws (a line that cannot be
  /// queued for lack of memory is logged as lost).
  void add(const std::string& line) noexcept;
  /// Waits until every line added so far is written and synced, or `until`;
  /// true if they all were.
  bool flush(std::chrono::steady_clock::time_point until) noexcept;

private:
  void run() noexcept;

  EventLog& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<std::string> queue_; // guarded, and so is everything below
  std::uint64_t added_ = 0;
  std::uint64_t done_ = 0;
  bool stop_ = false;
  std::thread thread_; // started by the first add()
};

} // namespace hidupsd
