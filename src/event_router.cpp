// SPDX-License-Identifier: GPL-2.0-or-later
// EventRouter: pipeline first, then notifiers, then the event log.
#include "src/event_router.hpp"

#include "lib/log.hpp"
#include "notify/catalogue.hpp"

namespace hidupsd {

EventRouter::EventRouter(EventLog& log, ShutdownPipeline& pipeline)
    : log_(log), pipeline_(pipeline) {}

void EventRouter::addNotifier(EventSink& notifier) { notifiers_.push_back(&notifier); }

void EventRouter::onEvent(const core::Event& event) noexcept {
  if (event.kind == core::EventKind::Shutdown) pipeline_.start(event);
  if (event.kind != core::EventKind::Online || !pipeline_.started()) {
    route(event);
    return;
  }
  // Mains back after the pipeline started: it goes on to the end (DESIGN.md). Whether the
  // host comes back depends on the UPS's power cycle (ups_shutdown_return): never a plain
  // "mains restored", which would read as an all-clear.
  const bool cycle = pipeline_.powerCycles();
  log::warning("event", "mains are back, but the shutdown has started and goes to the end");
  try {
    core::Event annotated = event;
    annotated.powerCycle = cycle;
    annotated.reason =
        core::Phrase(cycle ? "reason.shutdown_goes_on" : "reason.shutdown_goes_on_stays_off")
            .with("before", event.reason);
    route(annotated);
  } catch (const std::bad_alloc&) {
    route(event);
  }
}

void EventRouter::onEvents(const std::vector<core::Event>& events) noexcept {
  for (const auto& e : events)
    if (e.kind == core::EventKind::Shutdown) pipeline_.start(e);
  for (const auto& e : events)
    onEvent(e);
}

void EventRouter::route(const core::Event& event) noexcept {
  for (EventSink* n : notifiers_)
    n->onEvent(event);
  if (log::enabled(log::Level::Notice)) {
    const auto reason = notify::say(event.reason, notify::Language::En);
    log::notice("event", "{}{}{}", core::eventName(event.kind), reason.empty() ? "" : ": ", reason);
  }
  log_.append(event);
}

} // namespace hidupsd
