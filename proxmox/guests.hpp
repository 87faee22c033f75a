// SPDX-License-Identifier: GPL-2.0-or-later
// Guest lists: `qm list` and `pct list` as PVE 8 prints them; which commands change nothing.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "proxmox/inventory.hpp"

namespace hidupsd::proxmox {

/// A line of tool output that is not what Proxmox prints. what(): "qm list line 3: ...".
class ListError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// `qm list`: a header `VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID`, then one
/// line per VM, the VMID right-aligned; a name may hold spaces ("VM 105" when
/// none is set), so the columns are read from both ends. Empty output (no VMs)
/// is an empty list. Throws ListError naming the line.
std::vector<Guest> parseQmList(std::string_view output);

/// `pct list`: `VMID Status Lock Name`, left-aligned columns, Lock often blank:
/// read by the header's column offsets. Throws ListError naming the line.
std::vector<Guest> parsePctList(std::string_view output);

/// True for the commands discovery runs (list, config, status): what a dry
/// run may run for real.
bool isReadOnlyCommand(const std::vector<std::string>& argv);

} // namespace hidupsd::proxmox
