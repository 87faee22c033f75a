// SPDX-License-Identifier: GPL-2.0-or-later
// Inventory: names, lookups and the stop set (pure).
#include "proxmox/inventory.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace hidupsd::proxmox {

const char* typeName(GuestType type) noexcept { return type == GuestType::Vm ? "qemu" : "lxc"; }

std::string label(const Guest& g) {
  const char* kind = g.type == GuestType::Vm ? "VM" : "CT";
  return g.name.empty() ? fmt::format("{} {}", kind, g.id)
                        : fmt::format("{} {} ({})", kind, g.id, g.name);
}

const char* nameOf(ConfigSource source) noexcept {
  return source == ConfigSource::Pmxcfs ? "pmxcfs" : "qm/pct config";
}

const Guest* Inventory::find(GuestType type, int id) const noexcept {
  const auto it = std::find_if(guests.begin(), guests.end(),
                               [&](const Guest& g) { return g.type == type && g.id == id; });
  return it == guests.end() ? nullptr : &*it;
}

StopSet stopSet(const Inventory& inventory, const std::vector<int>& exclude) {
  StopSet s;
  for (const auto& g : inventory.guests) {
    if (!g.running()) continue;
    const bool excluded = std::find(exclude.begin(), exclude.end(), g.id) != exclude.end();
    (excluded ? s.excluded : s.guests).push_back(g);
  }
  return s;
}

std::string describe(const Inventory& inventory) {
  const auto running = std::count_if(inventory.guests.begin(), inventory.guests.end(),
                                     [](const Guest& g) { return g.running(); });
  return fmt::format(
      "{} guest(s), {} running (configs from {}){}", inventory.guests.size(), running,
      nameOf(inventory.configs),
      inventory.problems.empty() ? "" : fmt::format("; {} problem(s)", inventory.problems.size()));
}

} // namespace hidupsd::proxmox
