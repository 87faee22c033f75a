// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in messages: each event's shape, its words from the catalogue (the old script's).
#include <array>

#include "notify/template.hpp"

namespace hidupsd::notify {

namespace {

/// What one event's body holds besides its headline.
struct Shape {
  bool reason;    ///< a "Reason:" line
  bool lastKnown; ///< the state is the last known one (comm events)
  bool state;     ///< the UPS state at all
};

/// In core::EventKind order.
constexpr std::array<Shape, core::kEventNames.size()> kShapes = {{
    {false, false, true}, // onbatt
    {false, false, true}, // online
    {true, false, true},  // lowbatt
    {true, false, true},  // shutdown
    {true, true, true},   // commbad
    {false, false, true}, // commok
    {false, true, true},  // nocomm
    {true, false, true},  // replbatt: the UPS's RB, or the history's battery health
    {false, false, true}, // overload
    {true, false, true},  // fsd
    {true, false, true},  // notready
    {false, false, true}, // startselftest
    {false, false, true}, // endselftest
    {true, false, false}, // notifyfail: about a sink, not the UPS
}};

/// The state lines, in the old script's order.
constexpr std::string_view kStateKeys[] = {"state.model", "state.battery",  "state.runtime",
                                           "state.load",  "state.voltages", "state.power",
                                           "state.status"};
constexpr std::string_view kPlainKeys[] = {"plain.time",     "plain.host",    "plain.model",
                                           "plain.battery",  "plain.runtime", "plain.load",
                                           "plain.voltages", "plain.power",   "plain.status"};

/// The catalogue key of an event's title or headline. An `online` after the shutdown
/// started has its own words, whether the UPS power-cycles the host or it stays off.
std::string eventKey(const core::Event& event, std::string_view part) {
  if (event.kind == core::EventKind::Online && event.powerCycle) {
    if (part == "title") return "event.online.goes_on.title";
    return *event.powerCycle ? "event.online.goes_on.cycle" : "event.online.goes_on.stays_off";
  }
  return "event." + std::string(core::eventName(event.kind)) + "." + std::string(part);
}

/// The lines of `keys` in `language`, '\n' between them.
template <std::size_t N> std::string lines(const std::string_view (&keys)[N], Language language) {
  std::string out;
  for (const auto key : keys)
    out += (out.empty() ? "" : "\n") + std::string(text(key, language));
  return out;
}

const Shape& shapeOf(core::EventKind kind) { return kShapes[static_cast<std::size_t>(kind)]; }

MessageTemplate eventTemplate(const core::Event& event, Language language, BodyState state) {
  const Shape& shape = shapeOf(event.kind);
  std::string body(text(eventKey(event, "headline"), language));
  if (shape.reason) body += "\n" + std::string(text("body.reason", language));
  if (shape.state && state == BodyState::Lines) {
    if (shape.lastKnown) body += "\n" + std::string(text("body.last_known", language));
    body += "\n" + lines(kStateKeys, language);
  }
  return {std::string(text(eventKey(event, "title"), language)), body};
}

} // namespace

Severity severityOf(core::EventKind kind) noexcept {
  using core::EventKind;
  switch (kind) {
  case EventKind::Online:
  case EventKind::CommOk:
  case EventKind::TestStarted:
  case EventKind::TestFinished: return Severity::Info;
  case EventKind::LowBattery:
  case EventKind::Shutdown:
  case EventKind::Fsd:
  case EventKind::NotReady: return Severity::Critical;
  default: return Severity::Warning;
  }
}

MessageTemplate builtinTemplate(core::EventKind kind, Language language, BodyState state) {
  core::Event event;
  event.kind = kind;
  return eventTemplate(event, language, state);
}

MessageTemplate progressTemplate(Language language, std::string_view key) {
  std::string_view title = "progress.title";
  if (key.starts_with("shed.")) title = "shed.title";
  if (key.starts_with("comeback.")) title = "comeback.title";
  return {std::string(text(title, language)), std::string(text("progress.body", language))};
}

std::string_view markerText(Marker marker, Language language) noexcept {
  switch (marker) {
  case Marker::Test: return text("marker.test", language);
  case Marker::Simulation: return text("marker.simulation", language);
  case Marker::None: break;
  }
  return "";
}

std::string markedTitle(std::string title, Marker marker, Language language) {
  if (marker == Marker::None) return title;
  return std::string(markerText(marker, language)) + " — " + title;
}

MessageTemplate builtinTemplateFor(const Notification& n, Language language, BodyState state) {
  return n.progress.empty() ? eventTemplate(n.event, language, state)
                            : progressTemplate(language, n.progress.key);
}

MessageTemplate plainTemplateFor(const Notification& n, Language language) {
  if (!n.progress.empty()) return progressTemplate(language, n.progress.key);
  const Shape& shape = shapeOf(n.event.kind);
  std::string body = shape.state ? lines(kPlainKeys, language)
                                 : std::string(text("plain.time", language)) + "\n" +
                                       std::string(text("plain.host", language));
  if (shape.reason) body += "\n" + std::string(text("plain.reason", language));
  return {std::string(text(eventKey(n.event, "title"), language)), body};
}

} // namespace hidupsd::notify
