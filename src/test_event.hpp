// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --test-event: one event through the whole pipeline, now (the old script's manual test).
#pragma once

#include <filesystem>
#include <optional>

#include "core/event.hpp"

namespace hidupsd {

struct TestEventOptions {
  core::EventKind event = core::EventKind::OnBattery;
  /// Destructive steps run only with --really AND simulation = false.
  bool really = false;
  /// The state comes from the built-in simulated Ellipse PRO.
  bool simulate = false;
  /// The state comes from this replay file.
  std::optional<std::filesystem::path> replay;
  std::optional<std::filesystem::path> configPath;
};

/// Reads the UPS state once — through the running daemon's [serve.nut] when one answers
/// there (the service holds the UPS), else from the UPS itself — then hands the event to the event
/// log, the notifiers and (for `shutdown`) the shutdown pipeline, and waits for them. Without a
/// readable UPS the event carries an empty state. Returns the exit status; throws ConfigError for a
/// bad config.
int runTestEvent(const TestEventOptions& options);

} // namespace hidupsd
