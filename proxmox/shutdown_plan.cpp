// SPDX-License-Identifier: GPL-2.0-or-later
// The shutdown plan: pure functions from guests, runtime and config to groups, times and argv.
#include "proxmox/shutdown_plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace hidupsd::proxmox {

std::vector<StopGroup> stopGroups(std::vector<Guest> guests) {
  std::sort(guests.begin(), guests.end(), [](const Guest& a, const Guest& b) {
    return a.id != b.id ? a.id < b.id : a.type < b.type;
  });
  StopGroup unordered;
  std::map<int, StopGroup, std::greater<>> ordered; // highest order first
  for (auto& g : guests) {
    if (!g.startup.order) {
      unordered.guests.push_back(std::move(g));
      continue;
    }
    auto& group = ordered[*g.startup.order];
    group.order = g.startup.order;
    group.guests.push_back(std::move(g));
  }
  std::vector<StopGroup> out;
  if (!unordered.guests.empty()) out.push_back(std::move(unordered));
  for (auto& [order, group] : ordered)
    out.push_back(std::move(group));
  return out;
}

bool stopsBefore(const std::optional<int>& a, const std::optional<int>& b) noexcept {
  if (!a || !b) return !a && b;
  return *a > *b;
}

namespace {

bool contains(const std::vector<Guest>& guests, const Guest& g) {
  return std::any_of(guests.begin(), guests.end(),
                     [&](const Guest& other) { return sameGuest(other, g); });
}

/// A planned guest as `fresh` sees it: dropped (nullopt) if it stopped, its
/// fresh startup if it still runs, unchanged if `fresh` does not know it.
std::optional<Guest> recheck(const Guest& planned, const Inventory& fresh) {
  const Guest* now = fresh.find(planned.type, planned.id);
  if (now == nullptr || now->status.empty()) return planned;
  if (now->stopped()) return std::nullopt;
  return *now;
}

} // namespace

PlanCorrection correctPlan(const std::vector<StopGroup>& pending, const std::vector<Guest>& started,
                           const std::optional<std::optional<int>>& lastStarted,
                           const Inventory& fresh, const std::vector<int>& exclude) {
  PlanCorrection c;
  std::vector<Guest> keep;
  std::vector<Guest> planned;
  for (const auto& group : pending)
    for (const auto& g : group.guests) {
      planned.push_back(g);
      if (auto now = recheck(g, fresh))
        keep.push_back(std::move(*now));
      else
        c.alreadyStopped.push_back(g);
    }
  std::vector<Guest> late;
  for (auto& g : stopSet(fresh, exclude).guests) {
    if (contains(planned, g) || contains(started, g)) continue;
    c.startedSince.push_back(g);
    const bool past = lastStarted && !stopsBefore(*lastStarted, g.startup.order);
    (past ? late : keep).push_back(std::move(g));
  }
  c.pending = stopGroups(std::move(keep));
  if (late.empty()) return c;
  if (c.pending.empty()) c.pending.push_back(StopGroup{*lastStarted, {}});
  auto& first = c.pending.front().guests;
  first.insert(first.end(), late.begin(), late.end());
  return c;
}

std::chrono::seconds guestPhaseBudget(std::optional<double> runtimeSeconds,
                                      std::chrono::seconds configured,
                                      std::chrono::seconds margin) {
  if (!runtimeSeconds || !std::isfinite(*runtimeSeconds) || *runtimeSeconds < 0)
    return std::max(configured, kMinimumDeadline);
  const auto left =
      std::chrono::seconds(static_cast<long long>(std::floor(*runtimeSeconds))) - margin;
  return std::max(std::min(configured, left), kMinimumDeadline);
}

std::chrono::seconds shutdownTimeout(const Guest& guest, const StopRules& rules,
                                     std::chrono::milliseconds remaining) {
  std::chrono::seconds wanted = rules.guestTimeout;
  if (guest.startup.down && *guest.startup.down > 0)
    wanted = std::chrono::seconds(*guest.startup.down);
  if (rules.forceStop) remaining -= kForceStopReserve;
  const auto room = std::chrono::floor<std::chrono::seconds>(remaining);
  return std::max(std::min(wanted, room), std::chrono::seconds(1));
}

std::vector<GroupWorstCase> worstCases(std::vector<Guest> guests, const StopRules& rules) {
  std::vector<GroupWorstCase> out;
  std::chrono::seconds total{0};
  for (auto& group : stopGroups(std::move(guests))) {
    std::chrono::seconds worst{0};
    for (const auto& g : group.guests) {
      const auto down = g.startup.down && *g.startup.down > 0
                            ? std::chrono::seconds(*g.startup.down)
                            : rules.guestTimeout;
      worst = std::max(worst,
                       down + (rules.forceStop ? rules.forceStopTimeout : std::chrono::seconds(0)));
    }
    total += worst;
    out.push_back({std::move(group), worst, total});
  }
  return out;
}

std::chrono::milliseconds shutdownKillAfter(std::chrono::seconds timeout, const StopRules& rules,
                                            std::chrono::milliseconds remaining) {
  const std::chrono::milliseconds full = timeout + rules.toolGrace;
  if (!rules.forceStop) return full;
  const std::chrono::milliseconds least = timeout + kMinimumToolGrace;
  return std::max(std::min(full, remaining - kForceStopReserve), std::min(least, full));
}

namespace {

const std::string& tool(const Guest& g, const StopRules& r) {
  return g.type == GuestType::Vm ? r.qm : r.pct;
}

} // namespace

std::vector<std::string> shutdownArgv(const Guest& guest, const StopRules& rules,
                                      std::chrono::seconds timeout) {
  return {tool(guest, rules), "shutdown", std::to_string(guest.id), "--timeout",
          std::to_string(timeout.count())};
}

std::vector<std::string> stopArgv(const Guest& guest, const StopRules& rules) {
  return {tool(guest, rules), "stop", std::to_string(guest.id)};
}

std::vector<std::string> stopAllArgv(const StopRules& rules, std::chrono::seconds timeout,
                                     const std::vector<int>& vms) {
  std::vector<std::string> argv{rules.pvesh,
                                "create",
                                "/nodes/" + rules.node + "/stopall",
                                "--timeout",
                                std::to_string(std::min<long long>(timeout.count(), 7200)),
                                "--force-stop",
                                rules.forceStop ? "1" : "0"};
  if (!vms.empty()) {
    std::string list;
    for (int id : vms)
      list += (list.empty() ? "" : ",") + std::to_string(id);
    argv.push_back("--vms");
    argv.push_back(list);
  }
  return argv;
}

} // namespace hidupsd::proxmox
