// SPDX-License-Identifier: GPL-2.0-or-later
// SupplyGate: each UPS's events named, its own shutdown kept from the pipeline, the host's
// shutdown handed on once; OneUpsFilter keeps another UPS's events from the history.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "notify/catalogue.hpp"
#include "src/supply_gate.hpp"

namespace hidupsd {
namespace {

using Trace = std::vector<std::string>;

/// The router as the gate sees it: every event as "NAME: REASON" in English.
class Recorder final : public EventSink {
public:
  void onEvent(const core::Event& event) noexcept override {
    trace.push_back(std::string(core::eventName(event.kind)) + ": " +
                    notify::say(event.reason, notify::Language::En));
  }
  Trace trace;
};

UpsPower ups(std::string name) {
  UpsPower u;
  u.name = std::move(name);
  return u;
}

core::Event event(core::EventKind kind, std::string status, core::Phrase reason) {
  core::Event e;
  e.kind = kind;
  e.reason = std::move(reason);
  e.snapshot.variables["ups.status"] = std::move(status);
  return e;
}

std::vector<core::Event> lowBattery() {
  return {event(core::EventKind::LowBattery, "OB LB", core::Phrase("reason.low_battery")),
          event(core::EventKind::Shutdown, "OB LB", core::Phrase("reason.low_battery"))};
}

} // namespace

TEST_CASE("SupplyGate: the first UPS's shutdown is a vote, the second's shuts the host down") {
  Recorder router;
  Trace said;
  SupplyGate gate({ups("left"), ups("right")}, 1, router,
                  [&](const std::string& line) { said.push_back(line); });
  gate.port(0).onEvents(lowBattery());
  CHECK(router.trace == Trace{"lowbatt: UPS left: UPS reports low battery"});
  CHECK(said == Trace{"UPS left is critical: 1 of 2 power supplies still fed (min_supplies = "
                      "1): the host keeps running; critical: left (UPS reports low battery)"});
  gate.port(1).onEvents(lowBattery());
  CHECK(router.trace == Trace{"lowbatt: UPS left: UPS reports low battery",
                              "lowbatt: UPS right: UPS reports low battery",
                              "shutdown: 0 of 2 power supplies still fed, fewer than "
                              "min_supplies = 1; critical: left (UPS reports low battery); "
                              "right (UPS reports low battery)"});
  CHECK(gate.verdict().fed == 0);
  // An event without a reason still says whose it is.
  gate.port(1).onEvent(event(core::EventKind::CommOk, "OB LB", {}));
  CHECK(router.trace.back() == "commok: UPS right");
}

TEST_CASE("OneUpsFilter: the first UPS's events and the host's pass, another UPS's do not") {
  Recorder history;
  OneUpsFilter filter(history, "left");
  SupplyGate gate({ups("left"), ups("right")}, 2, filter, {});
  gate.port(1).onEvent(event(core::EventKind::OnBattery, "OB",
                             core::Phrase("reason.on_battery").with("seconds", "5")));
  gate.port(0).onEvents(lowBattery());
  CHECK(history.trace == Trace{"lowbatt: UPS left: UPS reports low battery",
                               "shutdown: 1 of 2 power supplies still fed, fewer than "
                               "min_supplies = 2; critical: left (UPS reports low battery)"});
}

} // namespace hidupsd
