// SPDX-License-Identifier: GPL-2.0-or-later
// Message templates: placeholders filled from a Notification, and the built-in messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "notify/catalogue.hpp"
#include "notify/notification.hpp"

namespace hidupsd::notify {

/// How bad an event is, for sinks that show it (colour, priority, subject).
enum class Severity : std::uint8_t { Info, Warning, Critical };

/// "en", "fr".
std::string_view nameOf(Language language) noexcept;
/// "info", "warning", "critical".
std::string_view nameOf(Severity severity) noexcept;

Severity severityOf(core::EventKind kind) noexcept;

/// A message: a one-line title and a multi-line body ('\n' line ends).
struct MessageTemplate {
  std::string title;
  std::string body;
};

/// Fills the placeholders of `tpl` from `n`. Pure (reads the local time zone
/// only, for {time}); never throws but std::bad_alloc.
///
/// - `{x.y}`: any NUT variable of the snapshot (`{battery.charge}`,
///   `{ups.status}`, ...), as the snapshot holds it; `{ups.model}` falls back
///   to `device.model`.
/// - `{host}`, `{event}` ("onbatt"), `{reason}` and `{text}` (the reason and
///   the progress text, said in `language`), `{time}` (local "YYYY-MM-DD
///   HH:MM:SS" of wallTime), `{runtime}` (battery.runtime as "2 min 48 s":
///   seconds under ten minutes, see durationText), `{runtime_min}`
///   (battery.runtime in whole minutes, rounded), `{severity}` (in `language`),
///   `{test_kind}`, `{test_by}`, `{test_result}` (a battery test's kind, who
///   started it and its result, in `language`; "n/a" on other events).
/// - A missing value renders as "n/a"; `{{` and `}}` are literal braces; an
///   unknown or malformed placeholder (`{foo}`, `{a b}`, an unclosed `{`)
///   renders as written.
std::string render(std::string_view tpl, const Notification& n, Language language);

/// Renders both parts of a template.
MessageTemplate render(const MessageTemplate& tpl, const Notification& n, Language language);

/// What the built-in body of an event holds after its headline.
enum class BodyState : std::uint8_t {
  Lines, ///< the UPS state, one value a line (model, battery, runtime, load, V, VA, status)
  None,  ///< no values: the sink shows them itself (Discord's embed fields)
};

/// The built-in message for an event kind, in `language`: the title, then
/// the headline, the reason line (events that have one) and the state.
MessageTemplate builtinTemplate(core::EventKind kind, Language language,
                                BodyState state = BodyState::Lines);

/// The built-in message of a shutdown progress text (Notification::progress).
/// `key`: the progress phrase's key: "shed.*" and "comeback.*" get their own titles.
MessageTemplate progressTemplate(Language language, std::string_view key = {});

/// "🧪 TEST", "🔸 SIMULATION" (and in French); "" for Marker::None. Static storage.
std::string_view markerText(Marker marker, Language language) noexcept;
/// `title` with the marker in front ("🧪 TEST — ⚡ Power outage on pve1"); as is for None.
std::string markedTitle(std::string title, Marker marker, Language language);

/// progressTemplate() when n.progress is set, else the event's message (an
/// `online` after the shutdown started has its own, per Event::powerCycle).
MessageTemplate builtinTemplateFor(const Notification& n, Language language,
                                   BodyState state = BodyState::Lines);

/// The old upssched-cmd script's message (Discord style "plain"): the same
/// title, and a body of one emoji-led line per value — time, host, model,
/// battery %, runtime in seconds ("168 sec"), load ("Charge appliquée"),
/// input V → output V, power VA, status — plus the reason for events that
/// have one. Progress texts: the progress title, then the text and the time.
MessageTemplate plainTemplateFor(const Notification& n, Language language);

} // namespace hidupsd::notify
