// SPDX-License-Identifier: GPL-2.0-or-later
// Guest discovery: `qm list` and `pct list` for who runs, pmxcfs (else qm/pct config) for configs.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "proxmox/command_runner.hpp"
#include "proxmox/inventory.hpp"

namespace hidupsd::proxmox {

/// Where the tools and the cluster file system are, and what to look at.
struct DiscoveryOptions {
  std::string qm = "/usr/sbin/qm";
  std::string pct = "/usr/sbin/pct";
  bool containers = true;
  /// Where pmxcfs is mounted ([proxmox] pmxcfs); empty: never read it, the
  /// configs come from `qm config` / `pct config`.
  std::filesystem::path pmxcfs{"/etc/pve"};
  /// This node's name as .vmlist spells it (PVE's nodename: the short host name).
  std::string node;
  std::chrono::milliseconds timeout{30000}; ///< per tool call
  std::size_t parallel = 8;                 ///< `qm config` calls at once (the fallback)
};

/// One discovery of this node's guests:
/// 1. `qm list` and `pct list` (containers), at the same time: ids, names,
///    statuses.
/// 2. The configs (startup order, onboot, tags, name): from pmxcfs when it is
///    mounted (.vmlist for this node's guests, then each one's .conf: no
///    process at all), else, and for a running guest whose file could not be
///    read, one `qm config ID` / `pct config ID` per running guest, `parallel`
///    at a time (each a Perl start: 0.3–1 s of CPU on a Proxmox node).
/// A failing tool or file is a problem in Inventory::problems, not an
/// exception: what was found is returned. Blocks up to a few tool timeouts,
/// and for good if pmxcfs hangs (a FUSE read cannot be given up): run it
/// where nobody has to wait for it (InventoryKeeper). Any thread.
Inventory discoverInventory(CommandRunner& runner, const DiscoveryOptions& options);

} // namespace hidupsd::proxmox
