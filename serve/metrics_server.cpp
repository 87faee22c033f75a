// SPDX-License-Identifier: GPL-2.0-or-later
// MetricsServer: the /metrics and / routes of an HttpServer.
#include "serve/metrics_server.hpp"

#include <utility>

#include "lib/log.hpp"
#include "serve/nut_exporter_metrics.hpp"

namespace hidupsd::serve {

namespace {

constexpr std::string_view kDomain = "metrics";
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kIndexPage =
    "<!DOCTYPE html>\n<html><head><title>hidupsd</title></head>\n"
    "<body><h1>hidupsd</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

HttpServerOptions hostPort(std::string host, std::uint16_t port) {
  HttpServerOptions o;
  o.host = std::move(host);
  o.port = port;
  return o;
}

/// `render()`, or 500 (logged) when it throws: the source's failure is the scrape's.
template <typename Render> HttpResponse guarded(Render&& render) {
  try {
    return render();
  } catch (const std::exception& e) {
    log::warning(kDomain, "scrape failed: {}", e.what());
  } catch (...) {
    log::warning(kDomain, "scrape failed: unknown exception");
  }
  return {500, "text/plain; charset=utf-8", "500\n"};
}

} // namespace

MetricsServer::MetricsServer(HttpServerOptions options, std::function<MetricsData()> source,
                             bool nutExporter)
    : source_(std::move(source)), nutExporter_(nutExporter),
      http_(std::make_unique<HttpServer>(std::move(options))) {
  http_->route("/metrics", [this](const HttpRequest&) { return scrape(); });
  if (nutExporter_)
    http_->route("/ups_metrics", [this](const HttpRequest&) { return scrapeNutExporter(); });
  http_->route("/", [](const HttpRequest&) {
    return HttpResponse{200, "text/html; charset=utf-8", kIndexPage};
  });
}

MetricsServer::MetricsServer(std::string host, std::uint16_t port,
                             std::function<MetricsData()> source)
    : MetricsServer(hostPort(std::move(host), port), std::move(source)) {}

HttpResponse MetricsServer::scrape() const {
  return guarded([&] {
    const auto data = source_();
    auto text = renderMetrics(data);
    if (nutExporter_) text += renderNutExporter(data);
    return HttpResponse{200, kContentType, std::move(text)};
  });
}

HttpResponse MetricsServer::scrapeNutExporter() const {
  return guarded([&] {
    const auto data = source_();
    if (!nutExporterHasData(data))
      return HttpResponse{503, "text/plain; charset=utf-8", "the UPS data is stale\n"};
    return HttpResponse{200, kContentType, renderNutExporter(data)};
  });
}

void MetricsServer::start() { http_->start(); }

void MetricsServer::stop() noexcept { http_->stop(); }

std::uint16_t MetricsServer::port() const noexcept { return http_->port(); }

} // namespace hidupsd::serve
