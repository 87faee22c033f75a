// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --command: the running daemon driven through its own NUT server; the client's address.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "serve/nut_client.hpp"

namespace hidupsd {

/// Where a client reaches the daemon's NUT server: its listen address, loopback for a
/// wildcard.
serve::NutClientOptions daemonClientOptions(const NutServerConfig& nut);
/// "host:port", "[v6]:port": for messages.
std::string daemonAddress(const serve::NutClientOptions& options);

struct CommandOptions {
  std::filesystem::path configPath;
  std::string name;                  ///< "beeper.disable", ...
  std::string value;                 ///< for the delay commands; "" = the configured delay
  std::optional<std::string> replay; ///< run on a replay file (tests)
  bool simulate = false;             ///< run on the simulated Ellipse PRO
};

/// `hidupsd --command NAME [--value N]`: with [serve.nut], through the running
/// daemon as the first user with the instcmd right (the daemon holds the
/// UPS); without it, or with --replay/--simulate, directly on the device.
int runCommand(const CommandOptions& options);

} // namespace hidupsd
