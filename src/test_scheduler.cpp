// SPDX-License-Identifier: GPL-2.0-or-later
// Battery tests on a schedule.
#include "src/test_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace hidupsd {

namespace {

constexpr double kDaySeconds = 86400;

std::tm localOf(double t) {
  const auto secs = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

double timeOf(std::tm tm) {
  tm.tm_isdst = -1; // mktime decides (a slot in a DST change moves by its hour)
  return static_cast<double>(std::mktime(&tm));
}

/// `t`'s day at the schedule's HH:MM, moved by `days` days.
double atTime(double t, const TestSchedule& s, int days) {
  std::tm tm = localOf(t);
  tm.tm_mday += days;
  tm.tm_hour = s.hour;
  tm.tm_min = s.minute;
  tm.tm_sec = 0;
  return timeOf(tm);
}

std::string percent(double v) { return fmt::format("{:g} %", v); }

bool offers(const TestConditions& c, const std::string& kind) {
  const std::string name = "test.battery.start." + kind;
  return std::find(c.commands.begin(), c.commands.end(), name) != c.commands.end();
}

/// Why now is not a good time, "" when it is.
std::string whyNot(const BatteryTestConfig& config, const TestConditions& c,
                   const std::string& kind) {
  if (c.shutdownStarted) return "the shutdown has started";
  if (!c.commOk) return "no communication with the UPS";
  if (c.testRunning) return "a battery test runs";
  if (c.outageNow || !c.onMains) return "not on mains";
  if (!c.charge) return "the UPS gives no battery.charge";
  if (*c.charge < config.minCharge)
    return fmt::format("battery.charge {} < min_charge {}", percent(*c.charge),
                       percent(config.minCharge));
  const double quiet = static_cast<double>(config.afterOutage.count());
  if (c.lastOutageEnd && c.now - *c.lastOutageEnd < quiet)
    return fmt::format("an outage ended {:.0f} s ago (after_outage = {:g} s)",
                       c.now - *c.lastOutageEnd, quiet);
  if (!offers(c, kind)) return fmt::format("the UPS has no test.battery.start.{}", kind);
  return "";
}

} // namespace

std::optional<double> lastSlot(const TestSchedule& s, double now, std::optional<double> lastRun) {
  switch (s.every) {
  case TestSchedule::Every::Off: return std::nullopt;
  case TestSchedule::Every::Days: {
    if (s.days == 1 || !lastRun) {
      const double today = atTime(now, s, 0);
      return today <= now ? today : atTime(now, s, -1);
    }
    return atTime(*lastRun, s, s.days); // may lie ahead: then nothing is due yet
  }
  case TestSchedule::Every::Week: {
    const std::tm tm = localOf(now);
    const int back = (tm.tm_wday - s.weekday + 7) % 7;
    const double slot = atTime(now, s, -back);
    return slot <= now ? slot : atTime(now, s, -back - 7);
  }
  case TestSchedule::Every::Month: {
    std::tm tm = localOf(now);
    tm.tm_mday = s.monthday;
    tm.tm_hour = s.hour;
    tm.tm_min = s.minute;
    tm.tm_sec = 0;
    double slot = timeOf(tm);
    if (slot > now) {
      tm = localOf(now);
      tm.tm_mon -= 1;
      tm.tm_mday = s.monthday;
      tm.tm_hour = s.hour;
      tm.tm_min = s.minute;
      tm.tm_sec = 0;
      slot = timeOf(tm);
    }
    return slot;
  }
  }
  return std::nullopt;
}

TestDecision decideTest(const BatteryTestConfig& config, const TestConditions& c) {
  const auto lastQuick = std::max(c.lastQuick.value_or(0), c.lastDeep.value_or(0));
  const std::pair<std::string, std::optional<double>> due[] = {
      {"deep", lastSlot(config.deep, c.now, c.lastDeep)},
      {"quick", lastSlot(config.quick, c.now,
                         c.lastQuick || c.lastDeep ? std::optional(lastQuick) : std::nullopt)},
  };
  for (const auto& [kind, slot] : due) {
    const double last = kind == "deep" ? c.lastDeep.value_or(0) : lastQuick;
    if (!slot || *slot > c.now || *slot <= last || *slot < c.notBefore) continue;
    TestDecision d{std::nullopt, kind, *slot, whyNot(config, c, kind)};
    if (d.waiting.empty()) d.start = kind;
    return d;
  }
  return {};
}

} // namespace hidupsd
