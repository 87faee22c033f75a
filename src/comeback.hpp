// SPDX-License-Identifier: GPL-2.0-or-later
// Comeback: the record of the guests a UPS shutdown stopped, and which of them to start (pure).
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "proxmox/inventory.hpp"

namespace hidupsd {

/// One guest of the record: stopped by the shutdown, or shed before it.
struct ComebackEntry {
  enum class Why : std::uint8_t {
    Stopped,  ///< "stopped": the shutdown pipeline stopped it
    Shed,     ///< "shed": a [[shed]] tier with restart_on_mains stopped it
    ShedKept, ///< "shed-kept": a tier with restart_on_mains = false: it stays off
  };
  Why why = Why::Stopped;
  proxmox::GuestType type = proxmox::GuestType::Vm;
  int id = 0;
  bool operator==(const ComebackEntry&) const = default;
};

/// A record that is not what formatComeback writes. what(): "FILE:LINE: message".
class ComebackError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The record as text: "# hidupsd comeback 1" then one "WHY TYPE ID" line per guest
/// ("stopped qemu 101", "shed lxc 200"). Pure.
std::string formatComeback(const std::vector<ComebackEntry>& entries);
/// Reads formatComeback's text; `name` names it in errors. Throws ComebackError. Pure.
std::vector<ComebackEntry> parseComeback(std::string_view text, const std::string& name);

/// What the comeback does with the record, given this node's guests now.
struct ComebackPlan {
  std::vector<proxmox::Guest> start;          ///< no onboot, stopped: started, in this order
  std::vector<proxmox::Guest> proxmoxStarts;  ///< onboot = 1: Proxmox's own start does it
  std::vector<proxmox::Guest> alreadyRunning; ///< running already: nothing to do
  std::vector<proxmox::Guest> keptOff;        ///< shed by a tier without restart_on_mains
  std::vector<ComebackEntry> unknown;         ///< not on this node any more (or not listed)
};

/// The plan: every recorded guest that Proxmox itself will not start (no onboot) and that
/// is stopped now, in Proxmox's startup order. Pure.
ComebackPlan planComeback(const std::vector<ComebackEntry>& entries,
                          const proxmox::Inventory& inventory);

/// Whether the battery can hold a second outage: mains present and battery.charge ≥
/// `minCharge` (unknown charge: only when minCharge is 0). Pure.
bool comebackDue(bool onMains, std::optional<double> charge, int minCharge);

/// The record at `path`: nullopt when there is none. Throws ComebackError (bad content),
/// std::system_error (cannot read).
std::optional<std::vector<ComebackEntry>> readComeback(const std::filesystem::path& path);
/// Writes the record atomically and durably (lib::writeDurably) into an existing directory
/// (never made here). Throws std::system_error / filesystem_error on failure.
void writeComeback(const std::filesystem::path& path, const std::vector<ComebackEntry>& entries);

} // namespace hidupsd
