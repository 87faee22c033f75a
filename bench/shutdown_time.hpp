// SPDX-License-Identifier: GPL-2.0-or-later
// Shutdown time: the real ProxmoxPipeline, simulation off, against fake qm/pct (fake_pve.py).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hidupsd::bench {

struct ShutdownOptions {
  std::filesystem::path fakeDir; ///< qm, pct, pvesh, poweroff: links to fake_pve.py; pve/: pmxcfs
  std::filesystem::path workDir; ///< the kill-power flag and the event log go here
  /// Discover first, as the daemon does at start and on battery; then low
  /// battery only starts the stops. Off: the pipeline lists the guests at LB.
  bool planAhead = true;
  bool pmxcfs = true;   ///< read the configs in fakeDir/pve; off: one `qm config` per guest
  bool stopAll = false; ///< [shutdown] strategy = "stopall" (pvesh)
};

struct ShutdownRun {
  /// CLOCK_MONOTONIC seconds at ShutdownPipeline::start() (calls.log's clock).
  double lowBattery = 0;
  /// Seconds from start() to the first stop command handed to the runner.
  double firstRequest = 0;
  /// Seconds from start() to the host command handed to the runner.
  double hostRequest = 0;
  double seconds = 0;             ///< from ShutdownPipeline::start() to the end of wait()
  std::vector<std::string> lines; ///< the pipeline's log, each prefixed with its time in s
};

/// Runs the shutdown pipeline the daemon would build (default timeouts, the
/// real ProcessRunner) with qm, pct, pvesh and the host command taken from
/// `fakeDir` (the host command is fake_pve.py's harmless "poweroff"). Sets
/// FAKE_PVE_DIR for the children; FAKE_PVE_COST is theirs to read.
ShutdownRun measureShutdown(const ShutdownOptions& options);

} // namespace hidupsd::bench
