// SPDX-License-Identifier: GPL-2.0-or-later
// The shutdown plan: stop groups in reverse startup order, deadlines, and the tool command lines.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "proxmox/guests.hpp"

namespace hidupsd::proxmox {

/// Guests stopped together: all of them in parallel.
struct StopGroup {
  std::optional<int> order; ///< nullopt: the guests without a startup order
  std::vector<Guest> guests;
};

/// Groups in stop order, as Proxmox stops guests at host shutdown: the reverse
/// of the startup order. Guests without an order start last, so they stop
/// first; then the highest order down to the lowest. Within a group, by id.
/// Pure.
std::vector<StopGroup> stopGroups(std::vector<Guest> guests);

/// True if group order `a` stops before `b` (no order first, then the highest). Pure.
bool stopsBefore(const std::optional<int>& a, const std::optional<int>& b) noexcept;

/// A later discovery applied to a plan being carried out.
struct PlanCorrection {
  std::vector<StopGroup> pending;    ///< the groups still to run, corrected
  std::vector<Guest> alreadyStopped; ///< planned, found stopped since: skipped
  std::vector<Guest> startedSince;   ///< not planned, found running since: stopped too
};

/// Corrects `pending` (the groups not started yet, in stop order) with
/// `fresh`, a discovery made after the plan: a planned guest it finds stopped
/// is dropped; one it finds running with another startup order moves to its
/// group; a running guest (not excluded) that is neither pending nor in
/// `started` (handed to a group already) is added — to its own group if that
/// is still to come, else, its turn being past (its order stops before
/// `lastStarted`'s, or is it), to the first pending group, or to a new one at
/// the end. A guest `fresh` does not know (its list failed) stays as planned.
/// Pure.
PlanCorrection correctPlan(const std::vector<StopGroup>& pending, const std::vector<Guest>& started,
                           const std::optional<std::optional<int>>& lastStarted,
                           const Inventory& fresh, const std::vector<int>& exclude);

/// The least time the guest phase gets, however little runtime is left: a
/// clean shutdown needs some seconds, and the battery estimate at low battery
/// is rough.
inline constexpr std::chrono::seconds kMinimumDeadline{15};
/// What a guest's clean shutdown leaves of the deadline for its force stop.
inline constexpr std::chrono::seconds kForceStopReserve{10};
/// The least time past its own timeout a shutdown tool gets before we kill it.
inline constexpr std::chrono::seconds kMinimumToolGrace{2};

/// How long the guest phase may take: min(configured, runtime − margin), at
/// least kMinimumDeadline; `configured` alone when the runtime is unknown.
/// Pure.
std::chrono::seconds guestPhaseBudget(std::optional<double> runtimeSeconds,
                                      std::chrono::seconds configured, std::chrono::seconds margin);

/// The tools, the node and the per-guest rules of a stop.
struct StopRules {
  std::string qm = "/usr/sbin/qm";
  std::string pct = "/usr/sbin/pct";
  std::string pvesh = "/usr/bin/pvesh";
  std::string node;                       ///< for stopall
  std::chrono::seconds guestTimeout{180}; ///< when the guest's config gives no down=
  bool forceStop = true;
  std::chrono::seconds forceStopTimeout{60};  ///< at most, for qm stop / pct stop
  std::chrono::milliseconds toolGrace{15000}; ///< a tool's own timeout + this = ours
  std::vector<int> exclude;                   ///< ids never stopped ([proxmox] exclude)
};

/// A guest's clean-shutdown timeout: its `down=` if set, else guestTimeout;
/// never past `remaining` (kept ≥ 1 s: qm wants a positive timeout). With
/// forceStop, 10 s of `remaining` stay for the force stop. Pure.
std::chrono::seconds shutdownTimeout(const Guest& guest, const StopRules& rules,
                                     std::chrono::milliseconds remaining);

/// Our own limit on `shutdown --timeout T` (`timeout` = T): T + toolGrace,
/// cut to `remaining` minus kForceStopReserve with forceStop (a hung qm must
/// not push the force stop past the deadline), never under T +
/// kMinimumToolGrace. Pure.
std::chrono::milliseconds shutdownKillAfter(std::chrono::seconds timeout, const StopRules& rules,
                                            std::chrono::milliseconds remaining);

/// One stop group at its slowest: every guest uses its whole clean-shutdown timeout (its
/// `down=`, else guestTimeout), then its force stop (forceStopTimeout, with forceStop).
struct GroupWorstCase {
  StopGroup group;
  std::chrono::seconds worst{0};  ///< the group's slowest guest
  std::chrono::seconds endsBy{0}; ///< this and every group before it, one after the other
};

/// stopGroups(guests), each with its worst case (no deadline applied: what the guests would
/// take, to compare with it). Pure.
std::vector<GroupWorstCase> worstCases(std::vector<Guest> guests, const StopRules& rules);

/// `qm shutdown ID --timeout T` / `pct shutdown ID --timeout T`.
std::vector<std::string> shutdownArgv(const Guest& guest, const StopRules& rules,
                                      std::chrono::seconds timeout);
/// `qm stop ID` / `pct stop ID`.
std::vector<std::string> stopArgv(const Guest& guest, const StopRules& rules);
/// `pvesh create /nodes/NODE/stopall --timeout T --force-stop 0|1 [--vms ID,ID]`
/// (`vms` empty: every guest of the node). The timeout is capped at PVE's 7200 s.
std::vector<std::string> stopAllArgv(const StopRules& rules, std::chrono::seconds timeout,
                                     const std::vector<int>& vms);

} // namespace hidupsd::proxmox
