// SPDX-License-Identifier: GPL-2.0-or-later
// Battery health: the figure and its reasons, from runtime, age and the last test.
#include <doctest/doctest.h>

#include "history/health.hpp"

using namespace hidupsd::history;

namespace {

constexpr double kYear = 365.25 * 86400;
const double kInstalled = *parseBatteryDate("2024-01-01");

Discharge discharge(double yearsIn, double seconds, double drop, double load) {
  return Discharge{kInstalled + yearsIn * kYear, seconds, drop, load, "outage"};
}

HealthInputs installedOn(const std::string& date, const std::string& source = "command") {
  HealthInputs in;
  in.batteries.push_back(BatteryRow{date, source, 1});
  return in;
}

} // namespace

TEST_CASE("battery dates as NUT and APC write them") {
  CHECK(parseBatteryDate("2024-01-01") == kInstalled);
  CHECK(parseBatteryDate("2024/01/01") == kInstalled);
  CHECK(parseBatteryDate("01/01/2024") == kInstalled);
  CHECK(parseBatteryDate("01/01/24") == kInstalled);
  CHECK_FALSE(parseBatteryDate("yesterday"));
  CHECK_FALSE(parseBatteryDate("2024-13-01"));
  CHECK_FALSE(parseBatteryDate("2024-01/01"));
}

TEST_CASE("nothing known: no figure, and reasons that say what is missing") {
  const Health h = assessHealth({}, {}, kInstalled);
  CHECK_FALSE(h.score.has_value());
  CHECK_FALSE(h.replace);
  REQUIRE(h.reasons.size() == 2);
  CHECK(h.reasons[0].find("age: unknown") == 0);
  CHECK(h.reasons[1].find("runtime: no outage") == 0);
}

TEST_CASE("age: full marks to 3/4 of its life, 50 at its life, replace from then") {
  HealthOptions o; // 4 years
  auto at = [&](double years) {
    return assessHealth(installedOn("2024-01-01"), o, kInstalled + years * kYear);
  };
  CHECK(at(1).score == 100);
  CHECK(at(3).score == 100);
  CHECK(at(3.5).score == 75);
  CHECK_FALSE(at(3.5).replace);
  CHECK(at(4).score == 50);
  CHECK(at(4).replace);
  CHECK(at(6).score == 0);
  CHECK(at(1).installedFrom == "command");
}

TEST_CASE("--battery-replaced wins over the UPS's dates; the newest of each kind counts") {
  HealthInputs in = installedOn("2019/01/01", "battery.mfr.date");
  in.batteries.push_back(BatteryRow{"2020/01/01", "battery.date", 2});
  CHECK(assessHealth(in, {}, kInstalled).installed == "2020-01-01");
  in.batteries.push_back(BatteryRow{"2023-06-01", "command", 3});
  in.batteries.push_back(BatteryRow{"2024-01-01", "command", 4});
  CHECK(assessHealth(in, {}, kInstalled).installed == "2024-01-01");
}

TEST_CASE("runtime: the recent median against the best early measurement, at the same load") {
  HealthInputs in = installedOn("2024-01-01");
  // 600 s for 20 % at 50 % load: 3000 s full. The same at 25 % load is a weaker battery:
  // at half the load it should last 2^1.2 times longer.
  in.discharges = {discharge(0.1, 600, 20, 50), discharge(0.2, 610, 20, 50),
                   discharge(0.3, 590, 20, 50), discharge(2.0, 600, 20, 25),
                   discharge(2.1, 600, 20, 25), discharge(2.2, 600, 20, 25),
                   discharge(2.3, 30, 20, 50) /* too short: ignored */};
  const Health h = assessHealth(in, {}, kInstalled + 2.5 * kYear);
  REQUIRE(h.runtimeRatio.has_value());
  CHECK(*h.runtimeRatio == doctest::Approx(3000.0 * std::pow(0.5, 1.2) / 3050).epsilon(0.01));
  CHECK(h.score == 43);
  CHECK(h.replace);
  CHECK(h.reasons[1].find("runtime: 43 % of its baseline") == 0);
}

TEST_CASE("discharges before the battery was installed do not count") {
  HealthInputs in = installedOn("2024-01-01");
  in.discharges = {discharge(-1, 100, 20, 50), discharge(0.5, 600, 20, 50)};
  const Health h = assessHealth(in, {}, kInstalled + kYear);
  CHECK(h.runtimeRatio == 1.0);
  CHECK(h.reasons[1].find("1 measurement)") != std::string::npos);
}

TEST_CASE("a failed test caps the figure") {
  HealthInputs in = installedOn("2024-01-01");
  TestRow test;
  test.start = kInstalled + kYear;
  test.result = "Done and error";
  in.lastTest = test;
  const Health h = assessHealth(in, {}, kInstalled + kYear);
  CHECK(h.score == 20);
  CHECK(h.replace);
  in.lastTest->result = "Done and warning";
  CHECK(assessHealth(in, {}, kInstalled + kYear).score == 50);
  in.lastTest->result = "Done and passed";
  CHECK(assessHealth(in, {}, kInstalled + kYear).score == 100);
}
