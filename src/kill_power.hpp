// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --kill-power: the UPS's shutdown.return, for the systemd-shutdown hook.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "ups/device_reader.hpp"
#include "ups/ups_commands.hpp"

namespace hidupsd {

struct KillPowerOptions {
  std::optional<std::filesystem::path>
      configPath;                    ///< [device] and the delays; unreadable: defaults
  std::optional<std::string> replay; ///< a replay file instead of [device]
  bool simulate = false;             ///< the built-in simulated Ellipse PRO
  /// Only when [shutdown] kill_power_flag exists (the systemd-shutdown hook):
  /// the pipeline wrote it just before it powered the host off.
  bool ifFlagged = false;
};

/// Opens the UPS (three tries, a second apart: at late shutdown the bus may be
/// slow to answer), then writes DelayBeforeStartup = ups_on_delay and
/// DelayBeforeShutdown = ups_off_delay (NUT's shutdown.return): the UPS cuts
/// its output ups_off_delay s later and restores it ups_on_delay s after that
/// once mains are back. Returns the trace of the writes. Throws what opening
/// or writing throws (the last try's error), CommandError if the UPS has no
/// such fields.
CommandTrace killPower(const DeviceOpener& open, ModelOptions delays);

/// The command-line mode: prints each step, exit 0 on success, 1 on failure.
int runKillPower(const KillPowerOptions& options);

} // namespace hidupsd
