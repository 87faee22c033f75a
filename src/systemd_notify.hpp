// SPDX-License-Identifier: GPL-2.0-or-later
// Service manager notifications (sd_notify): ready, reloading, stopping, watchdog.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace hidupsd::systemd {

/// Sends `state` ("READY=1", "WATCHDOG=1", ...) to the service manager when
/// running under one ($NOTIFY_SOCKET); a no-op otherwise. Never throws.
void notify(std::string_view state) noexcept;
/// The watchdog interval systemd expects pings within (WatchdogSec), if any.
std::optional<std::chrono::microseconds> watchdogInterval() noexcept;

} // namespace hidupsd::systemd
