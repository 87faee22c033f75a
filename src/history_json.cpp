// SPDX-License-Identifier: GPL-2.0-or-later
// The history as JSON.
#include "src/history_json.hpp"

#include <ctime>

namespace hidupsd {

namespace {

using nlohmann::json;

json value(double v) { return history::present(v) ? json(v) : json(nullptr); }

json time(std::optional<double> t) { return t ? json(*t) : json(nullptr); }
json timeText(std::optional<double> t) { return t ? json(utcText(*t)) : json(nullptr); }

std::string format(double unixSeconds, bool utc, const char* pattern) {
  const auto t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  if (utc)
    gmtime_r(&t, &tm);
  else
    localtime_r(&t, &tm);
  char text[40];
  std::strftime(text, sizeof text, pattern, &tm);
  return text;
}

} // namespace

std::string utcText(double t) { return format(t, true, "%Y-%m-%dT%H:%M:%SZ"); }
std::string localText(double t) { return format(t, false, "%Y-%m-%d %H:%M:%S"); }

json toJson(const history::TransferRow& r) {
  return json{{"start", r.start},
              {"start_utc", utcText(r.start)},
              {"end", time(r.end)},
              {"end_utc", timeText(r.end)},
              {"duration", r.duration},
              {"cause", std::string(history::nameOf(r.cause))},
              {"blip", r.blip},
              {"reason", r.reason},
              {"ended_by", r.endedBy},
              {"start_charge", value(r.startCharge)},
              {"end_charge", value(r.endCharge)},
              {"min_charge", value(r.minCharge)},
              {"min_runtime", value(r.minRuntime)},
              {"mean_load", value(r.meanLoad)},
              {"energy_wh", value(r.energyWh)}};
}

json toJson(const history::TestRow& r) {
  return json{{"start", r.start},
              {"start_utc", utcText(r.start)},
              {"end", time(r.end)},
              {"end_utc", timeText(r.end)},
              {"duration", r.duration},
              {"kind", r.kind},
              {"started_by", r.startedBy},
              {"result", r.result},
              {"start_charge", value(r.startCharge)},
              {"end_charge", value(r.endCharge)},
              {"mean_load", value(r.meanLoad)}};
}

json toJson(const history::EventRow& r) {
  return json{{"time", r.time},
              {"time_utc", utcText(r.time)},
              {"event", r.kind},
              {"reason", r.reason},
              {"status", r.status},
              {"charge", value(r.charge)},
              {"runtime", value(r.runtime)},
              {"load", value(r.load)}};
}

json toJson(const history::ShedRow& r) {
  return json{{"time", r.time},
              {"time_utc", utcText(r.time)},
              {"action", r.action},
              {"tier", r.tier},
              {"why", r.why},
              {"guests", r.guests},
              {"done", r.done},
              {"total", r.total},
              {"runtime_before", value(r.runtimeBefore)},
              {"runtime_after", value(r.runtimeAfter)},
              {"load_before", value(r.loadBefore)},
              {"load_after", value(r.loadAfter)},
              {"charge", value(r.charge)},
              {"simulation", r.simulation}};
}

json toJson(const history::SampleRow& r) {
  json j{{"time", r.time}, {"step", r.step}, {"readings", r.count}, {"flags", r.flags}};
  for (std::size_t i = 0; i < history::kFieldCount; ++i)
    j[std::string(history::kFieldNames[i])] = value(r.values[i]);
  return j;
}

json toJson(const history::Statistics& s) {
  return json{{"transfers", s.transfers},
              {"blips", s.blips},
              {"on_battery_seconds", s.onBatterySeconds},
              {"tests", s.tests},
              {"tests_failed", s.testsFailed},
              {"since", time(s.since)},
              {"since_utc", timeText(s.since)},
              {"last_transfer", s.last ? toJson(*s.last) : json(nullptr)},
              {"on_battery_since", time(s.onBatterySince)},
              {"last_quick_test", time(s.lastQuickTest)},
              {"last_deep_test", time(s.lastDeepTest)}};
}

json toJson(const history::Health& h) {
  return json{{"score", h.score ? json(*h.score) : json(nullptr)},
              {"reasons", h.reasons},
              {"runtime_ratio", h.runtimeRatio ? json(*h.runtimeRatio) : json(nullptr)},
              {"age_years", h.ageYears ? json(*h.ageYears) : json(nullptr)},
              {"installed", h.installed.empty() ? json(nullptr) : json(h.installed)},
              {"installed_from", h.installedFrom.empty() ? json(nullptr) : json(h.installedFrom)},
              {"replace", h.replace}};
}

json toJson(const history::Summary& s) {
  return json{{"store",
               {{"enabled", s.store.enabled},
                {"writable", s.store.writable},
                {"loaded", s.store.loaded},
                {"problem", s.store.problem},
                {"dropped", s.store.dropped},
                {"write_errors", s.store.writeErrors}}},
              {"statistics", toJson(s.statistics)},
              {"last_test", s.lastTest ? toJson(*s.lastTest) : json(nullptr)},
              {"health", toJson(s.health)}};
}

} // namespace hidupsd
