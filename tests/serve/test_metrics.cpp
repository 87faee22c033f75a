// SPDX-License-Identifier: GPL-2.0-or-later
// renderMetrics: golden output for a real UPS, escaping, missing and stale data.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "core/event.hpp"
#include "serve/metrics.hpp"
#include "serve/metrics_tables.hpp"
#include "tests/serve/test_metrics_support.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

std::filesystem::path goldenFile() {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  return std::filesystem::path(root != nullptr ? root : ".") / "tests/serve" /
         "test_metrics_eaton-5sc-750.prom";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("metrics of the Eaton 5SC 750 equal the golden text") {
  const auto actual = serve::renderMetrics(t::eaton5scMetricsData());
  const auto expected = std::filesystem::exists(goldenFile()) ? t::readFile(goldenFile()) : "";
  if (actual != expected) {
    // To review a change: diff this file against the golden one.
    std::ofstream("test_metrics_eaton-5sc-750.actual.prom", std::ios::binary) << actual;
  }
  CHECK(actual == expected);
}

TEST_CASE("numbers keep NUT's meaning: percentages become ratios, the rest stays") {
  const auto m = t::parseExposition(serve::renderMetrics(t::eaton5scMetricsData()));
  const std::map<std::string, std::string> ups{{"ups", "ups"}};
  CHECK(m.value("hidupsd_battery_charge_ratio", ups) == 1.0);
  CHECK(m.value("hidupsd_ups_load_ratio", ups) == 0.29);
  CHECK(m.value("hidupsd_battery_runtime_seconds", ups) == 1772);
  CHECK(m.value("hidupsd_input_voltage_volts", ups) == 229.0);
  CHECK(m.value("hidupsd_output_current_amperes", ups) == 0.6);
  CHECK(m.value("hidupsd_output_powerfactor_ratio", ups) == 0.8);
  CHECK(m.value("hidupsd_ups_timer_shutdown_seconds", ups) == -1);
  CHECK(m.value("hidupsd_ups_variable", {{"variable", "battery.energysave.delay"}}) == 300);
  CHECK(m.value("hidupsd_ups_variable", {{"variable", "battery.capacity"}}) == 7);
  CHECK(m.value("hidupsd_ups_status", {{"flag", "OL"}}) == 1);
  CHECK(m.value("hidupsd_ups_status", {{"flag", "CHRG"}}) == 1);
  CHECK(m.value("hidupsd_ups_status", {{"flag", "OB"}}) == 0);
  CHECK(m.value("hidupsd_events_total", {{"event", "onbatt"}}) == 2);
  CHECK(m.value("hidupsd_events_total", {{"event", "fsd"}}) == 0);
  CHECK(m.value("hidupsd_event_last_timestamp_seconds", {{"event", "online"}}) == 1700003660.25);
  CHECK(m.value("hidupsd_event_last_timestamp_seconds", {{"event", "lowbatt"}}) == 0);
  CHECK(m.value("hidupsd_ups_info", {{"ups_vendorid", "0463"}, {"ups_mfr", "EATON"}}) == 1);
  CHECK(m.count("hidupsd_ups_status") == serve::kStatusFlags.size());
}

TEST_CASE("label values are escaped, invalid UTF-8 replaced") {
  CHECK(serve::escapeLabelValue("plain") == "plain");
  CHECK(serve::escapeLabelValue(R"(a\b"c)") == R"(a\\b\"c)");
  CHECK(serve::escapeLabelValue("two\nlines") == "two\\nlines");
  CHECK(serve::escapeLabelValue("tab\tstays") == "tab\tstays");
  CHECK(serve::escapeLabelValue("caf\xc3\xa9") == "caf\xc3\xa9");           // é, valid
  CHECK(serve::escapeLabelValue("caf\xe9") == "caf\xef\xbf\xbd");           // Latin-1 é
  CHECK(serve::escapeLabelValue("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd"); // overlong '/'
  CHECK(serve::escapeLabelValue("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(serve::escapeLabelValue("\xf0\x9f\x94\x8b") == "\xf0\x9f\x94\x8b"); // U+1F50B
  CHECK(serve::escapeLabelValue("cut\xf0\x9f") == "cut\xef\xbf\xbd\xef\xbf\xbd");

  auto d = t::eaton5scMetricsData();
  d.upsName = "rack \"A\"\\1";
  d.snapshot.variables["ups.serial"] = "G35\nE\xff";
  const auto text = serve::renderMetrics(d);
  CHECK(contains(text, R"(hidupsd_build_info{ups="rack \"A\"\\1",version="0.1.0"} 1)"));
  CHECK(contains(text, "ups_serial=\"G35\\nE\xef\xbf\xbd\""));
  const auto m = t::parseExposition(text);
  CHECK(m.value("hidupsd_ups_info",
                {{"ups", "rack \"A\"\\1"}, {"ups_serial", "G35\nE\xef\xbf\xbd"}}) == 1);
}

TEST_CASE("missing and non-numeric variables leave their metric out") {
  auto d = t::eaton5scMetricsData();
  d.snapshot.variables.erase("battery.runtime");
  d.snapshot.variables["battery.charge"] = "n/a";
  d.snapshot.variables["input.voltage"] = " 229";
  d.snapshot.variables["ups.load"] = "0x1d";
  const auto text = serve::renderMetrics(d);
  CHECK_FALSE(contains(text, "hidupsd_battery_runtime_seconds"));
  CHECK_FALSE(contains(text, "hidupsd_battery_charge_ratio"));
  CHECK_FALSE(contains(text, "hidupsd_input_voltage_volts"));
  CHECK_FALSE(contains(text, "hidupsd_ups_load_ratio"));
  CHECK(contains(text, "hidupsd_output_voltage_volts{ups=\"ups\"} 228.4\n"));
  // Strings and IDs are no gauges.
  CHECK_FALSE(contains(text, "variable=\"ups.test.result\""));
  CHECK_FALSE(contains(text, "variable=\"outlet.id\""));
  CHECK_FALSE(contains(text, "variable=\"ups.vendorid\""));
  CHECK_FALSE(contains(text, "variable=\"ups.status\""));
  t::parseExposition(text);
}

TEST_CASE("stale or absent data: no measurements, comm gauge 0, the rest stays") {
  auto d = t::eaton5scMetricsData();
  SUBCASE("comms lost") { d.commOk = false; }
  SUBCASE("never read") {
    d.everRead = false;
    d.snapshot = {};
  }
  const auto text = serve::renderMetrics(d);
  const auto m = t::parseExposition(text);
  CHECK(m.value("hidupsd_ups_comm_ok", {}) == 0);
  CHECK(m.count("hidupsd_ups_status") == 0);
  CHECK(m.count("hidupsd_battery_charge_ratio") == 0);
  CHECK(m.count("hidupsd_ups_variable") == 0);
  CHECK(m.count("hidupsd_events_total") == core::kEventNames.size());
  CHECK(m.value("hidupsd_build_info", {{"version", "0.1.0"}}) == 1);
  CHECK(m.count("hidupsd_ups_info") == (d.everRead ? 1 : 0)); // identity outlives comms
}

TEST_CASE("status flags: the full NUT list, plus others the UPS reports") {
  auto d = t::eaton5scMetricsData();
  d.snapshot.variables["ups.status"] = "OB DISCHRG LB ALARM FSD ALARM";
  const auto m = t::parseExposition(serve::renderMetrics(d));
  for (const char* on : {"OB", "DISCHRG", "LB", "FSD", "ALARM"})
    CHECK(m.value("hidupsd_ups_status", {{"flag", on}}) == 1);
  for (const char* off : {"OL", "CHRG", "RB", "BYPASS", "CAL", "OFF", "OVER", "TRIM", "BOOST"})
    CHECK(m.value("hidupsd_ups_status", {{"flag", off}}) == 0);
  CHECK(m.count("hidupsd_ups_status") == serve::kStatusFlags.size() + 1);
}

TEST_CASE("events outside kEventNames, shutdown flag and ordering") {
  auto d = t::eaton5scMetricsData();
  d.events["bypass"] = {3, {}};
  d.shutdownStarted = true;
  const auto text = serve::renderMetrics(d);
  const auto m = t::parseExposition(text);
  CHECK(m.value("hidupsd_events_total", {{"event", "bypass"}}) == 3);
  CHECK(m.value("hidupsd_shutdown_started", {}) == 1);
  // Known names in kEventNames order, then the others.
  CHECK(text.find("event=\"fsd\"") < text.find("event=\"bypass\""));
  CHECK(text.find("event=\"onbatt\"") < text.find("event=\"online\""));
  CHECK(serve::renderMetrics(d) == text);
}

TEST_CASE("each sink's health is a series labelled with its name; none without sinks") {
  auto d = t::eaton5scMetricsData();
  CHECK(serve::renderMetrics(d).find("hidupsd_notify_") == std::string::npos);
  core::SinkHealth ok;
  ok.name = "discord #1";
  ok.delivered = 7;
  ok.lastSuccess = std::chrono::system_clock::from_time_t(1796000000);
  core::SinkHealth bad;
  bad.name = "webhook #2";
  bad.failed = 2;
  bad.failuresInRow = 5;
  bad.lastFailure = std::chrono::system_clock::from_time_t(1796000100);
  bad.lastError = "HTTP 500";
  d.sinks = {ok, bad};
  const auto m = t::parseExposition(serve::renderMetrics(d));
  CHECK(m.value("hidupsd_notify_delivered_total", {{"sink", "discord #1"}}) == 7);
  CHECK(m.value("hidupsd_notify_failed_total", {{"sink", "webhook #2"}}) == 2);
  CHECK(m.value("hidupsd_notify_failures_in_row", {{"sink", "webhook #2"}}) == 5);
  CHECK(m.value("hidupsd_notify_failures_in_row", {{"sink", "discord #1"}}) == 0);
  CHECK(m.value("hidupsd_notify_last_success_timestamp_seconds", {{"sink", "discord #1"}}) ==
        1796000000);
  CHECK(m.value("hidupsd_notify_last_success_timestamp_seconds", {{"sink", "webhook #2"}}) == 0);
  CHECK(m.value("hidupsd_notify_last_failure_timestamp_seconds", {{"sink", "webhook #2"}}) ==
        1796000100);
}

TEST_CASE("a duplicate info label name is rendered once") {
  auto d = t::eaton5scMetricsData();
  d.snapshot.variables["device.a-b"] = "first";
  d.snapshot.variables["device.a_b"] = "second";
  const auto m = t::parseExposition(serve::renderMetrics(d));
  CHECK(m.value("hidupsd_ups_info", {{"device_a_b", "first"}}) == 1);
}

TEST_CASE("NUT numbers: strict decimal only") {
  struct Case {
    const char* text;
    std::optional<double> expected;
  };
  const Case cases[] = {
      {"229.0", 229.0}, {"-1", -1.0},   {"+5", 5.0},  {"0.60", 0.6},  {"1e3", 1000.0}, {".5", 0.5},
      {"7.", 7.0},      {"1E-2", 0.01}, {"", {}},     {"-", {}},      {".", {}},       {" 1", {}},
      {"1 ", {}},       {"0x10", {}},   {"nan", {}},  {"inf", {}},    {"1e", {}},      {"1e+", {}},
      {"++1", {}},      {"1e999", {}},  {"ffff", {}}, {"01.10.2", {}}};
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(serve::parseNutNumber(c.text) == c.expected);
  }
}

TEST_CASE("sample values: shortest round-trip, Prometheus spellings of specials") {
  CHECK(serve::formatSampleValue(1772) == "1772");
  CHECK(serve::formatSampleValue(0.29) == "0.29");
  CHECK(serve::formatSampleValue(-1) == "-1");
  CHECK(serve::formatSampleValue(1700003600.5) == "1700003600.5");
  CHECK(serve::formatSampleValue(std::nan("")) == "NaN");
  CHECK(serve::formatSampleValue(HUGE_VAL) == "+Inf");
  CHECK(serve::formatSampleValue(-HUGE_VAL) == "-Inf");
}

TEST_CASE("the variable table: unique variables, conventional names") {
  std::set<std::string_view> variables, metrics;
  for (const auto& m : serve::kVariableMetrics) {
    CAPTURE(m.metric);
    CHECK(variables.insert(m.variable).second);
    CHECK(metrics.insert(m.metric).second);
    CHECK(m.metric.starts_with("hidupsd_"));
    const bool unit = m.metric.ends_with("_ratio") || m.metric.ends_with("_seconds") ||
                      m.metric.ends_with("_volts") || m.metric.ends_with("_amperes") ||
                      m.metric.ends_with("_hertz") || m.metric.ends_with("_watts") ||
                      m.metric.ends_with("_voltamperes") || m.metric.ends_with("_celsius");
    CHECK(unit);
    CHECK((m.divisor == 1 || (m.divisor == 100 && m.metric.ends_with("_ratio"))));
  }
}

TEST_CASE("several UPSes: each one's series labelled with its name, one family each") {
  auto d = t::eaton5scMetricsData();
  d.upsName = "left";
  serve::MetricsUps right;
  right.name = "right";
  right.everRead = true;
  right.commOk = true;
  right.snapshot.variables = {{"ups.status", "OB LB"},
                              {"battery.charge", "12"},
                              {"ups.model", "Ellipse PRO"},
                              {"experimental.packs", "31"}};
  serve::MetricsUps lost;
  lost.name = "lost";
  lost.everRead = true;
  lost.snapshot.variables = {{"ups.status", "OL"}, {"battery.charge", "100"}};
  d.moreUps = {right, lost};
  // parseExposition refuses a family split in two or a series twice.
  const auto m = t::parseExposition(serve::renderMetrics(d));
  CHECK(m.value("hidupsd_ups_comm_ok", {{"ups", "left"}}) == 1);
  CHECK(m.value("hidupsd_ups_comm_ok", {{"ups", "right"}}) == 1);
  CHECK(m.value("hidupsd_ups_comm_ok", {{"ups", "lost"}}) == 0);
  CHECK(m.value("hidupsd_ups_status", {{"ups", "right"}, {"flag", "LB"}}) == 1);
  CHECK(m.value("hidupsd_ups_status", {{"ups", "left"}, {"flag", "LB"}}) == 0);
  CHECK(m.value("hidupsd_battery_charge_ratio", {{"ups", "right"}}) == doctest::Approx(0.12));
  CHECK(m.value("hidupsd_ups_info", {{"ups", "right"}, {"ups_model", "Ellipse PRO"}}) == 1);
  CHECK(m.value("hidupsd_ups_variable", {{"ups", "right"}, {"variable", "experimental.packs"}}) ==
        31);
  // Stale: no status, no measurements for "lost"; its identity only if it had one.
  CHECK(m.count("hidupsd_ups_status") == 2 * serve::kStatusFlags.size());
  CHECK(m.count("hidupsd_battery_charge_ratio") == 2);
  // The daemon's own series stay the first UPS's.
  CHECK(m.value("hidupsd_shutdown_started", {{"ups", "left"}}) == 0);
}
