// SPDX-License-Identifier: GPL-2.0-or-later
// ExecSink: runs a program per event, as upssched runs `CMDSCRIPT EVENT` (no shell).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "notify/sink_common.hpp"

namespace hidupsd::notify {

struct ExecOptions {
  SinkOptions common;
  /// argv, no shell: {"/usr/local/bin/upssched-cmd"} or {"logger", "-t", "ups"}.
  /// argv[0] without '/' is searched in PATH. Non-empty.
  std::vector<std::string> command;
  /// The last argument for these events instead of their name: the words an upssched-cmd
  /// script was given by upssched's `AT COMMBAD * EXECUTE onbatt` (commbad → "onbatt").
  std::map<core::EventKind, std::string> arguments{};
};

/// Runs `command... EVENT`: the event name ("onbatt"), or its word from `arguments`, is
/// appended as the last argument, so an old upssched-cmd script sees it as $1. The program
/// gets the daemon's environment plus (replacing same-named entries):
///
///     UPS_<VARIABLE>   every snapshot variable, name upper-cased, '.' and any
///                      other character outside [A-Za-z0-9_] → '_':
///                      UPS_BATTERY_CHARGE=46, UPS_UPS_STATUS="OB DISCHRG"
///     UPS_EVENT        "onbatt"
///     UPS_HOST         "pve1"
///     UPS_REASON       the reason, in the entry's language ("" when none)
///     UPS_REASON_KEY   the reason's catalogue key ("reason.low_battery"): for scripts
///     UPS_TIME         "2026-11-25T20:31:02Z" (wallTime, UTC)
///     UPS_TEXT         the progress text, only for shutdown progress messages (in the
///                      entry's language)
///     UPS_MARKER       "test" (hidupsd --test-event) or "simulation", else unset
///
/// stdin is /dev/null; stdout and stderr are captured (16 KiB at most) for
/// the log. After timeout() the process group gets SIGTERM, then SIGKILL 2 s
/// later; the child is always reaped.
///
/// Outcomes (never Retry: a script is not known to be safe to run twice):
/// exit 0 Delivered, detail "exit 0" plus ": OUTPUT" when it printed;
/// exit N Failed "exit 3: FIRST LINE OF OUTPUT"; a signal Failed "killed by
/// signal SEGV"; the timeout Failed "timed out after 10 s"; a program that
/// cannot start (missing, not executable) Failed "cannot run NAME: REASON".
/// Arguments after argv[0] are never in detail (they may hold secrets).
///
/// Thread rules: as Sink. deliver() blocks for up to timeout() + 2 s.
class ExecSink final : public SinkBase {
public:
  explicit ExecSink(ExecOptions options);

  Delivery deliver(const Notification& n) noexcept override;

  /// `base` ("NAME=value" entries, e.g. the daemon's environ) with the UPS_
  /// entries for `n` added (texts in `language`), replacing same-named ones.
  /// Throws std::bad_alloc only.
  static std::vector<std::string> environment(const Notification& n,
                                              const std::vector<std::string>& base,
                                              Language language = Language::En);

  /// "UPS_BATTERY_CHARGE" for "battery.charge".
  static std::string variableName(std::string_view nutName);

private:
  std::vector<std::string> command_;
  std::map<core::EventKind, std::string> arguments_;
};

} // namespace hidupsd::notify
