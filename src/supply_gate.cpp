// SPDX-License-Identifier: GPL-2.0-or-later
// SupplyGate: each UPS's events named, its own shutdown a vote, the host's shutdown once.
#include "src/supply_gate.hpp"

#include <fmt/format.h>

#include "lib/log.hpp"
#include "notify/catalogue.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "supplies";

std::string english(const core::Phrase& p) { return notify::say(p, notify::Language::En); }

} // namespace

SupplyGate::SupplyGate(std::vector<UpsPower> upses, int minSupplies, EventSink& router,
                       std::function<void(const std::string&)> say)
    : router_(router), say_(std::move(say)), board_(std::move(upses), minSupplies) {
  for (std::size_t i = 0; i < board_.upses().size(); ++i)
    ports_.push_back(std::make_unique<Port>(*this, i));
}

std::vector<UpsPower> SupplyGate::upses() const {
  std::lock_guard lock(mutex_);
  return board_.upses();
}

SupplyVerdict SupplyGate::verdict() const {
  std::lock_guard lock(mutex_);
  return board_.verdict();
}

// The UPS's own shutdown never reaches the router: the pipeline would start for the host.
// The board has weighed it; the log says so.
void SupplyGate::pass(std::size_t index, const core::Event& event, std::vector<core::Event>& out,
                      std::vector<std::string>& lines) {
  const auto outcome = board_.onEvent(index, event);
  const std::string& name = board_.upses()[index].name;
  if (event.kind == core::EventKind::Shutdown) {
    log::info(kDomain, "UPS {} votes for a shutdown: {}", name, english(event.reason));
  } else {
    core::Event named = event;
    named.reason =
        event.reason.empty()
            ? core::Phrase("reason.of_ups_only").with("ups", name)
            : core::Phrase("reason.of_ups").with("ups", name).with("reason", event.reason);
    out.push_back(std::move(named));
  }
  if (outcome.heldOff) {
    const auto line = fmt::format("UPS {} is critical: {}", name, english(outcome.heldOff->reason));
    log::warning(kDomain, "{}", line);
    lines.push_back(line);
  }
  if (outcome.hostShutdown) out.push_back(*outcome.hostShutdown);
}

void SupplyGate::route(std::size_t index, const std::vector<core::Event>& events) noexcept {
  try {
    std::lock_guard lock(mutex_);
    std::vector<core::Event> out;
    std::vector<std::string> lines;
    for (const auto& e : events)
      pass(index, e, out, lines);
    if (!out.empty()) router_.onEvents(out);
    // After the events that made them: the event log reads lowbatt, then what it means.
    for (const auto& line : lines)
      if (say_) say_(line);
  } catch (const std::exception& e) {
    // Out of memory naming an event: the events go on as they are, a shutdown among them too.
    log::error(kDomain, "cannot weigh UPS #{}'s events ({}): routing them as they are", index + 1,
               e.what());
    router_.onEvents(events);
  }
}

void OneUpsFilter::onEvent(const core::Event& event) noexcept {
  const auto& key = event.reason.key;
  const bool named = key == "reason.of_ups" || key == "reason.of_ups_only";
  if (!named || event.reason.text("ups") == ups_) inner_.onEvent(event);
}

} // namespace hidupsd
