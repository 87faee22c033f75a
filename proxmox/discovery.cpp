// SPDX-License-Identifier: GPL-2.0-or-later
// Guest discovery: the two lists at once, then configs from pmxcfs or, as the fallback, qm/pct.
#include "proxmox/discovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "proxmox/guest_config.hpp"
#include "proxmox/guests.hpp"
#include "proxmox/pmxcfs.hpp"

namespace hidupsd::proxmox {

namespace {

using Key = std::pair<GuestType, int>;

Key keyOf(const Guest& g) { return {g.type, g.id}; }

const char* toolName(GuestType type) { return type == GuestType::Vm ? "qm" : "pct"; }

/// One list tool's answer: its guests, or a problem. Never throws but std::bad_alloc.
struct Listed {
  std::vector<Guest> guests;
  std::optional<std::string> problem;
};

Listed listGuests(CommandRunner& runner, const std::string& tool, GuestType type,
                  std::chrono::milliseconds timeout) {
  const auto r = runner.run({tool, "list"}, timeout);
  const std::string name = fmt::format("{} list", toolName(type));
  if (!r.ok()) return {{}, fmt::format("{}: {}", name, r.describe())};
  try {
    return {type == GuestType::Vm ? parseQmList(r.out) : parsePctList(r.out), std::nullopt};
  } catch (const ListError& e) {
    return {{}, e.what()};
  }
}

/// `qm list` here, `pct list` on a thread beside it: two Perl starts cost one.
void listBoth(CommandRunner& runner, const DiscoveryOptions& o, Inventory& inv) {
  Listed vms;
  Listed cts;
  std::optional<std::thread> other;
  if (o.containers) {
    try {
      other.emplace([&] { cts = listGuests(runner, o.pct, GuestType::Container, o.timeout); });
    } catch (const std::system_error&) {
      cts = listGuests(runner, o.pct, GuestType::Container, o.timeout); // no thread: in turn
    }
  }
  vms = listGuests(runner, o.qm, GuestType::Vm, o.timeout);
  if (other) other->join();
  inv.vmsListed = !vms.problem;
  inv.containersListed = !o.containers || !cts.problem;
  for (auto* listed : {&vms, &cts}) {
    if (listed->problem) inv.problems.push_back(*listed->problem);
    for (auto& g : listed->guests)
      inv.guests.push_back(std::move(g));
  }
}

void apply(Guest& g, const GuestConfig& c) {
  if (!c.name.empty()) g.name = c.name;
  g.startup = c.startup;
  g.onboot = c.onboot;
  g.tags = c.tags;
}

Guest& guestFor(Inventory& inv, GuestType type, int id) {
  for (auto& g : inv.guests)
    if (g.type == type && g.id == id) return g;
  // In pmxcfs but not in the lists: the list failed (status unknown), or the
  // guest was created between the two reads.
  Guest g;
  g.type = type;
  g.id = id;
  inv.guests.push_back(std::move(g));
  return inv.guests.back();
}

/// This node's guests in .vmlist, plus any the lists showed (a guest created
/// since, or a node name that differs from pmxcfs's).
std::set<Key> pmxcfsCandidates(const Pmxcfs& fs, const DiscoveryOptions& o, const Inventory& inv) {
  std::set<Key> keys;
  for (const auto& e : fs.vmlist())
    if (e.node == o.node && (e.type == GuestType::Vm || o.containers)) keys.insert({e.type, e.id});
  for (const auto& g : inv.guests)
    keys.insert(keyOf(g));
  return keys;
}

/// Reads every config pmxcfs has for this node; returns the guests it read.
std::set<Key> readFromPmxcfs(const DiscoveryOptions& o, Inventory& inv) {
  std::set<Key> read;
  const Pmxcfs fs(o.pmxcfs);
  try {
    if (!fs.mounted()) {
      if (!inv.listFailed() && !inv.guests.empty())
        inv.problems.push_back(fmt::format("{}/.vmlist is missing (pmxcfs not mounted?): "
                                           "reading qm/pct config instead",
                                           o.pmxcfs.string()));
      return read;
    }
    for (const auto& [type, id] : pmxcfsCandidates(fs, o, inv)) {
      const auto text = fs.config(type, id);
      if (!text) continue; // another node's guest, or deleted meanwhile
      apply(guestFor(inv, type, id), parseGuestConfig(*text, type));
      read.insert({type, id});
    }
    inv.configs = ConfigSource::Pmxcfs;
  } catch (const PmxcfsError& e) {
    inv.problems.push_back(std::string(e.what()) + " (reading qm/pct config instead)");
  }
  return read;
}

/// `qm config ID` / `pct config ID` for each running guest not in `done`,
/// `parallel` at a time.
void readWithTools(CommandRunner& runner, const DiscoveryOptions& o, const std::set<Key>& done,
                   Inventory& inv) {
  std::vector<Guest*> todo;
  for (auto& g : inv.guests)
    if (g.running() && !done.count(keyOf(g))) todo.push_back(&g);
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < todo.size(); i = next++) {
      Guest& g = *todo[i];
      const auto& tool = g.type == GuestType::Vm ? o.qm : o.pct;
      const auto r = runner.run({tool, "config", std::to_string(g.id)}, o.timeout);
      const std::lock_guard lock(mutex);
      if (r.ok())
        apply(g, parseGuestConfig(r.out, g.type));
      else
        inv.problems.push_back(fmt::format("{} config {}: {} (no startup order known)",
                                           toolName(g.type), g.id, r.describe()));
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::min(std::max<std::size_t>(o.parallel, 1), todo.size());
  for (std::size_t i = 0; i < n; ++i) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break; // the threads we have (or this one, below) do the rest
    }
  }
  if (threads.empty()) worker();
  for (auto& t : threads)
    t.join();
}

} // namespace

Inventory discoverInventory(CommandRunner& runner, const DiscoveryOptions& o) {
  Inventory inv;
  inv.startedAt = std::chrono::steady_clock::now();
  listBoth(runner, o, inv);
  std::set<Key> done;
  if (!o.pmxcfs.empty()) done = readFromPmxcfs(o, inv);
  readWithTools(runner, o, done, inv);
  std::sort(inv.guests.begin(), inv.guests.end(), [](const Guest& a, const Guest& b) {
    return a.type != b.type ? a.type < b.type : a.id < b.id;
  });
  inv.finishedAt = std::chrono::steady_clock::now();
  return inv;
}

} // namespace hidupsd::proxmox
