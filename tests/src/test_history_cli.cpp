// SPDX-License-Identifier: GPL-2.0-or-later
// --since durations, the history's JSON, its /metrics view, --status's history lines.
#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

#include "config/config.hpp"
#include "history/store.hpp"
#include "serve/metrics.hpp"
#include "src/history_cli.hpp"
#include "src/history_json.hpp"
#include "src/servers.hpp"
#include "tests/history/history_test_support.hpp"

using namespace hidupsd;

TEST_CASE("--since durations") {
  CHECK(parseDuration("90d") == 90 * 86400);
  CHECK(parseDuration("12h") == 12 * 3600);
  CHECK(parseDuration("30m") == 1800);
  CHECK(parseDuration("2w") == 14 * 86400);
  CHECK(parseDuration("45s") == 45);
  CHECK(parseDuration("3600") == 3600);
  CHECK(parseDuration("1.5h") == 5400);
  for (const char* bad : {"", "d", "-1d", "10x", "ten"})
    CHECK_THROWS_AS(parseDuration(bad), std::invalid_argument);
}

TEST_CASE("a transfer as JSON: times with their UTC text, unknown values null") {
  history::TransferRow r;
  r.start = 1'800'000'000;
  r.end = r.start + 20;
  r.duration = 20;
  r.endedBy = "mains";
  r.minCharge = 91;
  const auto j = toJson(r);
  CHECK(j["start_utc"] == "2027-01-15T08:00:00Z");
  CHECK(j["duration"] == 20);
  CHECK(j["cause"] == "outage");
  CHECK(j["min_charge"] == 91);
  CHECK(j["min_runtime"].is_null());
  CHECK(j["end"] == r.start + 20);
}

TEST_CASE("the summary on /metrics: the open outage counts so far, health as a ratio") {
  history::Summary s;
  s.store.loaded = true;
  s.store.writable = true;
  s.statistics.transfers = 3;
  s.statistics.onBatterySeconds = 40;
  s.statistics.onBatterySince = 1'800'000'000;
  s.health.score = 85;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'010));
  const auto h = historyMetrics(s, now);
  CHECK(h.outages == 3);
  CHECK(h.onBatterySeconds == doctest::Approx(50));
  CHECK(h.healthRatio == doctest::Approx(0.85));
  CHECK(h.loaded);
  serve::MetricsData d;
  d.history = h;
  const auto text = serve::renderMetrics(d);
  CHECK(text.find("# TYPE hidupsd_outages_total counter\nhidupsd_outages_total{ups=\"ups\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("hidupsd_battery_health_ratio{ups=\"ups\"} 0.85") != std::string::npos);
  d.history->loaded = false; // not read from the database yet: no counters that would restart
  const auto early = serve::renderMetrics(d);
  CHECK(early.find("hidupsd_outages_total") == std::string::npos);
  CHECK(early.find("hidupsd_history_ok{ups=\"ups\"} 1") != std::string::npos);
}

TEST_CASE("--status's history lines: the statistics from the file, or why there are none") {
  Config config;
  std::ostringstream off;
  config.history.file = "";
  printHistoryStatus(config, off);
  CHECK(off.str() == "History: off ([history] file = \"\")\n");

  test::HistoryDir dir;
  config.history.file = dir / "h.db";
  std::ostringstream missing;
  printHistoryStatus(config, missing);
  CHECK(missing.str().starts_with("History: cannot read " + config.history.file.string()));

  {
    history::Store store(config.history.file, 5);
    store.open(1'800'000'000);
    history::TransferRow row;
    row.start = 1'800'000'000;
    row.reason = "mains lost";
    store.write({history::TransferOpened{row}});
    row.end = row.start + 12;
    row.duration = 12;
    row.endedBy = "mains";
    store.write({history::TransferClosed{row}});
  }
  std::ostringstream out;
  printHistoryStatus(config, out);
  // The same lines as the running daemon's --status (status_text.cpp historyLines).
  CAPTURE(out.str());
  CHECK(out.str().starts_with("History: 1 transfer to battery (0 blips), 12 s on battery in "
                              "total"));
  CHECK(out.str().find("\n  last outage ") != std::string::npos);
  CHECK(out.str().find(" for 12 s (mains lost)\n  battery health: ") != std::string::npos);
}
