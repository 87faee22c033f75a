// SPDX-License-Identifier: GPL-2.0-or-later
// SupplyGate: several UPSes' events on their way to the router; the host's shutdown from all.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ups/engine.hpp"
#include "ups/supplies.hpp"

namespace hidupsd {

/// With several UPSes ([[device]]), each UPS's engine hands its events to its port() here
/// instead of the router: the gate names the UPS in each event's reason (reason.of_ups), keeps
/// that UPS's own shutdown away from the pipeline (it is a vote: SupplyBoard weighs every UPS
/// against min_supplies) and hands the router the host's shutdown once the supplies still fed
/// fall below min_supplies. `say` gets the lines the log and the event log show for a UPS
/// that turned critical while the host keeps running.
///
/// Thread rules: the ports are called on each UPS's device thread; one mutex serializes them,
/// so the router sees one UPS's step at a time (it only enqueues and writes the event log).
/// upses() from any thread.
class SupplyGate {
public:
  SupplyGate(std::vector<UpsPower> upses, int minSupplies, EventSink& router,
             std::function<void(const std::string&)> say);
  SupplyGate(const SupplyGate&) = delete;
  SupplyGate& operator=(const SupplyGate&) = delete;

  /// The sink of UPS `index`'s engine (index < the number of UPSes).
  EventSink& port(std::size_t index) { return *ports_.at(index); }
  /// Each UPS as the host's decision sees it now.
  std::vector<UpsPower> upses() const;
  SupplyVerdict verdict() const;

private:
  class Port final : public EventSink {
  public:
    Port(SupplyGate& gate, std::size_t index) : gate_(gate), index_(index) {}
    void onEvent(const core::Event& event) noexcept override { gate_.route(index_, {event}); }
    void onEvents(const std::vector<core::Event>& events) noexcept override {
      gate_.route(index_, events);
    }

  private:
    SupplyGate& gate_;
    std::size_t index_;
  };

  void route(std::size_t index, const std::vector<core::Event>& events) noexcept;
  /// One event through the board: what the router gets into `out`, the lines to say after
  /// it into `lines`.
  void pass(std::size_t index, const core::Event& event, std::vector<core::Event>& out,
            std::vector<std::string>& lines);

  EventSink& router_;
  std::function<void(const std::string&)> say_;
  mutable std::mutex mutex_;
  SupplyBoard board_; // guarded
  std::vector<std::unique_ptr<Port>> ports_;
};

/// Hands `inner` the events of the UPS named `ups`, and those of no UPS (the host's shutdown,
/// notready...), but not another UPS's (named by the gate: reason.of_ups): what follows one UPS
/// (the history's outages) stays about the first one. Thread rules: as `inner`'s.
class OneUpsFilter final : public EventSink {
public:
  OneUpsFilter(EventSink& inner, std::string ups) : inner_(inner), ups_(std::move(ups)) {}
  void onEvent(const core::Event& event) noexcept override;

private:
  EventSink& inner_;
  std::string ups_;
};

} // namespace hidupsd
