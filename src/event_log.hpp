// SPDX-License-Identifier: GPL-2.0-or-later
// EventLog: one timestamped line per event in /var/log/ups-shutdown.log, as the old script kept.
#pragma once

#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>

#include "core/event.hpp"
#include "lib/unique_fd.hpp"

namespace hidupsd {

/// "2026-11-25 20:31:02": local time, as the old script's `date` wrote it.
std::string localTimeText(std::time_t wall);

/// The line for `event` at wall-clock time `wall` (local time, as the old
/// script's `date`): "2026-11-25 20:31:02 onbatt: <reason> | ups.status OB
/// DISCHRG, battery.charge 100 %, ...". Pure.
std::string formatEventLine(const core::Event& event, std::time_t wall);

/// Appends event lines to a file opened O_APPEND (lines written before are
/// never touched), fsync'd after `lowbatt` and `shutdown` so they survive
/// the power cut. Thread-safe. Never throws: a line that cannot be written
/// (full disk, unwritable path) is reported through the log once per
/// failure streak and the caller carries on — the shutdown path must not
/// depend on the log.
class EventLog {
public:
  /// `path` "-" is standard output (hidupsd --simulate); "" writes nothing.
  explicit EventLog(std::filesystem::path path);
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  /// Appends the event's line; true if it reached the file.
  bool append(const core::Event& event) noexcept;
  /// Appends a free-form line ("hidupsd 0.1.0 started ..."); true if written.
  bool appendLine(const std::string& text, bool sync = false) noexcept;
  /// Switches to another file (config reload); the old one is closed.
  void reopen(std::filesystem::path path) noexcept;
  const std::filesystem::path& path() const noexcept { return path_; }

private:
  bool ensureOpen() noexcept;
  bool writeAll(const std::string& line, bool sync) noexcept;

  std::mutex mutex_;
  std::filesystem::path path_;
  lib::UniqueFd fd_;
  bool failing_ = false;
};

} // namespace hidupsd
