// SPDX-License-Identifier: GPL-2.0-or-later
// Descriptor budget: how many descriptors the servers may hold, so the shutdown always has some.
#pragma once

#include <cstddef>

namespace hidupsd::lib {

/// The process's descriptor limit (RLIMIT_NOFILE, soft) and how many are open now.
struct DescriptorUse {
  std::size_t limit = 0;
  std::size_t open = 0;
};

/// Reads both (getrlimit and /proc/self/fd). Never throws: unknown values are 0 (limit 0
/// means "no limit known": plan with kDefaultLimit).
DescriptorUse currentDescriptorUse() noexcept;

/// What the servers may hold at most, each, and what stays for everything else.
struct DescriptorPlan {
  std::size_t nutClients = 0;      ///< NutServer maxClients
  std::size_t httpConnections = 0; ///< HttpServer maxConnections
  std::size_t reserve = 0;         ///< left free for the pipeline, notifiers, the event log
};

/// Descriptors every server needs besides one per connection (listener, epoll, wakeup, and
/// for HTTP the eviction slack).
inline constexpr std::size_t kNutOverhead = 2;
inline constexpr std::size_t kHttpOverhead = 3 + 16;
/// Assumed when the limit is unknown (systemd's default soft limit).
inline constexpr std::size_t kDefaultLimit = 1024;
/// The least the reserve may be: a shutdown of a few dozen guests in parallel (3 descriptors
/// per running command), the notifiers' sockets and children, the device and the event log.
inline constexpr std::size_t kMinimumReserve = 256;

/// Splits what is free between the servers and the reserve: the servers together get at most
/// half of what is free (and never eat into kMinimumReserve); HTTP gets what it asks for
/// first (it is small and evicts), the NUT server the rest up to what it asks for. A server
/// that is off asks for 0. Pure.
DescriptorPlan planDescriptors(DescriptorUse use, std::size_t nutWanted, std::size_t httpWanted);

} // namespace hidupsd::lib
