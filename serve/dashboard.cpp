// SPDX-License-Identifier: GPL-2.0-or-later
// Dashboard: the page at /, its assets, and the JSON API under /api/v1/, as routes of HttpServer.
#include "serve/dashboard.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lib/log.hpp"
#include "serve/dashboard_assets.hpp"

namespace hidupsd::serve {

namespace {

constexpr std::string_view kDomain = "dashboard";

/// The page loads nothing but its own files: no inline script or style, no other origin,
/// never in a frame.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr DashboardAction kActions[] = {DashboardAction::TestNotification,
                                        DashboardAction::BatteryTest, DashboardAction::BeeperMute};

HttpResponse asset(std::string_view body, const char* type) {
  return {200,
          type,
          std::string(body),
          {{"Content-Security-Policy", kPagePolicy},
           {"Referrer-Policy", "no-referrer"},
           {"X-Frame-Options", "DENY"},
           {"Cache-Control", "no-cache"}}};
}

HttpResponse json(int status, std::string body) {
  return {
      status, "application/json; charset=utf-8", std::move(body), {{"Cache-Control", "no-store"}}};
}

HttpResponse error(int status, std::string_view why) {
  return json(status, nlohmann::json{{"api", kApiVersion}, {"error", why}}.dump() + "\n");
}

/// An integer query argument in [min, max], `fallback` when absent; nullopt when invalid.
std::optional<int> intArg(const HttpRequest& r, std::string_view name, int min, int max,
                          int fallback) {
  const auto text = r.arg(name);
  if (text.empty()) return fallback;
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    return std::nullopt;
  return v;
}

std::string index() {
  nlohmann::json endpoints = nlohmann::json::array(
      {"/api/v1/status", "/api/v1/history?range=24h|30d|1y", "/api/v1/plan",
       "/api/v1/chart?metric=charge|runtime|load|voltage&range=24h|30d|1y", "/api/v1/session"});
  for (const auto a : kActions)
    endpoints.push_back(fmt::format("POST /api/v1/actions/{}", nameOf(a)));
  return nlohmann::json{{"api", kApiVersion}, {"endpoints", endpoints}}.dump(2) + "\n";
}

} // namespace

bool parseRange(std::string_view text, HistoryRange& out) noexcept {
  for (const auto r : {HistoryRange::Day, HistoryRange::Month, HistoryRange::Year})
    if (nameOf(r) == text) {
      out = r;
      return true;
    }
  return false;
}

std::string_view nameOf(HistoryRange range) noexcept {
  switch (range) {
  case HistoryRange::Day: return "24h";
  case HistoryRange::Month: return "30d";
  case HistoryRange::Year: return "1y";
  }
  return "24h";
}

std::string_view nameOf(DashboardAction action) noexcept {
  switch (action) {
  case DashboardAction::TestNotification: return "test-notification";
  case DashboardAction::BatteryTest: return "battery-test";
  case DashboardAction::BeeperMute: return "beeper-mute";
  }
  return "";
}

Dashboard::Dashboard(HttpServer& server, DashboardBackend& backend, ActionCredentials credentials)
    : backend_(backend), gate_(std::move(credentials), randomToken()) {
  const auto page = [](std::string_view body, const char* type) {
    return [body, type](const HttpRequest&) { return asset(body, type); };
  };
  server.route("/", page(kDashboardHtml, "text/html; charset=utf-8"));
  server.route("/dashboard.css", page(kDashboardCss, "text/css; charset=utf-8"));
  server.route("/dashboard.js", page(kDashboardJs, "text/javascript; charset=utf-8"));
  server.route("/favicon.svg", page(kDashboardIcon, "image/svg+xml"));
  server.route("/api/v1", [](const HttpRequest&) { return json(200, index()); });
  server.route("/api/v1/status",
               [this](const HttpRequest&) { return json(200, backend_.status()); });
  server.route("/api/v1/plan", [this](const HttpRequest&) { return json(200, backend_.plan()); });
  server.route("/api/v1/history", [this](const HttpRequest& r) {
    HistoryRange range{};
    if (!parseRange(r.arg("range").empty() ? "24h" : r.arg("range"), range))
      return error(400, "range must be 24h, 30d or 1y");
    return json(200, backend_.history(range));
  });
  server.route("/api/v1/chart", [this](const HttpRequest& r) { return chart(r); });
  server.route("/api/v1/session", [this](const HttpRequest&) { return session(); });
  for (const auto a : kActions)
    server.route(fmt::format("/api/v1/actions/{}", nameOf(a)),
                 [this, a](const HttpRequest& r) { return action(a, r); }, {HttpMethod::Post});
}

HttpResponse Dashboard::session() const {
  nlohmann::json actions = nlohmann::json::array();
  for (const auto a : kActions)
    actions.push_back(nameOf(a));
  nlohmann::json j{{"api", kApiVersion},
                   {"csrf", gate_.csrf()},
                   {"actions",
                    {{"enabled", gate_.enabled()},
                     {"credential", gate_.credentialKind()},
                     {"names", gate_.enabled() ? actions : nlohmann::json::array()}}}};
  return json(200, j.dump() + "\n");
}

HttpResponse Dashboard::chart(const HttpRequest& r) {
  const auto metric = r.arg("metric");
  if (std::find(std::begin(kChartMetrics), std::end(kChartMetrics), metric) ==
      std::end(kChartMetrics))
    return error(400, "metric must be charge, runtime, load or voltage");
  HistoryRange range{};
  if (!parseRange(r.arg("range").empty() ? "24h" : r.arg("range"), range))
    return error(400, "range must be 24h, 30d or 1y");
  const auto width = intArg(r, "width", 240, 1600, 600);
  const auto tz = intArg(r, "tz", -14 * 60, 14 * 60, 0);
  if (!width || !tz) return error(400, "width must be 240..1600 and tz -840..840 (minutes)");
  auto data = backend_.chart(metric, range);
  data.width = *width;
  data.utcOffsetMinutes = *tz;
  return {
      200, "image/svg+xml; charset=utf-8", renderSvgChart(data), {{"Cache-Control", "no-store"}}};
}

HttpResponse Dashboard::action(DashboardAction a, const HttpRequest& r) {
  std::string credential;
  const auto verdict = gate_.check(r, GuardClock::now(), &credential);
  if (!verdict.allowed()) {
    // Throttled attempts are not logged one by one: a flood must not flood the journal.
    log::log(verdict.status == 429 ? log::Level::Debug : log::Level::Warning, kDomain,
             "action {} from {} refused: {}", nameOf(a), r.peer, verdict.why);
    auto answer = error(verdict.status, verdict.why);
    if (verdict.retryAfter.count() > 0)
      answer.headers.emplace_back("Retry-After", std::to_string(verdict.retryAfter.count()));
    return answer;
  }
  const auto outcome = backend_.act(a, r.peer, credential);
  log::notice(kDomain, "action {} from {}: {}{}", nameOf(a), r.peer,
              outcome.ok ? "" : "failed: ", outcome.message);
  return json(outcome.ok ? 200 : 502, nlohmann::json{{"api", kApiVersion},
                                                     {"action", nameOf(a)},
                                                     {"ok", outcome.ok},
                                                     {"message", outcome.message}}
                                              .dump() +
                                          "\n");
}

} // namespace hidupsd::serve
