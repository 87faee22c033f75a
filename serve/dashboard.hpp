// SPDX-License-Identifier: GPL-2.0-or-later
// Dashboard: the page at /, its assets, and the JSON API under /api/v1/, as routes of HttpServer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "serve/action_gate.hpp"
#include "serve/http_server.hpp"
#include "serve/svg_chart.hpp"

namespace hidupsd::serve {

/// The version of the JSON API, in its paths (/api/v1/) and in every answer ("api": 1). Within
/// a version fields are only added, never removed, renamed or retyped.
inline constexpr int kApiVersion = 1;

/// The windows the history can be asked for: "24h", "30d", "1y".
enum class HistoryRange : std::uint8_t { Day, Month, Year };
/// "24h" → Day …; false for anything else.
bool parseRange(std::string_view text, HistoryRange& out) noexcept;
std::string_view nameOf(HistoryRange range) noexcept;

/// The dashboard's buttons.
enum class DashboardAction : std::uint8_t { TestNotification, BatteryTest, BeeperMute };
/// "test-notification", "battery-test", "beeper-mute" (the path under /api/v1/actions/).
std::string_view nameOf(DashboardAction action) noexcept;

/// What an action did.
struct ActionOutcome {
  bool ok = false;
  std::string message; ///< "quick battery test started", "the UPS refused: …"
};

/// What the dashboard shows, from the daemon. Each method is called on the HTTP server thread
/// and must answer quickly (bounded: an action waits at most for its UPS command's timeout);
/// an exception answers 500 and is logged. The JSON texts are complete documents, each an
/// object with "api": kApiVersion.
class DashboardBackend {
public:
  virtual ~DashboardBackend() = default;
  /// GET /api/v1/status: every NUT variable and the daemon's state.
  virtual std::string status() = 0;
  /// GET /api/v1/history?range=: outages, statistics, battery tests and health.
  virtual std::string history(HistoryRange range) = 0;
  /// GET /api/v1/plan: what a shutdown would do now, or what it is doing.
  virtual std::string plan() = 0;
  /// GET /api/v1/chart?metric=&range=: one chart's data ("charge", "runtime", "load",
  /// "voltage"); `metric` is one of kChartMetrics.
  virtual ChartData chart(std::string_view metric, HistoryRange range) = 0;
  /// POST /api/v1/actions/NAME, after the gate let it through; `peer` for the log;
  /// `credential`: the one the gate accepted (checked again by the daemon's root side).
  virtual ActionOutcome act(DashboardAction action, const std::string& peer,
                            const std::string& credential) = 0;
};

/// The metrics /api/v1/chart draws.
inline constexpr std::string_view kChartMetrics[] = {"charge", "runtime", "load", "voltage"};

/// Adds the dashboard's routes to `server` (before its start): GET / (the page, replacing the
/// metrics link page), /dashboard.css, /dashboard.js, /favicon.svg, /api/v1 (the index),
/// /api/v1/status, /api/v1/history, /api/v1/plan, /api/v1/chart, /api/v1/session (the CSRF
/// token and whether actions are on), and POST /api/v1/actions/{test-notification,
/// battery-test, beeper-mute} behind an ActionGate. Every action, allowed or not, is logged
/// (domain "dashboard") with the client's address, never the credential.
/// `backend` and this object must outlive the server. Thread rules: construct before start().
class Dashboard {
public:
  Dashboard(HttpServer& server, DashboardBackend& backend, ActionCredentials credentials);
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

private:
  HttpResponse session() const;
  HttpResponse chart(const HttpRequest& request);
  HttpResponse action(DashboardAction action, const HttpRequest& request);

  DashboardBackend& backend_;
  ActionGate gate_;
};

} // namespace hidupsd::serve
