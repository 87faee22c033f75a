// SPDX-License-Identifier: GPL-2.0-or-later
// The listener: the unprivileged process that serves the network (NUT server, /metrics, the
// dashboard and its API, STARTTLS), fed by the root daemon over the channel (serve/channel.hpp).
#pragma once

#include <filesystem>
#include <string>

#include "config/config.hpp"
#include "serve/channel.hpp"

namespace hidupsd {

/// The user the listener runs as when started by root (the package makes it; "nobody" when it
/// does not exist), and the empty folder it is locked into.
inline constexpr std::string_view kListenerUser = "hidupsd-listener";
inline constexpr std::string_view kListenerRoot = "/run/hidupsd-listener";
/// The channel's descriptor in the listener (the root side puts its end there).
inline constexpr int kListenerChannelFd = 3;

struct ListenerOptions {
  int channelFd = kListenerChannelFd;
  std::string user{kListenerUser};
  std::filesystem::path emptyRoot{kListenerRoot};
};

/// What the listener serves of `config` (the daemon's, as it started): [serve.nut] and
/// [serve.http] without a password or a token (only the TLS key), and the credential's kind.
serve::channel::Setup listenerSetup(const Config& config);
/// The config the listener's servers are made from (no secret but the TLS key).
Config configFromSetup(const serve::channel::Setup& setup);

/// `hidupsd --listener`, started by the daemon only (ListenerSupervisor). Reads the daemon's
/// Setup from the channel, binds the servers' sockets (as root: privileged ports), then drops
/// everything (lib::dropPrivileges: its own user, no capabilities, chroot into an empty
/// folder, no_new_privs), lowers its CPU priority and offers itself first to the OOM killer,
/// starts the servers, loads the syscall filter, says Hello, and serves what the channel
/// brings until the channel closes. Returns the exit status (0: the daemon closed the
/// channel; 1: it could not start, with the reason on stderr).
int runListener(const ListenerOptions& options);

} // namespace hidupsd
