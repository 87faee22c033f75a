// SPDX-License-Identifier: GPL-2.0-or-later
// Inventory: the guests of this Proxmox node as last discovered — the one guest type of proxmox/.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hidupsd::proxmox {

/// A QEMU VM (`qm`, pmxcfs type "qemu") or an LXC container (`pct`, "lxc").
enum class GuestType : std::uint8_t { Vm, Container };

/// "qemu" or "lxc", as pmxcfs's .vmlist names the types.
const char* typeName(GuestType type) noexcept;

/// `startup: [order=]N[,up=S][,down=S]` from a guest's config.
struct Startup {
  std::optional<int> order;
  std::optional<int> up;   ///< s: wait this long after starting it before the next one
  std::optional<int> down; ///< s: this guest's shutdown timeout
  bool operator==(const Startup&) const = default;
};

/// One guest as discovered. Value type; what shedding and comeback (and the
/// shutdown plan) read about a guest.
struct Guest {
  GuestType type = GuestType::Vm;
  int id = 0;
  std::string name; ///< `name:` (VM) or `hostname:` (CT), else the list's name column
  /// As `qm list` / `pct list` print it: "running", "stopped", "paused", ...
  /// Empty: unknown (the list failed; the guest is known from pmxcfs only).
  std::string status;
  Startup startup;
  bool onboot = false;           ///< `onboot: 1`: Proxmox starts it at boot
  std::vector<std::string> tags; ///< `tags: a;b` in the order given
  bool operator==(const Guest&) const = default;

  /// Known to run: listed with a status other than "stopped".
  bool running() const noexcept { return !status.empty() && status != "stopped"; }
  /// Known to be stopped.
  bool stopped() const noexcept { return status == "stopped"; }
};

/// "VM 101 (web)", "CT 200 (dns)".
std::string label(const Guest& guest);

/// Two guests are the same guest: same type and id.
inline bool sameGuest(const Guest& a, const Guest& b) noexcept {
  return a.type == b.type && a.id == b.id;
}

/// Where the configs (startup, onboot, tags) came from.
enum class ConfigSource : std::uint8_t {
  Pmxcfs, ///< /etc/pve/.vmlist and the guests' .conf files
  Tools,  ///< one `qm config` / `pct config` per running guest
};
const char* nameOf(ConfigSource source) noexcept;

/// One discovery of this node's guests. Value type.
struct Inventory {
  /// Every guest of this node that was found, running or not, by type then id.
  /// With ConfigSource::Tools only running guests have their config read.
  std::vector<Guest> guests;
  /// What went wrong ("qm list: exit 2: ...", "/etc/pve/.vmlist: byte 12: ..."), in order.
  std::vector<std::string> problems;
  bool vmsListed = false;        ///< `qm list` answered: every VM's status is known
  bool containersListed = false; ///< `pct list` answered (or containers are not wanted)
  ConfigSource configs = ConfigSource::Tools;
  std::chrono::steady_clock::time_point startedAt{};  ///< the discovery began
  std::chrono::steady_clock::time_point finishedAt{}; ///< and ended
  std::uint64_t generation = 0; ///< counts discoveries (InventoryKeeper); 0 = none

  /// A list failed: the running guests are not all known.
  bool listFailed() const noexcept { return !vmsListed || !containersListed; }
  /// The guest with this type and id, or nullptr.
  const Guest* find(GuestType type, int id) const noexcept;
};

/// The guests a shutdown stops: those known to run, less the excluded ones.
struct StopSet {
  std::vector<Guest> guests;   ///< running, not excluded
  std::vector<Guest> excluded; ///< running but excluded
};
/// Pure.
StopSet stopSet(const Inventory& inventory, const std::vector<int>& exclude);

/// "8 guest(s), 5 running (configs from pmxcfs); 1 problem(s)", for the log. Pure.
std::string describe(const Inventory& inventory);

} // namespace hidupsd::proxmox
