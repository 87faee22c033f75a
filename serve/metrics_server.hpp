// SPDX-License-Identifier: GPL-2.0-or-later
// MetricsServer: the HTTP endpoint Prometheus scrapes (GET /metrics), on HttpServer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "serve/http_server.hpp"
#include "serve/metrics.hpp"

namespace hidupsd::serve {

/// Serves GET /metrics (renderMetrics of source(), Content-Type
/// "text/plain; version=0.0.4; charset=utf-8"), GET / (a page linking to
/// /metrics; the dashboard replaces it) and 404 for every other path, on an
/// HttpServer (its limits hold: bounded connections, bounded requests). With
/// `nutExporter`, /metrics also carries nut_exporter's network_ups_tools_*
/// families (renderNutExporter), and GET /ups_metrics serves them alone, as
/// nut_exporter does on that path (503 while the UPS data is stale, as its
/// scrape fails then).
///
/// Thread rules: construct, start(), stop() and port() from one thread.
/// `source` is called on the server thread for every scrape: it must be
/// thread-safe and must not block; its exceptions are caught, logged
/// (lib/log.hpp, domain "metrics") and the scrape answers 500.
class MetricsServer {
public:
  /// Binds at once (see HttpServer). Throws std::system_error naming host:port.
  MetricsServer(HttpServerOptions options, std::function<MetricsData()> source,
                bool nutExporter = false);
  /// `host`: an IP literal ("127.0.0.1", "::1", "0.0.0.0"); `port` 0 = any free port.
  MetricsServer(std::string host, std::uint16_t port, std::function<MetricsData()> source);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Starts serving. Throws std::runtime_error if the server cannot start;
  /// std::logic_error if already started.
  void start();
  /// Stops accepting and closes every connection. Idempotent.
  void stop() noexcept;
  /// The port listened on.
  std::uint16_t port() const noexcept;
  /// The server underneath: more routes (before start()), its counters.
  HttpServer& http() noexcept { return *http_; }

private:
  HttpResponse scrape() const;
  HttpResponse scrapeNutExporter() const;

  std::function<MetricsData()> source_;
  bool nutExporter_ = false;
  std::unique_ptr<HttpServer> http_;
};

} // namespace hidupsd::serve
