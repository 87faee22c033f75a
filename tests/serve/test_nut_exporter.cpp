// SPDX-License-Identifier: GPL-2.0-or-later
// The network_ups_tools_* families against nut_exporter's names, units and labels; promtool.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "serve/nut_exporter_metrics.hpp"
#include "tests/serve/test_metrics_support.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

std::string rendered(const serve::MetricsData& d) { return serve::renderNutExporter(d); }

/// States that stress different branches of the renderer.
std::vector<std::pair<std::string, std::string>> variants() {
  std::vector<std::pair<std::string, std::string>> out;
  auto d = t::eaton5scMetricsData();
  out.emplace_back("eaton 5sc", rendered(d));
  auto odd = d;
  odd.snapshot.variables["ups.status"] = "OB LB WEIRD\"FLAG OB";
  odd.snapshot.variables["device.serial"] = "\xfe\xff\n\\";
  odd.snapshot.variables["ups.beeper.status"] = "disabled";
  odd.snapshot.variables["weird.name\"x"] = "-1";
  odd.snapshot.variables["battery-x.y"] = "3";
  odd.snapshot.variables["battery_x.y"] = "4"; // the same family name as battery-x.y
  out.emplace_back("odd", rendered(odd));
  return out;
}

} // namespace

TEST_CASE("nut_exporter's names, NUT's units (percent stays percent) and no ups label") {
  const auto text = rendered(t::eaton5scMetricsData());
  const auto m = t::parseExposition(text);
  // The families nut_exporter's sample Grafana dashboard queries (dashboard/dashboard.json).
  CHECK(m.value("network_ups_tools_battery_charge", {}) == 100); // not 1.0
  CHECK(m.value("network_ups_tools_battery_runtime", {}) == 1772);
  CHECK(m.value("network_ups_tools_input_voltage", {}) == 229);
  CHECK(m.value("network_ups_tools_input_voltage_nominal", {}) == 230);
  CHECK(m.count("network_ups_tools_ups_load") == 1);
  CHECK(m.value("network_ups_tools_device_info", {{"model", "Eaton 5SC 750 750"},
                                                  {"mfr", "EATON"},
                                                  {"serial", ""},
                                                  {"type", "ups"},
                                                  {"description", ""},
                                                  {"contact", ""},
                                                  {"location", ""},
                                                  {"part", ""},
                                                  {"macaddr", ""}}) == 1);
  // HELP as nut_exporter writes it: NUT's description, then the variable.
  CHECK(m.helps.at("network_ups_tools_battery_charge") == "Battery charge (percent of full) "
                                                          "(battery.charge)");
  for (const auto& [name, type] : m.types)
    CHECK_MESSAGE(type == "gauge", name);
  for (const auto& s : m.samples) {
    CHECK(s.name.starts_with("network_ups_tools_"));
    CHECK_MESSAGE(s.labels.count("ups") == 0, s.name);
  }
  // On/off words as nut_exporter's regexes read them; other text skipped; identity strings
  // (the hidupsd_ups_info labels) are not gauges.
  CHECK(m.value("network_ups_tools_outlet_1_status", {}) == 1);    // "on"
  CHECK(m.count("network_ups_tools_battery_charger_status") == 0); // "resting"
  CHECK(m.count("network_ups_tools_input_sensitivity") == 0);      // "high"
  CHECK(m.count("network_ups_tools_ups_vendorid") == 0);
}

TEST_CASE("ups.status: each flag 1 in its order, then nut_exporter's default flags at 0") {
  auto d = t::eaton5scMetricsData();
  d.snapshot.variables["ups.status"] = "OB DISCHRG LB";
  const auto m = t::parseExposition(rendered(d));
  CHECK(m.helps.at("network_ups_tools_ups_status") == "UPS status (ups.status)");
  std::vector<std::string> order;
  for (const auto& s : m.samples)
    if (s.name == "network_ups_tools_ups_status")
      order.push_back(s.labels.at("flag") + "=" + std::to_string(static_cast<int>(s.value)));
  const std::vector<std::string> expected = {"OB=1",   "DISCHRG=1", "LB=1",     "OL=0",  "HB=0",
                                             "RB=0",   "CHRG=0",    "BYPASS=0", "CAL=0", "OFF=0",
                                             "OVER=0", "TRIM=0",    "BOOST=0",  "FSD=0", "SD=0"};
  CHECK(order == expected);
}

TEST_CASE("numbers as go.nut reads them; enabled/disabled as 1/0") {
  auto d = t::eaton5scMetricsData();
  d.snapshot.variables = {{"ups.status", "OL"},      {"ups.beeper.status", "enabled"},
                          {"a.neg", "-5"},           {"a.float", "12.50"},
                          {"a.version", "1.2.3"},    {"a.exp", "1e3"},
                          {"a.plus", "+4"},          {"a.off", "Disabled"},
                          {"ups.firmware", "01.10"}, {"ups.vendorid", "0463"},
                          {"device.uptime", "3600"}, {"a.muted", "muted"}};
  const auto m = t::parseExposition(rendered(d));
  CHECK(m.value("network_ups_tools_ups_beeper_status", {}) == 1);
  CHECK(m.value("network_ups_tools_a_off", {}) == 0);
  CHECK(m.value("network_ups_tools_a_neg", {}) == -5);
  CHECK(m.value("network_ups_tools_a_float", {}) == 12.5);
  CHECK(m.value("network_ups_tools_device_uptime", {}) == 3600);
  for (const char* skipped : {"network_ups_tools_a_version", "network_ups_tools_a_exp",
                              "network_ups_tools_a_plus", "network_ups_tools_a_muted",
                              "network_ups_tools_ups_firmware", "network_ups_tools_ups_vendorid"})
    CHECK_MESSAGE(m.count(skipped) == 0, skipped);
}

TEST_CASE("nothing while the data is stale or was never read") {
  auto d = t::eaton5scMetricsData();
  d.commOk = false;
  CHECK(rendered(d).empty());
  CHECK(rendered(serve::MetricsData{}).empty());
}

TEST_CASE("every variant passes the format checker and promtool check metrics") {
  for (const auto& [name, text] : variants()) {
    CAPTURE(name);
    CHECK_NOTHROW(t::parseExposition(text));
  }
  const char* promtool = "/usr/bin/promtool";
  if (::access(promtool, X_OK) != 0) {
    MESSAGE("skipped promtool: no /usr/bin/promtool (Debian package prometheus)");
    return;
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("hidupsd-nut-exporter-" + std::to_string(::getpid()) + ".prom");
  for (const auto& [name, text] : variants()) {
    CAPTURE(name);
    // Together with hidupsd's own families, as /metrics serves them with nut_exporter = true.
    std::ofstream(file, std::ios::binary) << serve::renderMetrics(t::eaton5scMetricsData()) << text;
    const auto r = t::runProcess(
        {"sh", "-c", std::string(promtool) + " check metrics < \"$0\"", file.string()});
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.status == 0);
  }
  std::filesystem::remove(file);
}
