// SPDX-License-Identifier: GPL-2.0-or-later
// Service manager notifications through libsystemd.
#include "src/systemd_notify.hpp"

#include <cstdint>
#include <string>

#include <systemd/sd-daemon.h>

namespace hidupsd::systemd {

void notify(std::string_view state) noexcept {
  try {
    sd_notify(0, std::string(state).c_str());
  } catch (...) {
  }
}

std::optional<std::chrono::microseconds> watchdogInterval() noexcept {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

} // namespace hidupsd::systemd
