// SPDX-License-Identifier: GPL-2.0-or-later
// Notification: one event to tell the world about, with what every message needs.
#pragma once

#include <cstdint>
#include <string>

#include "core/event.hpp"
#include "core/phrase.hpp"

namespace hidupsd::notify {

/// A visible mark on every message of a run that is not the real thing.
enum class Marker : std::uint8_t {
  None,
  Test,       ///< hidupsd --test-event
  Simulation, ///< simulation = true: nothing destructive runs
};

/// What a sink renders: the event (kind, reason, UPS state) plus the host
/// name and the wall-clock time it happened. Value type.
struct Notification {
  core::Event event;
  std::string host;          ///< this host's name ({host})
  std::int64_t wallTime = 0; ///< Unix seconds ({time})
  /// Set for progress messages of the shutdown pipeline ("3/7 VM 101 (web)
  /// force-stopped …"): said in each sink's language as the message text
  /// ({text}) of the progress template instead of the event's message.
  core::Phrase progress;
  /// Set for a notifyfail about sink number `except` (SinkOptions::index):
  /// every other sink gets it, that one does not. 0 = none.
  int except = 0;
  Marker marker = Marker::None; ///< shown before the title (and as UPS_MARKER to exec)

  bool critical() const noexcept { return core::isCritical(event.kind); }
};

} // namespace hidupsd::notify
