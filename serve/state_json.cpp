// SPDX-License-Identifier: GPL-2.0-or-later
// DaemonState ↔ JSON with nlohmann::json, field by field in the model's order.
#include "serve/state_json.hpp"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

namespace hidupsd::serve {

namespace {

using Json = nlohmann::ordered_json;
using core::WallTime;

Json timeJson(const std::optional<WallTime>& t) {
  if (!t) return nullptr;
  const std::time_t s = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<WallTime> timeOf(const Json& j) {
  if (j.is_null()) return std::nullopt;
  std::tm tm{};
  const std::string s = j.get<std::string>();
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') throw StateJsonError("not a UTC time: \"" + s + "\"");
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

template <typename T> Json optionalJson(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

constexpr std::string_view kPhases[] = {"idle", "running", "finished"};

Json pipelineJson(const core::PipelineState& p) {
  return {{"phase", std::string(kPhases[static_cast<int>(p.phase)])},
          {"started_at", timeJson(p.startedAt)},
          {"finished_at", timeJson(p.finishedAt)},
          {"reason", p.reason},
          {"step", p.step},
          {"guests_done", p.guestsDone},
          {"guests_total", p.guestsTotal},
          {"deadline_seconds", optionalJson(p.deadlineSeconds)}};
}

Json readinessJson(const std::optional<core::ReadinessState>& r) {
  if (!r) return nullptr;
  return {{"ready", r->ready},
          {"checked_at", timeJson(r->checkedAt)},
          {"errors", r->errors},
          {"warnings", r->warnings}};
}

Json upsJson(const core::UpsView& u) {
  return {{"name", u.name},
          {"ever_read", u.everRead},
          {"comm_ok", u.commOk},
          {"on_battery_since", timeJson(u.onBatterySince)},
          {"variables", u.variables}};
}

Json eventsJson(const std::vector<core::EventRecord>& events) {
  Json out = Json::array();
  for (const auto& e : events)
    out.push_back({{"event", e.event},
                   {"time", timeJson(e.time)},
                   {"reason", e.reason},
                   {"reason_key", e.reasonKey}});
  return out;
}

Json sinksJson(const std::vector<core::SinkHealth>& sinks) {
  Json out = Json::array();
  for (const auto& s : sinks)
    out.push_back({{"name", s.name},
                   {"delivered", s.delivered},
                   {"failed", s.failed},
                   {"last_success", timeJson(s.lastSuccess)},
                   {"last_failure", timeJson(s.lastFailure)},
                   {"last_error", s.lastError},
                   {"failures_in_row", s.failuresInRow}});
  return out;
}

Json historyJson(const std::optional<core::HistoryView>& h) {
  if (!h) return nullptr;
  return {{"writable", h->writable},
          {"problem", h->problem},
          {"transfers", h->transfers},
          {"blips", h->blips},
          {"on_battery_seconds", h->onBatterySeconds},
          {"since", timeJson(h->since)},
          {"last_outage", timeJson(h->lastOutage)},
          {"last_outage_seconds", optionalJson(h->lastOutageSeconds)},
          {"last_outage_reason", h->lastOutageReason},
          {"health_score", optionalJson(h->healthScore)},
          {"replace_battery", h->replaceBattery},
          {"last_test", timeJson(h->lastTest)},
          {"last_test_result", h->lastTestResult}};
}

core::PipelineState pipelineOf(const Json& j) {
  core::PipelineState p;
  const auto phase = j.at("phase").get<std::string>();
  const auto* it = std::find(std::begin(kPhases), std::end(kPhases), phase);
  if (it == std::end(kPhases)) throw StateJsonError("pipeline.phase \"" + phase + "\"");
  p.phase = static_cast<core::PipelineState::Phase>(it - std::begin(kPhases));
  p.startedAt = timeOf(j.at("started_at"));
  p.finishedAt = timeOf(j.at("finished_at"));
  p.reason = j.at("reason").get<std::string>();
  p.step = j.at("step").get<std::string>();
  p.guestsDone = j.at("guests_done").get<std::size_t>();
  p.guestsTotal = j.at("guests_total").get<std::size_t>();
  if (!j.at("deadline_seconds").is_null())
    p.deadlineSeconds = j.at("deadline_seconds").get<std::int64_t>();
  return p;
}

std::optional<core::ReadinessState> readinessOf(const Json& j) {
  if (j.is_null()) return std::nullopt;
  core::ReadinessState r;
  r.ready = j.at("ready").get<bool>();
  r.checkedAt = timeOf(j.at("checked_at"));
  r.errors = j.at("errors").get<std::vector<std::string>>();
  r.warnings = j.at("warnings").get<std::vector<std::string>>();
  return r;
}

core::UpsView upsOf(const Json& j) {
  core::UpsView u;
  u.name = j.at("name").get<std::string>();
  u.everRead = j.at("ever_read").get<bool>();
  u.commOk = j.at("comm_ok").get<bool>();
  u.onBatterySince = timeOf(j.at("on_battery_since"));
  u.variables = j.at("variables").get<std::map<std::string, std::string>>();
  return u;
}

std::vector<core::EventRecord> eventsOf(const Json& j) {
  std::vector<core::EventRecord> out;
  for (const auto& e : j)
    out.push_back({e.at("event").get<std::string>(), timeOf(e.at("time")).value_or(WallTime{}),
                   e.at("reason").get<std::string>(), e.at("reason_key").get<std::string>()});
  return out;
}

std::vector<core::SinkHealth> sinksOf(const Json& j) {
  std::vector<core::SinkHealth> out;
  for (const auto& s : j) {
    core::SinkHealth h;
    h.name = s.at("name").get<std::string>();
    h.delivered = s.at("delivered").get<std::uint64_t>();
    h.failed = s.at("failed").get<std::uint64_t>();
    h.lastSuccess = timeOf(s.at("last_success"));
    h.lastFailure = timeOf(s.at("last_failure"));
    h.lastError = s.at("last_error").get<std::string>();
    h.failuresInRow = s.at("failures_in_row").get<int>();
    out.push_back(std::move(h));
  }
  return out;
}

std::optional<core::HistoryView> historyOf(const Json& j) {
  if (j.is_null()) return std::nullopt;
  core::HistoryView h;
  h.writable = j.at("writable").get<bool>();
  h.problem = j.at("problem").get<std::string>();
  h.transfers = j.at("transfers").get<std::int64_t>();
  h.blips = j.at("blips").get<std::int64_t>();
  h.onBatterySeconds = j.at("on_battery_seconds").get<double>();
  h.since = timeOf(j.at("since"));
  h.lastOutage = timeOf(j.at("last_outage"));
  if (!j.at("last_outage_seconds").is_null())
    h.lastOutageSeconds = j.at("last_outage_seconds").get<double>();
  h.lastOutageReason = j.at("last_outage_reason").get<std::string>();
  if (!j.at("health_score").is_null()) h.healthScore = j.at("health_score").get<int>();
  h.replaceBattery = j.at("replace_battery").get<bool>();
  h.lastTest = timeOf(j.at("last_test"));
  h.lastTestResult = j.at("last_test_result").get<std::string>();
  return h;
}

core::DaemonState stateOf(const Json& j) {
  if (j.at("format").get<int>() != kStateFormat)
    throw StateJsonError("format " + j.at("format").dump() + ", this hidupsd reads format " +
                         std::to_string(kStateFormat));
  core::DaemonState s;
  s.source = j.at("source").get<std::string>();
  s.version = j.at("version").get<std::string>();
  s.host = j.at("host").get<std::string>();
  s.startedAt = timeOf(j.at("started_at"));
  s.simulation = j.at("simulation").get<bool>();
  s.ups = upsOf(j.at("ups"));
  s.pipeline = pipelineOf(j.at("pipeline"));
  s.readiness = readinessOf(j.at("readiness"));
  s.lastEvents = eventsOf(j.at("last_events"));
  s.notifications = sinksOf(j.at("notifications"));
  s.notificationsDropped = j.at("notifications_dropped").get<std::uint64_t>();
  // Added within format 1: a daemon from before the history says nothing of it.
  if (const auto it = j.find("history"); it != j.end()) s.history = historyOf(*it);
  // Added within format 1, present with several UPSes only.
  if (const auto it = j.find("more_ups"); it != j.end())
    for (const auto& u : *it)
      s.moreUps.push_back(upsOf(u));
  if (const auto it = j.find("supplies"); it != j.end()) s.supplies = it->get<std::string>();
  return s;
}

} // namespace

std::string stateJson(const core::DaemonState& s, int indent) {
  Json j = {{"format", kStateFormat},
            {"source", s.source},
            {"version", s.version},
            {"host", s.host},
            {"started_at", timeJson(s.startedAt)},
            {"simulation", s.simulation},
            {"ups", upsJson(s.ups)},
            {"pipeline", pipelineJson(s.pipeline)},
            {"readiness", readinessJson(s.readiness)},
            {"last_events", eventsJson(s.lastEvents)},
            {"notifications", sinksJson(s.notifications)},
            {"notifications_dropped", s.notificationsDropped},
            {"history", historyJson(s.history)}};
  if (!s.moreUps.empty()) {
    Json more = Json::array();
    for (const auto& u : s.moreUps)
      more.push_back(upsJson(u));
    j["more_ups"] = std::move(more);
    j["supplies"] = s.supplies;
  }
  // Replace, not throw, on invalid UTF-8 (a UPS string read off the wire).
  return j.dump(indent, ' ', false, Json::error_handler_t::replace) + "\n";
}

core::DaemonState parseStateJson(std::string_view text) {
  try {
    return stateOf(Json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    throw StateJsonError(std::string("not a hidupsd state: ") + e.what());
  }
}

} // namespace hidupsd::serve
