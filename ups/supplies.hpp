// SPDX-License-Identifier: GPL-2.0-or-later
// Supplies: several UPSes feeding one host — which still feed it, and whether it must shut down.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/phrase.hpp"

namespace hidupsd {

/// One UPS as the host's decision sees it (upsmon's view of a MONITOR line).
struct UpsPower {
  std::string name;
  int supplies = 1;           ///< the host's power supplies it feeds (POWERVALUE); 0 = watch only
  bool onBattery = false;     ///< the last ups.status says OB
  bool lowBattery = false;    ///< the last ups.status says LB
  bool forced = false;        ///< the last ups.status says FSD
  bool commLost = false;      ///< the UPS does not answer (commbad until commok)
  bool lastOnBattery = false; ///< with commLost: it was on battery when it was last heard
  /// This UPS's own monitor asked for a shutdown in its current outage for a reason of the
  /// policy (charge or runtime below, time on battery...); cleared when mains come back.
  std::optional<core::Phrase> policy;
  bool operator==(const UpsPower&) const = default;
};

/// Why `ups` is critical, or nullopt when it still feeds its supplies. upsmon's rule: on battery
/// with a low battery, FSD, or unreachable while last seen on battery (unreachable on mains
/// still counts as fed); and ours: the UPS's policy asked for a shutdown.
std::optional<core::Phrase> criticalReason(const UpsPower& ups);

/// The host's power as a whole.
struct SupplyVerdict {
  int fed = 0;           ///< supplies still fed by a UPS that is not critical
  int total = 0;         ///< the sum of every UPS's supplies
  int minSupplies = 1;   ///< [policy] min_supplies
  bool shutdown = false; ///< fed < minSupplies: the host must shut down
  /// The critical UPSes that feed supplies, each "NAME (reason)" (reason.ups_critical).
  std::vector<core::Phrase> critical;
  /// reason.supplies_lost (shutdown) or reason.supplies_enough: the numbers and the UPSes.
  core::Phrase reason;
};

/// upsmon's MINSUPPLIES: the host shuts down when the supplies fed by UPSes that are not
/// critical fall below `minSupplies`. A UPS with 0 supplies never counts. Pure.
SupplyVerdict judgeSupplies(std::span<const UpsPower> upses, int minSupplies);

/// Follows each UPS's events (its monitor's output, in order) and decides for the host: the
/// host's shutdown starts at most once, when the verdict says so. Pure, single-threaded (the
/// caller serializes the device threads).
class SupplyBoard {
public:
  /// `upses`: names and supplies (the flags start clear: every UPS fed).
  SupplyBoard(std::vector<UpsPower> upses, int minSupplies);

  /// What the board says after one event of UPS `index` (its snapshot's OB/LB/FSD, commbad,
  /// commok, its monitor's shutdown, online). `hostShutdown` is set once: the host's shutdown
  /// event, stamped as `event`, its reason naming the critical UPSes.
  struct Outcome {
    std::optional<core::Event> hostShutdown;
    /// The UPS just turned critical without the host shutting down (the verdict says why).
    std::optional<SupplyVerdict> heldOff;
  };
  Outcome onEvent(std::size_t index, const core::Event& event);

  SupplyVerdict verdict() const { return judgeSupplies(upses_, minSupplies_); }
  const std::vector<UpsPower>& upses() const noexcept { return upses_; }
  bool shutdownStarted() const noexcept { return shutdown_; }

private:
  void apply(UpsPower& ups, const core::Event& event);

  std::vector<UpsPower> upses_;
  int minSupplies_;
  bool shutdown_ = false;
};

} // namespace hidupsd
