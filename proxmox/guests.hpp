// SPDX-License-Identifier: GPL-2.0-or-later
// Guests: Proxmox VMs and containers as `qm list`, `pct list` and their configs describe them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "proxmox/command_runner.hpp"

namespace hidupsd::proxmox {

enum class GuestType : std::uint8_t { Vm, Container };

/// `startup: [order=]N[,up=S][,down=S]` from a guest's config.
struct Startup {
  std::optional<int> order;
  std::optional<int> up;   ///< s
  std::optional<int> down; ///< s: this guest's shutdown timeout
  bool operator==(const Startup&) const = default;
};

/// One guest. Value type.
struct Guest {
  GuestType type = GuestType::Vm;
  int id = 0;
  std::string name;
  std::string status; ///< as listed: "running", "stopped", "paused", ...
  Startup startup;
  bool operator==(const Guest&) const = default;
};

/// "VM 101 (web)", "CT 200 (dns)".
std::string label(const Guest& guest);

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

/// The `startup:` line of `qm config ID` / `pct config ID` output (absent:
/// all empty). A malformed value is ignored as Proxmox's own parser would refuse
/// to store it.
Startup parseStartup(std::string_view configOutput);

/// Where the tools are and which guests count.
struct DiscoveryOptions {
  std::string qm = "/usr/sbin/qm";
  std::string pct = "/usr/sbin/pct";
  bool containers = true;
  std::vector<int> exclude;
  std::chrono::milliseconds timeout{30000}; ///< per tool call
  /// When set, no tool call runs past it (each gets at least kMinimumCallTime).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::size_t parallel = 8; ///< config reads at once
};

/// The least time a discovery call gets, even past the deadline: a `qm list` answers in
/// about half a second, and without a list nothing can be stopped.
inline constexpr std::chrono::milliseconds kMinimumCallTime{2000};

struct Discovery {
  std::vector<Guest> guests;         ///< running (status other than "stopped"), not excluded
  std::vector<Guest> excluded;       ///< running but excluded
  std::vector<std::string> problems; ///< "qm list: exit 2: ...", in order
  bool listFailed = false;           ///< qm list (or pct list) failed: the guests are unknown
};

/// Lists VMs (and containers), keeps the running ones that are not excluded
/// and reads each one's startup order from its config, several at once. A
/// failing tool is a problem, not an exception: what was found is returned.
/// Any thread; blocks up to a few timeouts.
Discovery discoverGuests(CommandRunner& runner, const DiscoveryOptions& options);

/// True for the commands discovery runs (list, config, status): what a dry
/// run may run for real.
bool isReadOnlyCommand(const std::vector<std::string>& argv);

} // namespace hidupsd::proxmox
