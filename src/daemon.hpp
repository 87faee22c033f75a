// SPDX-License-Identifier: GPL-2.0-or-later
// The running daemon: device thread, monitor, event log, pipeline, signals, systemd.
#pragma once

#include <filesystem>
#include <optional>

#include "config/config.hpp"

namespace hidupsd {

struct DaemonOptions {
  /// The config file; with `simulate` and no file given, the defaults.
  std::optional<std::filesystem::path> configPath;
  /// Run on the built-in simulated Ellipse PRO and its scripted outage,
  /// simulation forced on, and end once the shutdown pipeline has run.
  bool simulate = false;
  /// Time runs this many times faster (with `simulate`).
  double speed = 1;
};

/// Runs until SIGTERM/SIGINT (or, simulating, until the pipeline is done).
/// SIGHUP reloads the config, keeping the old one if the new one is bad.
/// Returns the process exit status. Throws ConfigError for a bad config at
/// start and std::runtime_error when the device cannot be set up at all.
int runDaemon(const DaemonOptions& options);

} // namespace hidupsd
