// SPDX-License-Identifier: GPL-2.0-or-later
// EventRouter: pipeline first, then notifiers, then the event log.
#include "src/event_router.hpp"

#include "src/log.hpp"

namespace hidupsd {

EventRouter::EventRouter(EventLog& log, ShutdownPipeline& pipeline)
    : log_(log), pipeline_(pipeline) {}

void EventRouter::addNotifier(EventSink& notifier) { notifiers_.push_back(&notifier); }

void EventRouter::onEvent(const core::Event& event) noexcept {
  if (event.kind == core::EventKind::Shutdown) pipeline_.start(event);
  for (EventSink* n : notifiers_) n->onEvent(event);
  log::notice("event", "{}{}{}", core::eventName(event.kind), event.reason.empty() ? "" : ": ",
              event.reason);
  log_.append(event);
}

} // namespace hidupsd
