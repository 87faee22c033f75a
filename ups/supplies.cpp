// SPDX-License-Identifier: GPL-2.0-or-later
// Supplies: upsmon's MINSUPPLIES over the UPSes' states, and the board that follows their events.
#include "ups/supplies.hpp"

#include <string>
#include <utility>

namespace hidupsd {

using core::EventKind;
using core::Phrase;

// upsmon.c's is_critical(): FSD first, then OB+LB, then a UPS whose connection is gone while
// its last status was OB (NUT's "UPS ... is unavailable ... assuming critical").
std::optional<Phrase> criticalReason(const UpsPower& ups) {
  if (ups.forced) return Phrase("reason.fsd_status");
  if (ups.commLost) {
    if (ups.lastOnBattery) return Phrase("reason.unreachable_on_battery");
  } else if (ups.onBattery && ups.lowBattery) {
    return Phrase("reason.low_battery");
  }
  return ups.policy;
}

SupplyVerdict judgeSupplies(std::span<const UpsPower> upses, int minSupplies) {
  SupplyVerdict v;
  v.minSupplies = minSupplies;
  for (const auto& ups : upses) {
    v.total += ups.supplies;
    const auto why = criticalReason(ups);
    if (!why) {
      v.fed += ups.supplies;
    } else if (ups.supplies > 0) {
      v.critical.push_back(
          Phrase("reason.ups_critical").with("ups", ups.name).with("reason", *why));
    }
  }
  v.shutdown = v.fed < minSupplies;
  v.reason = Phrase(v.shutdown ? "reason.supplies_lost" : "reason.supplies_enough")
                 .with("fed", std::to_string(v.fed))
                 .with("total", std::to_string(v.total))
                 .with("min", std::to_string(minSupplies))
                 .with("critical", v.critical);
  return v;
}

SupplyBoard::SupplyBoard(std::vector<UpsPower> upses, int minSupplies)
    : upses_(std::move(upses)), minSupplies_(minSupplies) {}

// The monitor's events carry the last snapshot: its flags are the UPS's state, except on a
// comm event, whose snapshot is the last one heard (stale by then).
void SupplyBoard::apply(UpsPower& ups, const core::Event& event) {
  const auto& s = event.snapshot;
  switch (event.kind) {
  case EventKind::CommBad:
    ups.commLost = true;
    ups.lastOnBattery = ups.onBattery || s.hasStatus("OB");
    return;
  case EventKind::NoComm: return;
  case EventKind::CommOk: ups.commLost = false; break;
  case EventKind::Shutdown: ups.policy = event.reason; break;
  case EventKind::Online:
    ups.policy.reset(); // the outage is over: the UPS's own shutdown with it
    break;
  default: break;
  }
  if (!s.get("ups.status")) return;
  ups.onBattery = s.hasStatus("OB");
  ups.lowBattery = s.hasStatus("LB");
  ups.forced = s.hasStatus("FSD");
}

SupplyBoard::Outcome SupplyBoard::onEvent(std::size_t index, const core::Event& event) {
  Outcome out;
  if (index >= upses_.size()) return out;
  UpsPower& ups = upses_[index];
  const bool wasCritical = criticalReason(ups).has_value();
  apply(ups, event);
  const bool critical = criticalReason(ups).has_value();
  // Only a UPS turning critical can lower the fed supplies (the lowbatt before its monitor's
  // shutdown already does).
  if (shutdown_ || wasCritical || !critical) return out;
  auto v = verdict();
  if (!v.shutdown) {
    if (ups.supplies > 0) out.heldOff = std::move(v);
    return out;
  }
  shutdown_ = true;
  core::Event host = event;
  host.kind = EventKind::Shutdown;
  host.reason = std::move(v.reason);
  out.hostShutdown = std::move(host);
  return out;
}

} // namespace hidupsd
