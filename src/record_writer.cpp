// SPDX-License-Identifier: GPL-2.0-or-later
// RecordWriter: a queue and a thread that appends the queued lines, then syncs them once.
#include "src/record_writer.hpp"

#include <system_error>

#include "lib/log.hpp"
#include "src/daemon_setup.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "pipeline";

} // namespace

RecordWriter::RecordWriter(EventLog& log) : log_(log) {}

RecordWriter::~RecordWriter() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join(); // it writes what is left first
}

void RecordWriter::add(const std::string& line) noexcept {
  try {
    std::string stamped = wallClockText() + " " + line;
    const std::lock_guard lock(mutex_);
    if (!thread_.joinable()) {
      try {
        thread_ = std::thread([this] { run(); });
      } catch (const std::system_error&) {
        // No thread to spare: write it here, as before there was a writer.
        log::notice(kDomain, "{}", line);
        log_.appendLine(stamped, true);
        return;
      }
    }
    queue_.push_back(std::move(stamped));
    ++added_;
    wake_.notify_all();
  } catch (...) {
    log::error(kDomain, "a line of the shutdown record was lost (out of memory)");
  }
}

bool RecordWriter::flush(std::chrono::steady_clock::time_point until) noexcept {
  std::unique_lock lock(mutex_);
  const auto target = added_;
  return written_.wait_until(lock, until, [&] { return done_ >= target; });
}

void RecordWriter::run() noexcept {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return; // stopping, and everything is written
    std::deque<std::string> batch;
    batch.swap(queue_);
    lock.unlock();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // The daemon log gets the line without the date (journald has its own).
      const auto space = batch[i].find(' ', batch[i].find(' ') + 1);
      log::notice(kDomain, "{}", std::string_view(batch[i]).substr(space + 1));
      log_.appendLine(batch[i], i + 1 == batch.size()); // one fsync for the batch
    }
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
  }
}

} // namespace hidupsd
