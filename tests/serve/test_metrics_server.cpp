// SPDX-License-Identifier: GPL-2.0-or-later
// MetricsServer over real HTTP on 127.0.0.1, with cpp-httplib's client.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include <httplib.h>

#include "serve/metrics_server.hpp"
#include "serve/nut_exporter_metrics.hpp"
#include "tests/serve/test_metrics_support.hpp"
#include "tests/support/log_capture.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

TEST_CASE("GET /metrics answers the rendered text with the exposition content type") {
  std::atomic<int> scrapes{0};
  serve::MetricsServer server("127.0.0.1", 0, [&] {
    ++scrapes;
    return t::eaton5scMetricsData();
  });
  server.start();
  REQUIRE(server.port() != 0);
  httplib::Client client("127.0.0.1", server.port());

  const auto res = client.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(res->body == serve::renderMetrics(t::eaton5scMetricsData()));
  CHECK(scrapes == 1);

  const auto index = client.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->body.find("<a href=\"/metrics\">") != std::string::npos);

  const auto missing = client.Get("/metrics/x");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(scrapes == 1);
  server.stop();
  server.stop(); // idempotent
  CHECK_FALSE(httplib::Client("127.0.0.1", server.port()).Get("/metrics"));
}

TEST_CASE("each scrape reads the source again") {
  std::atomic<bool> onBattery{false};
  serve::MetricsServer server("127.0.0.1", 0, [&] {
    auto d = t::eaton5scMetricsData();
    if (onBattery) d.snapshot.variables["ups.status"] = "OB DISCHRG";
    return d;
  });
  server.start();
  httplib::Client client("127.0.0.1", server.port());
  const std::string ob = "hidupsd_ups_status{ups=\"ups\",flag=\"OB\"} ";
  CHECK(client.Get("/metrics")->body.find(ob + "0\n") != std::string::npos);
  onBattery = true;
  CHECK(client.Get("/metrics")->body.find(ob + "1\n") != std::string::npos);
}

TEST_CASE("a failing source answers 500 and is logged") {
  hidupsd::test::LogCapture capture;
  serve::MetricsServer server(
      "127.0.0.1", 0, []() -> serve::MetricsData { throw std::runtime_error("no snapshot"); });
  server.start();
  const auto res = httplib::Client("127.0.0.1", server.port()).Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 500);
  server.stop();
  const auto lines = capture.texts("metrics"); // the HTTP server's own lines are "http"
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "scrape failed: no snapshot");
}

TEST_CASE("a port in use fails naming host:port; a second start() is a logic error") {
  serve::MetricsServer first("127.0.0.1", 0, t::eaton5scMetricsData);
  first.start();
  CHECK_THROWS_WITH_AS(serve::MetricsServer("127.0.0.1", first.port(), t::eaton5scMetricsData),
                       doctest::Contains(("127.0.0.1:" + std::to_string(first.port())).c_str()),
                       std::runtime_error); // std::system_error is one too
  CHECK_THROWS_AS(first.start(), std::logic_error);
}

TEST_CASE("an address that is not local fails naming it") {
  CHECK_THROWS_WITH_AS(serve::MetricsServer("192.0.2.1", 0, t::eaton5scMetricsData), // TEST-NET-1
                       doctest::Contains("192.0.2.1:0"), std::runtime_error);
}

TEST_CASE("nut_exporter's families: on /metrics after hidupsd's, alone on /ups_metrics") {
  auto data = t::eaton5scMetricsData();
  std::mutex mutex;
  serve::HttpServerOptions options;
  serve::MetricsServer server(
      options,
      [&] {
        std::lock_guard lock(mutex);
        return data;
      },
      true);
  server.start();
  httplib::Client client("127.0.0.1", server.port());
  const auto all = client.Get("/metrics");
  REQUIRE(all);
  CHECK(all->body == serve::renderMetrics(data) + serve::renderNutExporter(data));
  const auto alone = client.Get("/ups_metrics?ups=ups");
  REQUIRE(alone);
  CHECK(alone->status == 200);
  CHECK(alone->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(alone->body == serve::renderNutExporter(data));
  {
    std::lock_guard lock(mutex);
    data.commOk = false;
  }
  const auto stale = client.Get("/ups_metrics");
  REQUIRE(stale);
  CHECK(stale->status == 503);
  // Without the option, neither: /metrics is as before and /ups_metrics does not exist.
  serve::MetricsServer plain("127.0.0.1", 0, [] { return t::eaton5scMetricsData(); });
  plain.start();
  httplib::Client other("127.0.0.1", plain.port());
  const auto before = other.Get("/metrics");
  REQUIRE(before);
  CHECK(before->body.find("network_ups_tools_") == std::string::npos);
  const auto none = other.Get("/ups_metrics");
  REQUIRE(none);
  CHECK(none->status == 404);
}
