// SPDX-License-Identifier: GPL-2.0-or-later
// [history] and [battery_test]: defaults, ranges, the schedule syntax, errors at their place.
#include <doctest/doctest.h>

#include <stdexcept>

#include "config/config.hpp"

using namespace hidupsd;

namespace {

std::string errorOf(std::string_view text) {
  try {
    parseConfig(text, "t.toml");
  } catch (const ConfigError& e) {
    REQUIRE(e.entries().size() == 1);
    return formatEntry(e.entries()[0]);
  }
  FAIL("no error");
  return "";
}

} // namespace

TEST_CASE("[history] and [battery_test]: the defaults, and the keys read") {
  const Config d = parseConfig("", "t.toml");
  CHECK(d.history.file == "/var/lib/hidupsd/history.db");
  CHECK(d.history.keepYears == 5);
  CHECK(d.batteryTest.quick.every == TestSchedule::Every::Off);
  CHECK(d.batteryTest.minCharge == 90);
  const Config c = parseConfig("[history]\nfile = \"\"\nkeep_years = 2\nhealth_warn_below = 60\n"
                               "battery_life = 5\n[battery_test]\nquick = \"weekly\"\n"
                               "deep = \"monthly 15 02:30\"\nmin_charge = 95\nafter_outage = 7200\n"
                               "max_duration = 1800\n",
                               "t.toml");
  CHECK(c.history.file.empty());
  CHECK(c.history.keepYears == 2);
  CHECK(c.history.healthWarnBelow == 60);
  CHECK(c.history.batteryLife == 5);
  CHECK(scheduleText(c.batteryTest.quick) == "weekly sun 03:00");
  CHECK(scheduleText(c.batteryTest.deep) == "monthly 15 02:30");
  CHECK(c.batteryTest.minCharge == 95);
  CHECK(c.batteryTest.afterOutage.count() == 7200);
  CHECK(c.batteryTest.maxDuration.count() == 1800);
  CHECK(parseConfig(redacted(c), "dump") == c); // the dump reads back
}

TEST_CASE("schedules: every form, read back from their canonical text") {
  for (const auto& [text, canonical] : std::vector<std::pair<std::string, std::string>>{
           {"off", "off"},
           {"daily", "daily 03:00"},
           {"Daily 05:15", "daily 05:15"},
           {"weekly", "weekly sun 03:00"},
           {"weekly saturday", "weekly sat 03:00"},
           {"weekly Wed 23:59", "weekly wed 23:59"},
           {"monthly", "monthly 1 03:00"},
           {"monthly 28", "monthly 28 03:00"},
           {"every 14 days", "every 14 days 03:00"},
           {"every 1 day 04:00", "daily 04:00"},
       }) {
    CAPTURE(text);
    const auto s = parseTestSchedule(text);
    CHECK(scheduleText(s) == canonical);
    CHECK(parseTestSchedule(scheduleText(s)) == s);
  }
}

TEST_CASE("bad schedules say what is wrong, at the key's place") {
  CHECK(errorOf("[battery_test]\nquick = \"hourly\"\n") ==
        "t.toml:2:9: in [battery_test]: quick = \"hourly\": \"hourly\" is not a schedule "
        "(\"off\", \"daily [HH:MM]\", \"weekly [DAY] [HH:MM]\", \"monthly [1-28] [HH:MM]\", "
        "\"every N days [HH:MM]\")");
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"weekly funday", "\"funday\" is not a day (sun … sat)"},
           {"monthly 31", "\"31\" is not a day of the month 1..28"},
           {"daily 25:00", "\"25:00\" is not a time HH:MM"},
           {"daily 3:00", "\"3:00\" is not a time HH:MM"},
           {"daily 03:00 extra", "\"extra\" after the time"},
           {"every 0 days", "\"every\" needs N days, N 1..365"},
           {"off now", "\"off\" takes nothing after it"},
           {"", "empty schedule"},
       }) {
    CAPTURE(text);
    try {
      parseTestSchedule(text);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).starts_with(why));
    }
  }
}

TEST_CASE("[history] and [battery_test] ranges and unknown keys") {
  CHECK(errorOf("[history]\nfile = \"history.db\"\n") ==
        "t.toml:2:8: in [history]: file must be an absolute path, or \"\" (off)");
  CHECK(errorOf("[history]\nkeep_years = 0\n").find("keep_years") != std::string::npos);
  CHECK(errorOf("[battery_test]\nmin_charge = 101\n").find("min_charge") != std::string::npos);
  CHECK(errorOf("[battery_test]\nmax_duration = 10\n").find("max_duration") != std::string::npos);
  CHECK(errorOf("[battery_test]\nquik = \"weekly\"\n").find("did you mean 'quick'") !=
        std::string::npos);
}
