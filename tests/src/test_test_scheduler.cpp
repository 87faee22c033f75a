// SPDX-License-Identifier: GPL-2.0-or-later
// Battery tests on a schedule: the slots, and when a due test waits.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "src/test_scheduler.hpp"

using namespace hidupsd;

namespace {

/// Unix seconds of a UTC date and time (the tests run with TZ=UTC).
double utc(int year, int month, int day, int hour = 0, int minute = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  return static_cast<double>(timegm(&tm));
}

struct Utc {
  Utc() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

BatteryTestConfig weeklyQuick() {
  BatteryTestConfig c;
  c.quick = parseTestSchedule("weekly sun 03:00");
  c.deep = parseTestSchedule("monthly 1 04:00");
  return c;
}

/// Good conditions on 2027-01-12 (a Tuesday) 12:00, history since 2027-01-01.
TestConditions good() {
  TestConditions c;
  c.now = utc(2027, 1, 12, 12);
  c.onMains = true;
  c.commOk = true;
  c.charge = 100;
  c.notBefore = utc(2027, 1, 1);
  c.commands = {"test.battery.start.quick", "test.battery.start.deep"};
  c.lastDeep = utc(2027, 1, 1, 4);
  return c;
}

} // namespace

TEST_CASE("slots: the latest at or before now, local time") {
  const Utc utcZone;
  const double tuesday = utc(2027, 1, 12, 12);
  CHECK(lastSlot(parseTestSchedule("weekly sun 03:00"), tuesday, {}) == utc(2027, 1, 10, 3));
  CHECK(lastSlot(parseTestSchedule("weekly tue 13:00"), tuesday, {}) == utc(2027, 1, 5, 13));
  CHECK(lastSlot(parseTestSchedule("daily 03:00"), tuesday, {}) == utc(2027, 1, 12, 3));
  CHECK(lastSlot(parseTestSchedule("daily 13:00"), tuesday, {}) == utc(2027, 1, 11, 13));
  CHECK(lastSlot(parseTestSchedule("monthly 1 04:00"), tuesday, {}) == utc(2027, 1, 1, 4));
  CHECK(lastSlot(parseTestSchedule("monthly 15"), tuesday, {}) == utc(2026, 12, 15, 3));
  CHECK(lastSlot(parseTestSchedule("every 10 days"), tuesday, utc(2027, 1, 1, 9)) ==
        utc(2027, 1, 11, 3));
  CHECK_FALSE(lastSlot(parseTestSchedule("off"), tuesday, {}));
}

TEST_CASE("a due test starts when every condition holds; once done it is not due") {
  const Utc utcZone;
  auto c = good();
  auto d = decideTest(weeklyQuick(), c);
  CHECK(d.start == "quick");
  CHECK(d.slot == utc(2027, 1, 10, 3));
  c.lastQuick = utc(2027, 1, 10, 3, 5);
  d = decideTest(weeklyQuick(), c);
  CHECK_FALSE(d.start);
  CHECK(d.kind.empty());
}

TEST_CASE("the deep test goes first, and counts as the quick one") {
  const Utc utcZone;
  auto c = good();
  c.now = utc(2027, 2, 7, 12); // a Sunday after the 1st of February
  c.lastQuick = utc(2027, 1, 31, 3);
  auto d = decideTest(weeklyQuick(), c);
  CHECK(d.start == "deep");
  c.lastDeep = utc(2027, 2, 7, 5);
  CHECK_FALSE(decideTest(weeklyQuick(), c).start);
}

TEST_CASE("a due test waits: on battery, low charge, just after an outage, no command, ...") {
  const Utc utcZone;
  const auto waits = [](auto change) {
    auto c = good();
    change(c);
    const auto d = decideTest(weeklyQuick(), c);
    CHECK_FALSE(d.start);
    CHECK(d.kind == "quick");
    return d.waiting;
  };
  CHECK(waits([](TestConditions& c) { c.onMains = false; }) == "not on mains");
  CHECK(waits([](TestConditions& c) { c.outageNow = true; }) == "not on mains");
  CHECK(waits([](TestConditions& c) { c.charge = 80; }) == "battery.charge 80 % < min_charge 90 %");
  CHECK(waits([](TestConditions& c) { c.charge.reset(); }) == "the UPS gives no battery.charge");
  CHECK(waits([](TestConditions& c) { c.lastOutageEnd = c.now - 600; }) ==
        "an outage ended 600 s ago (after_outage = 3600 s)");
  CHECK(waits([](TestConditions& c) { c.testRunning = true; }) == "a battery test runs");
  CHECK(waits([](TestConditions& c) { c.commOk = false; }) == "no communication with the UPS");
  CHECK(waits([](TestConditions& c) { c.shutdownStarted = true; }) == "the shutdown has started");
  CHECK(waits([](TestConditions& c) { c.commands.clear(); }) ==
        "the UPS has no test.battery.start.quick");
  auto c = good();
  c.lastOutageEnd = c.now - 7200; // long enough ago
  CHECK(decideTest(weeklyQuick(), c).start == "quick");
}

TEST_CASE("no slot before the history began: a new install does not test at once") {
  const Utc utcZone;
  auto c = good();
  c.notBefore = c.now - 60;
  CHECK_FALSE(decideTest(weeklyQuick(), c).start);
}
