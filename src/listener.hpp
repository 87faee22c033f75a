// SPDX-License-Identifier: GPL-2.0-or-later
// The listener: the unprivileged process that serves the network (NUT server, /metrics, the
// dashboard and its API, STARTTLS), fed by the root daemon over the channel (serve/channel.hpp).
#pragma once

#include <filesystem>
#include <string>

namespace hidupsd {

/// The user the listener runs as when started by root (the package makes it; "nobody" when it
/// does not exist), and the empty folder it is locked into.
inline constexpr std::string_view kListenerUser = "hidupsd-listener";
inline constexpr std::string_view kListenerRoot = "/run/hidupsd-listener";
/// The channel's descriptor in the listener (the root side puts its end there).
inline constexpr int kListenerChannelFd = 3;

struct ListenerOptions {
  std::filesystem::path configPath; ///< the daemon's config file: read again here, as root
  int channelFd = kListenerChannelFd;
  std::string user{kListenerUser};
  std::filesystem::path emptyRoot{kListenerRoot};
};

/// `hidupsd --listener CONFIG`, started by the daemon only (ListenerSupervisor). Reads the
/// config, binds the servers' sockets (as root: privileged ports, the TLS key), then drops
/// everything (lib::dropPrivileges: its own user, no capabilities, chroot into an empty
/// folder, no_new_privs), lowers its CPU priority and offers itself first to the OOM killer,
/// starts the servers, loads the syscall filter, says Hello, and serves what the channel
/// brings until the channel closes. Returns the exit status (0: the daemon closed the
/// channel; 1: it could not start, with the reason on stderr).
int runListener(const ListenerOptions& options);

} // namespace hidupsd
