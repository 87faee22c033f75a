// SPDX-License-Identifier: GPL-2.0-or-later
// Pmxcfs: the guest list and guest configs read from Proxmox's cluster file system (/etc/pve).
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "proxmox/inventory.hpp"

namespace hidupsd::proxmox {

/// A pmxcfs file that cannot be read or is not what pmxcfs writes.
/// what(): "/etc/pve/.vmlist: byte 40: ...", "/etc/pve/.vmlist: ids.\"100\": no \"node\" string",
/// "/etc/pve/lxc/200.conf: Permission denied".
class PmxcfsError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One line of .vmlist: a guest of the cluster and the node it lives on.
struct VmlistEntry {
  int id = 0;
  GuestType type = GuestType::Vm;
  std::string node;
  bool operator==(const VmlistEntry&) const = default;
};

/// /etc/pve/.vmlist, which pmxcfs generates (pve-cluster status.c
/// cfs_create_vmlist_msg) as JSON: {"version": N, "ids": {"100": {"node":
/// "pve1", "type": "qemu", "version": 3}, ...}} ("ids" absent when there are
/// no guests). Types other than qemu and lxc (openvz) are left out. By id.
/// Throws PmxcfsError "`source`: byte N: why" (bad JSON) or "`source`: ids.\"N\": why". Pure.
std::vector<VmlistEntry> parseVmlist(std::string_view text, std::string_view source);

/// The largest file pmxcfs stores (memdb.h MEMDB_MAX_FILE_SIZE); .vmlist is
/// generated and may be longer (about 60 bytes a guest).
inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
inline constexpr std::size_t kMaxVmlistBytes = 8 * 1024 * 1024;

/// Reads pmxcfs files under `root` (/etc/pve; tests use a directory of their
/// own). Blocking file I/O on a FUSE mount that may hang for good when the
/// cluster file system does: call it only from a thread nobody has to wait
/// for (InventoryKeeper's). Stateless; any thread.
class Pmxcfs {
public:
  explicit Pmxcfs(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const noexcept { return root_; }
  /// `root`/.vmlist exists: pmxcfs is mounted there.
  bool mounted() const;
  /// The guests of every node. Throws PmxcfsError.
  std::vector<VmlistEntry> vmlist() const;
  /// `root`/qemu-server/ID.conf or `root`/lxc/ID.conf (this node's guests:
  /// pmxcfs links both to nodes/<this node>/). nullopt when the file does not
  /// exist (the guest moved or was deleted since .vmlist was read). Throws
  /// PmxcfsError.
  std::optional<std::string> config(GuestType type, int id) const;
  std::filesystem::path configPath(GuestType type, int id) const;

private:
  std::filesystem::path root_;
};

/// Reads a whole file of at most `limit` bytes; nullopt if it does not exist.
/// Throws PmxcfsError naming the file (unreadable, or longer than `limit`).
std::optional<std::string> readSmallFile(const std::filesystem::path& path, std::size_t limit);

} // namespace hidupsd::proxmox
