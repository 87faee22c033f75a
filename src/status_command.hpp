// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --status: the daemon's state from its control socket, else the NUT server, else the UPS.
#pragma once

#include <filesystem>

namespace hidupsd {

struct StatusOptions {
  std::filesystem::path configPath; ///< may not exist: the defaults then
  bool json = false;                ///< --json: the state as JSON (serve/state_json.hpp)
};

/// `hidupsd --status [--json]`: asks the running daemon's control socket ([serve.control]
/// socket) and prints its state as text, or as the socket's JSON. When the socket does not
/// answer, says why on stderr and reads the UPS's variables through [serve.nut], else from
/// the UPS itself (source "nut" / "ups": only the UPS part is known). Exit 0 when something
/// was read, 1 otherwise. Throws ConfigError for a bad config.
int runStatus(const StatusOptions& options);

} // namespace hidupsd
