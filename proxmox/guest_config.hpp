// SPDX-License-Identifier: GPL-2.0-or-later
// GuestConfig: what a guest's config says about starting and stopping it (pmxcfs file or qm
// config).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proxmox/inventory.hpp"

namespace hidupsd::proxmox {

/// The keys of a guest config the inventory keeps.
struct GuestConfig {
  std::string name; ///< `name:` (VM) or `hostname:` (CT)
  Startup startup;
  bool onboot = false;
  std::vector<std::string> tags;
  bool operator==(const GuestConfig&) const = default;
};

/// A guest config as /etc/pve/qemu-server/ID.conf and /etc/pve/lxc/ID.conf hold
/// it, or as `qm config ID` / `pct config ID` print it: `key: value` lines.
/// Only the current config counts: reading ends at the first section line
/// (`[snapshot]`, `[PENDING]`, `[special:cloudinit]`, `[pve:pending]`), as in
/// PVE's parse_vm_config / parse_pct_config. `#` lines are the description.
/// Values PVE would refuse are ignored (a malformed `startup:` is no startup
/// order at all, as pve_parse_startup_order returns nothing for it). Never
/// throws but std::bad_alloc. Pure.
GuestConfig parseGuestConfig(std::string_view text, GuestType type);

/// A `startup:` value: `[order=]N`, `up=N`, `down=N`, comma-separated
/// (PVE's pve_parse_startup_order): any other item makes the whole value
/// invalid, read as no startup settings. Pure.
Startup parseStartupValue(std::string_view value);

/// `onboot:` and other PVE booleans: 1|on|yes|true, 0|off|no|false (any case);
/// anything else is false. Pure.
bool parseBoolean(std::string_view value);

/// `tags:` split as PVE's split_list does: on ';', ',' and white space. Pure.
std::vector<std::string> parseTags(std::string_view value);

} // namespace hidupsd::proxmox
