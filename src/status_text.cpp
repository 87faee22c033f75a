// SPDX-License-Identifier: GPL-2.0-or-later
// statusText(): one section per part of the state, only what is known.
#include "src/status_text.hpp"

#include <ctime>

#include <fmt/format.h>

#include "notify/catalogue.hpp"

namespace hidupsd {

namespace {

std::string when(core::WallTime t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

std::string since(core::WallTime t, core::WallTime now) {
  const double s = std::chrono::duration<double>(now - t).count();
  return fmt::format("{} ({} ago)", when(t),
                     notify::durationText(s < 0 ? 0 : s, notify::Language::En));
}

std::string variable(const core::UpsView& u, const std::string& name) {
  const auto it = u.variables.find(name);
  return it == u.variables.end() ? "" : it->second;
}

std::string upsLine(const core::UpsView& u, core::WallTime now) {
  if (!u.everRead) return fmt::format("UPS \"{}\": not read yet\n", u.name);
  std::string out = fmt::format("UPS \"{}\": {}", u.name, variable(u, "ups.status"));
  if (!u.commOk) out += " (NO ANSWER: the values are the last known)";
  out += "\n";
  if (u.onBatterySince) out += "  on battery since " + since(*u.onBatterySince, now) + "\n";
  std::string values;
  const auto add = [&](const char* label, const std::string& name, const char* unit) {
    const auto v = variable(u, name);
    if (!v.empty()) values += fmt::format("{}{} {}{}", values.empty() ? "" : ", ", label, v, unit);
  };
  add("charge", "battery.charge", " %");
  add("load", "ups.load", " %");
  add("input", "input.voltage", " V");
  if (const auto r = variable(u, "battery.runtime"); !r.empty()) {
    const double s = std::strtod(r.c_str(), nullptr);
    values += (values.empty() ? "" : ", ") + std::string("runtime ") +
              notify::durationText(s, notify::Language::En);
  }
  if (!values.empty()) out += "  " + values + "\n";
  return out;
}

std::string pipelineLines(const core::PipelineState& p, core::WallTime now) {
  using Phase = core::PipelineState::Phase;
  if (p.phase == Phase::Idle) return "Shutdown: not started\n";
  std::string out = p.phase == Phase::Running ? "Shutdown: RUNNING" : "Shutdown: finished";
  if (p.phase == Phase::Running && p.startedAt) out += ", since " + since(*p.startedAt, now);
  if (p.phase == Phase::Finished && p.finishedAt) out += " at " + when(*p.finishedAt);
  out += "\n";
  if (!p.reason.empty()) out += "  why: " + p.reason + "\n";
  if (p.guestsTotal > 0)
    out += fmt::format("  guests: {} of {} done", p.guestsDone, p.guestsTotal) +
           (p.deadlineSeconds ? fmt::format(", deadline {} s", *p.deadlineSeconds) : "") + "\n";
  if (!p.step.empty()) out += "  last step: " + p.step + "\n";
  return out;
}

std::string readinessLines(const std::optional<core::ReadinessState>& r) {
  if (!r) return "Shutdown readiness: not checked yet\n";
  std::string out = fmt::format("Shutdown readiness: {}", r->ready ? "ready" : "NOT READY");
  if (r->checkedAt) out += " (checked " + when(*r->checkedAt) + ")";
  out += "\n";
  for (const auto& e : r->errors)
    out += "  error: " + e + "\n";
  for (const auto& w : r->warnings)
    out += "  warning: " + w + "\n";
  return out;
}

std::string eventLines(const std::vector<core::EventRecord>& events) {
  if (events.empty()) return "Last events: none since the daemon started\n";
  std::string out = "Last events (oldest first):\n";
  for (const auto& e : events)
    out += fmt::format("  {}  {}{}{}\n", when(e.time), e.event, e.reason.empty() ? "" : ": ",
                       e.reason);
  return out;
}

std::string sinkLine(const core::SinkHealth& s) {
  std::string out = fmt::format("  {}: {} delivered", s.name, s.delivered);
  if (s.lastSuccess) out += " (last " + when(*s.lastSuccess) + ")";
  if (s.failed > 0 || s.lastFailure) out += fmt::format(", {} given up", s.failed);
  if (s.lastFailure) out += "; last failure " + when(*s.lastFailure) + ": " + s.lastError;
  if (s.failuresInRow > 0) out += fmt::format(" — FAILING ({} in a row)", s.failuresInRow);
  return out + "\n";
}

std::string notificationLines(const core::DaemonState& s) {
  if (s.notifications.empty()) return "Notifications: none configured ([[notify]])\n";
  std::string out = "Notifications:\n";
  for (const auto& sink : s.notifications)
    out += sinkLine(sink);
  if (s.notificationsDropped > 0)
    out += fmt::format("  {} notification(s) dropped (queue full)\n", s.notificationsDropped);
  return out;
}

} // namespace

std::string historyLines(const std::optional<core::HistoryView>& h) {
  if (!h) return "History: off ([history] file = \"\")\n";
  std::string out =
      fmt::format("History: {} transfer{} to battery ({} blip{}), {} on battery in total",
                  h->transfers, h->transfers == 1 ? "" : "s", h->blips, h->blips == 1 ? "" : "s",
                  notify::durationText(h->onBatterySeconds, notify::Language::En));
  if (h->since) out += ", since " + when(*h->since);
  out += "\n";
  if (h->lastOutage)
    out += "  last outage " + when(*h->lastOutage) +
           (h->lastOutageSeconds
                ? " for " + notify::durationText(*h->lastOutageSeconds, notify::Language::En)
                : std::string()) +
           (h->lastOutageReason.empty() ? "" : " (" + h->lastOutageReason + ")") + "\n";
  out +=
      "  battery health: " +
      (h->healthScore ? fmt::format("{} / 100", *h->healthScore) : std::string("not known yet")) +
      (h->replaceBattery ? " — REPLACE THE BATTERY" : "") + "\n";
  if (h->lastTest)
    out += "  last battery test " + when(*h->lastTest) +
           (h->lastTestResult.empty() ? "" : ": " + h->lastTestResult) + "\n";
  if (!h->writable && !h->problem.empty()) out += "  NOT WRITTEN: " + h->problem + "\n";
  return out;
}

namespace {

std::string header(const core::DaemonState& s, core::WallTime now) {
  std::string out = fmt::format("hidupsd {} on {}", s.version, s.host);
  if (s.startedAt) out += ", running since " + since(*s.startedAt, now);
  out += "\n";
  if (s.simulation) out += "SIMULATION: the shutdown only says what it would do\n";
  return out;
}

} // namespace

std::string statusText(const core::DaemonState& s, core::WallTime now) {
  if (s.source != "daemon") {
    const char* from = s.source == "nut" ? "through the NUT server" : "from the UPS itself";
    return fmt::format("(the daemon's control socket did not answer: read {})\n", from) +
           upsLine(s.ups, now);
  }
  std::string more;
  for (const auto& u : s.moreUps)
    more += upsLine(u, now);
  if (!s.supplies.empty()) more += "Supplies: " + s.supplies + "\n";
  return header(s, now) + upsLine(s.ups, now) + more + pipelineLines(s.pipeline, now) +
         readinessLines(s.readiness) + eventLines(s.lastEvents) + notificationLines(s) +
         historyLines(s.history);
}

} // namespace hidupsd
