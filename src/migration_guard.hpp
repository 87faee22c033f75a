// SPDX-License-Identifier: GPL-2.0-or-later
// Migration guard: NUT's units still active on this host would fight hidupsd for the UPS.
#pragma once

#include <string>
#include <vector>

#include "proxmox/command_runner.hpp"

namespace hidupsd {

/// The unit names (first column) of `systemctl list-units --plain --no-legend` output.
/// Pure.
std::vector<std::string> unitNames(const std::string& listUnitsOutput);

/// What to tell the admin about `units` (the active NUT units): which hold the UPS and the
/// one command that stops them for good; "" when there are none. Pure.
std::string nutAdvice(const std::vector<std::string>& units);

/// The NUT units active now (`systemctl list-units --state=active 'nut-*'`, through
/// `runner`, bounded by a few seconds). Empty when there is none, and when systemctl
/// cannot say (not systemd, timed out): the guard never stops the monitor.
std::vector<std::string> activeNutUnits(proxmox::CommandRunner& runner);

} // namespace hidupsd
