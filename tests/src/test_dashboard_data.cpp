// SPDX-License-Identifier: GPL-2.0-or-later
// The dashboard's documents (pure): the plan as it would run now, the history, a chart's data.
#include <doctest/doctest.h>

#include "src/dashboard_data.hpp"

using namespace hidupsd;
using nlohmann::json;

namespace {

proxmox::Guest guest(proxmox::GuestType type, int id, const char* name, const char* status,
                     std::optional<int> order = {}, std::optional<int> down = {}) {
  proxmox::Guest g;
  g.type = type;
  g.id = id;
  g.name = name;
  g.status = status;
  g.startup.order = order;
  g.startup.down = down;
  return g;
}

proxmox::Inventory inventory() {
  using proxmox::GuestType;
  proxmox::Inventory inv;
  inv.vmsListed = inv.containersListed = true;
  inv.guests = {guest(GuestType::Vm, 101, "web", "running", 2, 300),
                guest(GuestType::Vm, 102, "db", "running", 1),
                guest(GuestType::Container, 200, "dns", "running"),
                guest(GuestType::Vm, 103, "old", "stopped", 1),
                guest(GuestType::Vm, 900, "backup", "running", 3)};
  inv.generation = 1;
  return inv;
}

} // namespace

TEST_CASE("the plan: groups in Proxmox stop order, timeouts cut to the deadline from the runtime") {
  Config c;
  c.proxmox.exclude = {900};
  c.shutdown.deadline = std::chrono::seconds(600);
  c.shutdown.deadlineMargin = std::chrono::seconds(60);
  c.shutdown.guestTimeout = std::chrono::seconds(180);
  const auto inv = inventory();
  const json p = planJson({&c, &inv, 400.0, 12.0});
  CHECK(p["api"] == 1);
  CHECK(p["deadline_seconds"] == 340); // min(600, 400 − 60)
  CHECK(p["guests_known"] == true);
  REQUIRE(p["groups"].size() == 3);
  // No order first (the CT), then the highest order down: 2 (web), 1 (db); 103 is stopped.
  CHECK(p["groups"][0]["order"].is_null());
  CHECK(p["groups"][0]["guests"][0]["id"] == 200);
  CHECK(p["groups"][0]["guests"][0]["type"] == "lxc");
  CHECK(p["groups"][0]["guests"][0]["timeout_seconds"] == 180);
  CHECK(p["groups"][1]["order"] == 2);
  CHECK(p["groups"][1]["guests"][0]["name"] == "web");
  CHECK(p["groups"][1]["guests"][0]["timeout_seconds"] == 300); // its down=
  // Less runtime: every timeout cut to the deadline less the force stop's 10 s.
  const json low = planJson({&c, &inv, 200.0, std::nullopt});
  CHECK(low["deadline_seconds"] == 140);
  CHECK(low["groups"][1]["guests"][0]["timeout_seconds"] == 130);
  CHECK(low["groups"][0]["guests"][0]["timeout_seconds"] == 130);
  CHECK(p["groups"][2]["guests"][0]["id"] == 102);
  CHECK(p["excluded"].size() == 1);
  CHECK(p["excluded"][0]["id"] == 900);
  CHECK(p["host_command"] == json::array({"systemctl", "poweroff"}));
  CHECK(p["ups_power_cycle"]["off_delay_seconds"] == 60);
  CHECK(p["note"].get<std::string>().find("12 s ago") != std::string::npos);
}

TEST_CASE("the plan without a guest list, or with a failed one, says so") {
  Config c;
  const json none = planJson({&c, nullptr, std::nullopt, std::nullopt});
  CHECK(none["guests_known"] == false);
  CHECK(none["groups"].empty());
  CHECK(none["runtime_seconds"].is_null());
  CHECK(none["deadline_seconds"] == 600); // the configured deadline when the runtime is unknown
  CHECK(none["note"].get<std::string>().starts_with("No guest list yet"));
  auto inv = inventory();
  inv.vmsListed = false;
  inv.problems = {"qm list: exit 2"};
  const json failed = planJson({&c, &inv, 1000.0, std::nullopt});
  CHECK(failed["guests_known"] == false);
  CHECK(failed["note"].get<std::string>().find("qm list: exit 2") != std::string::npos);
}

TEST_CASE("a chart's data: the metric's series and unit, outages as bands, gaps kept") {
  std::vector<history::SampleRow> samples(3);
  for (int i = 0; i < 3; ++i) {
    samples[i].time = 100000 + i * 300;
    samples[i].step = 300;
    samples[i].values[history::kRuntime] = 600 + 60 * i;
    samples[i].values[history::kInputVoltage] = 230;
  }
  samples[1].values[history::kRuntime] = history::kNone; // not read then: no point
  history::TransferRow outage;
  outage.start = 100100;
  outage.end = 100400;
  outage.reason = "mains lost";
  const auto d = chartData("runtime", serve::HistoryRange::Day, samples, {outage}, 100900);
  CHECK(d.title == "Runtime");
  CHECK(d.unit == "min");
  CHECK(d.to == 100900);
  CHECK(d.from == 100900 - 86400);
  REQUIRE(d.series.size() == 1);
  REQUIRE(d.series[0].points.size() == 2);
  CHECK(d.series[0].points[0].value == doctest::Approx(10.0));
  CHECK(d.series[0].points[1].value == doctest::Approx(12.0));
  REQUIRE(d.bands.size() == 1);
  CHECK(d.bands[0].from == 100100);
  CHECK(d.bands[0].label.find("5 min: mains lost") != std::string::npos);
  const auto v = chartData("voltage", serve::HistoryRange::Year, samples, {}, 100900);
  REQUIRE(v.series.size() == 2);
  CHECK(v.series[0].points.size() == 3);
  CHECK(v.series[1].points.empty()); // no output voltage read
  CHECK(rangeWindow(serve::HistoryRange::Year).resolution == 86400);
}

TEST_CASE("no history: the document says why, with empty tables") {
  const json h = noHistoryJson(serve::HistoryRange::Month, "No history: [history] file is \"\".");
  CHECK(h["available"] == false);
  CHECK(h["range"] == "30d");
  CHECK(h["outages"].empty());
}
