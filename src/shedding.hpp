// SPDX-License-Identifier: GPL-2.0-or-later
// ShedPlanner: which [[shed]] tier to stop now, which shed guests to start again (pure).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "proxmox/inventory.hpp"

namespace hidupsd {

/// What the planner sees of the UPS at one moment.
struct PowerReading {
  core::Clock::time_point now{};
  bool onBattery = false;        ///< ups.status has OB
  bool onMains = false;          ///< ups.status has OL and not OB
  std::optional<double> charge;  ///< battery.charge, %
  std::optional<double> runtime; ///< battery.runtime, s
};

/// A tier to stop now.
struct ShedStop {
  std::size_t tier = 0; ///< index in the tiers
  std::string name;
  std::vector<proxmox::Guest> guests; ///< running members not shed yet (may be empty)
  std::string why;                    ///< "5 s on battery", "battery.charge 38 % < 40 %"
  std::chrono::seconds timeout{120};
};

/// One planner step's answer.
struct ShedDecision {
  std::vector<ShedStop> stop;          ///< tiers whose trigger fired, in config order
  std::vector<proxmox::Guest> restart; ///< shed guests to start again, in startup order
  bool handOver = false;               ///< the shutdown started: shedding ends (said once)
};

/// A guest stopped by shedding, for the shutdown's record (comeback).
struct ShedGuest {
  proxmox::Guest guest;
  std::string tier;
  bool restartOnMains = true;
};

/// Proxmox's startup order: guests with an order first, lowest first; then those without;
/// by id within. Pure.
std::vector<proxmox::Guest> startupOrder(std::vector<proxmox::Guest> guests);

/// The running guests of `inventory` that belong to `tier` (by id or by tag). Pure.
std::vector<proxmox::Guest> tierMembers(const ShedTier& tier, const proxmox::Inventory& inventory);

/// The shedding decisions over time (no I/O, no clock of its own: the caller passes the
/// time in each reading).
///
/// On battery, a tier fires once its trigger holds: after_on_battery S seconds after the
/// first OB reading of this outage, charge_below / runtime_below as soon as a reading is
/// under the threshold. A fired tier stays fired for the rest of the outage. Mains back for
/// `onlineDelay` (OL without OB, uninterrupted) and no shutdown started: the guests that
/// the fired tiers with restart_on_mains really stopped (stopped()) are started again, and
/// every tier is armed for the next outage. Once the shutdown has started, the planner
/// stops nothing more and restarts nothing: the shutdown owns every guest from then on.
///
/// Thread rules: none (one owner).
class ShedPlanner {
public:
  ShedPlanner(std::vector<ShedTier> tiers, std::chrono::seconds onlineDelay);

  /// One step; `inventory` is the latest guest plan (nullptr: none yet, tiers still fire
  /// with no guests).
  ShedDecision step(const PowerReading& reading, const proxmox::Inventory* inventory,
                    bool shutdownStarted);
  /// What a fired tier's stop did stop (the runner's answer): only those come back.
  void stopped(std::size_t tier, const std::vector<proxmox::Guest>& guests);
  /// When step() has something to do without a new reading (an after_on_battery trigger or
  /// the end of the online delay); nullopt: only a new reading can change anything.
  std::optional<core::Clock::time_point> nextDue() const;
  /// Every guest shed this outage and not started again yet.
  std::vector<ShedGuest> shed() const;
  /// Whether any tier is configured.
  bool empty() const noexcept { return tiers_.empty(); }
  const std::vector<ShedTier>& tiers() const noexcept { return tiers_; }

private:
  struct TierState {
    bool fired = false;
    std::vector<proxmox::Guest> stopped;
  };
  std::optional<std::string> fires(const ShedTier& tier, const PowerReading& reading) const;
  bool alreadyShed(const proxmox::Guest& guest) const;
  std::vector<proxmox::Guest> restartAll();

  std::vector<ShedTier> tiers_;
  std::chrono::seconds onlineDelay_;
  std::vector<TierState> state_;
  std::optional<core::Clock::time_point> onBatterySince_;
  std::optional<core::Clock::time_point> onMainsSince_;
  bool handedOver_ = false;
};

/// "would stop VM 105 (lab1) (tier "lab") after 60 s on battery", one line per member (or
/// per tier with no member running), for --test-event and the dry run. Pure.
std::vector<std::string> describeShedding(const std::vector<ShedTier>& tiers,
                                          const proxmox::Inventory* inventory);

} // namespace hidupsd
