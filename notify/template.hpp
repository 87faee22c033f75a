// SPDX-License-Identifier: GPL-2.0-or-later
// Message templates: placeholders filled from a Notification, and the built-in messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "notify/notification.hpp"

namespace hidupsd::notify {

/// The language of built-in messages (src maps its config value onto it).
enum class Language : std::uint8_t { En, Fr };

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
/// - `{host}`, `{event}` ("onbatt"), `{reason}`, `{text}` (progress text),
///   `{time}` (local "YYYY-MM-DD HH:MM:SS" of wallTime), `{runtime_min}`
///   (battery.runtime in whole minutes, rounded), `{severity}` (in `language`),
///   `{test_kind}`, `{test_by}`, `{test_result}` (a battery test's kind, who
///   started it and its result, in `language`; "n/a" on other events).
/// - A missing value renders as "n/a"; `{{` and `}}` are literal braces; an
///   unknown or malformed placeholder (`{foo}`, `{a b}`, an unclosed `{`)
///   renders as written.
std::string render(std::string_view tpl, const Notification& n, Language language);

/// Renders both parts of a template.
MessageTemplate render(const MessageTemplate& tpl, const Notification& n, Language language);

/// The built-in message for an event kind, in `language`. Static storage.
const MessageTemplate& builtinTemplate(core::EventKind kind, Language language) noexcept;

/// The built-in message for a shutdown progress text (Notification::text).
const MessageTemplate& progressTemplate(Language language) noexcept;

/// "🧪 TEST", "🔸 SIMULATION" (and in French); "" for Marker::None. Static storage.
std::string_view markerText(Marker marker, Language language) noexcept;
/// `title` with the marker in front ("🧪 TEST — ⚡ Power outage on pve1"); as is for None.
std::string markedTitle(std::string title, Marker marker, Language language);

/// progressTemplate() when n.text is set, else builtinTemplate(n.event.kind).
const MessageTemplate& builtinTemplateFor(const Notification& n, Language language) noexcept;

} // namespace hidupsd::notify
