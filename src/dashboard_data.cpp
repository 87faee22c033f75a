// SPDX-License-Identifier: GPL-2.0-or-later
// The dashboard's documents, pure: the shutdown plan as it would run now, the history, a chart.
#include "src/dashboard_data.hpp"

#include <cmath>

#include <fmt/format.h>

#include "proxmox/shutdown_plan.hpp"
#include "src/history_json.hpp"

namespace hidupsd {

namespace {

using nlohmann::json;

proxmox::StopRules rules(const Config& c) {
  proxmox::StopRules r;
  r.guestTimeout = c.shutdown.guestTimeout;
  r.forceStop = c.shutdown.forceStop;
  r.exclude = c.proxmox.exclude;
  return r;
}

json guestJson(const proxmox::Guest& g, std::chrono::seconds timeout) {
  return json{{"id", g.id},
              {"type", proxmox::typeName(g.type)},
              {"name", g.name},
              {"status", g.status},
              {"down_seconds", g.startup.down ? json(*g.startup.down) : json(nullptr)},
              {"timeout_seconds", timeout.count()}};
}

json groupsJson(const proxmox::Inventory& inventory, const Config& c, std::chrono::seconds budget,
                json& excluded) {
  const auto r = rules(c);
  const auto set = proxmox::stopSet(inventory, r.exclude);
  for (const auto& g : set.excluded)
    excluded.push_back(guestJson(g, std::chrono::seconds(0)));
  json groups = json::array();
  for (const auto& group : proxmox::stopGroups(set.guests)) {
    json guests = json::array();
    for (const auto& g : group.guests)
      guests.push_back(guestJson(g, proxmox::shutdownTimeout(g, r, budget)));
    groups.push_back({{"order", group.order ? json(*group.order) : json(nullptr)},
                      {"guests", std::move(guests)}});
  }
  return groups;
}

/// The sentence under the table: why the list may be short.
std::string planNote(const PlanInputs& in) {
  if (in.inventory == nullptr)
    return "No guest list yet: the daemon lists the guests at start and on battery; a shutdown "
           "now would list them first.";
  if (in.inventory->listFailed())
    return "The last guest list failed (" +
           (in.inventory->problems.empty() ? std::string("no detail")
                                           : in.inventory->problems.front()) +
           "): a shutdown now would list the guests again.";
  if (in.inventoryAgeSeconds)
    return fmt::format("Guest list made {:.0f} s ago; a shutdown lists them again as it starts.",
                       *in.inventoryAgeSeconds);
  return {};
}

} // namespace

json planJson(const PlanInputs& in) {
  const Config& c = *in.config;
  const auto budget =
      proxmox::guestPhaseBudget(in.runtimeSeconds, c.shutdown.deadline, c.shutdown.deadlineMargin);
  json excluded = json::array();
  json groups =
      in.inventory != nullptr ? groupsJson(*in.inventory, c, budget, excluded) : json::array();
  return json{{"api", serve::kApiVersion},
              {"strategy", c.shutdown.strategy == ShutdownStrategy::StopAll ? "stopall" : "guests"},
              {"simulation", c.policy.simulation},
              {"runtime_seconds", in.runtimeSeconds ? json(*in.runtimeSeconds) : json(nullptr)},
              {"deadline_seconds", budget.count()},
              {"configured_deadline_seconds", c.shutdown.deadline.count()},
              {"deadline_margin_seconds", c.shutdown.deadlineMargin.count()},
              {"force_stop", c.shutdown.forceStop},
              {"guests_known", in.inventory != nullptr && !in.inventory->listFailed()},
              {"groups", std::move(groups)},
              {"excluded", std::move(excluded)},
              {"host_command", c.shutdown.hostCommand},
              {"ups_power_cycle",
               {{"enabled", c.shutdown.upsShutdownReturn},
                {"off_delay_seconds", c.shutdown.upsOffDelay.count()},
                {"on_delay_seconds", c.shutdown.upsOnDelay.count()}}},
              {"note", planNote(in)}};
}

RangeWindow rangeWindow(serve::HistoryRange range) noexcept {
  switch (range) {
  case serve::HistoryRange::Day: return {86400, 300};
  case serve::HistoryRange::Month: return {30 * 86400, 3600};
  case serve::HistoryRange::Year: return {365 * 86400, 86400};
  }
  return {86400, 300};
}

json historyJson(serve::HistoryRange range, const std::vector<history::TransferRow>& outages,
                 const std::vector<history::TestRow>& tests, const history::Statistics& statistics,
                 const history::Health& health) {
  json o = json::array(), t = json::array();
  for (const auto& row : outages)
    o.push_back(toJson(row));
  for (const auto& row : tests)
    t.push_back(toJson(row));
  return json{{"api", serve::kApiVersion}, {"range", serve::nameOf(range)},
              {"available", true},         {"outages", std::move(o)},
              {"tests", std::move(t)},     {"statistics", toJson(statistics)},
              {"health", toJson(health)}};
}

json noHistoryJson(serve::HistoryRange range, std::string_view why) {
  return json{{"api", serve::kApiVersion}, {"range", serve::nameOf(range)},
              {"available", false},        {"reason", why},
              {"outages", json::array()},  {"tests", json::array()}};
}

namespace {

struct MetricSpec {
  std::string_view metric;
  const char* title;
  const char* unit;
  std::vector<std::pair<const char*, history::Field>> series;
  double scale = 1;
  std::optional<double> low, high;
};

MetricSpec specOf(std::string_view metric) {
  if (metric == "runtime")
    return {metric, "Runtime", "min", {{"runtime", history::kRuntime}}, 1.0 / 60, 0, {}};
  if (metric == "load") return {metric, "Load", "%", {{"load", history::kLoad}}, 1, 0, 100};
  if (metric == "voltage")
    return {metric, "Voltage",
            "V",    {{"input", history::kInputVoltage}, {"output", history::kOutputVoltage}},
            1,      {},
            {}};
  return {"charge", "Battery charge", "%", {{"charge", history::kCharge}}, 1, 0, 100};
}

std::string outageLabel(const history::TransferRow& row, std::int64_t end) {
  const auto minutes = std::max<std::int64_t>(0, end - static_cast<std::int64_t>(row.start)) / 60;
  return fmt::format("{} {}, {} min{}", row.blip ? "Blip" : "Outage", utcText(row.start), minutes,
                     row.reason.empty() ? "" : ": " + row.reason);
}

} // namespace

serve::ChartData chartData(std::string_view metric, serve::HistoryRange range,
                           const std::vector<history::SampleRow>& samples,
                           const std::vector<history::TransferRow>& outages, std::int64_t now) {
  const auto spec = specOf(metric);
  const auto window = rangeWindow(range);
  serve::ChartData d;
  d.title = spec.title;
  d.unit = spec.unit;
  d.to = now;
  d.from = now - window.seconds;
  d.maxGap = 3 * window.resolution;
  d.low = spec.low;
  d.high = spec.high;
  for (const auto& [name, field] : spec.series) {
    serve::ChartSeries s{name, {}};
    for (const auto& row : samples)
      if (history::present(row.values[field]))
        s.points.push_back({row.time, row.values[field] * spec.scale});
    d.series.push_back(std::move(s));
  }
  for (const auto& row : outages) {
    const auto end = row.end ? static_cast<std::int64_t>(*row.end) : now;
    if (end < d.from) continue;
    d.bands.push_back({static_cast<std::int64_t>(row.start), end, outageLabel(row, end)});
  }
  return d;
}

} // namespace hidupsd
