// SPDX-License-Identifier: GPL-2.0-or-later
// The grid of a chart: round values and round times in the viewer's time zone.
#include <array>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "serve/svg_chart.hpp"

namespace hidupsd::serve {

namespace {

constexpr std::int64_t kMinute = 60, kHour = 3600, kDay = 86400;

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// Broken-down time of `local` seconds (UTC arithmetic on already-shifted seconds).
std::tm brokenDown(std::int64_t local) {
  const auto t = static_cast<std::time_t>(local);
  std::tm out{};
  gmtime_r(&t, &out);
  return out;
}

/// Local seconds of the first day of the month after `local`'s month.
std::int64_t nextMonth(std::int64_t local) {
  std::tm tm = brokenDown(local);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_mon += 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string label(std::int64_t local, std::int64_t step) {
  const std::tm tm = brokenDown(local);
  if (step < kDay) return fmt::format("{:02}:{:02}", tm.tm_hour, tm.tm_min);
  if (step < 28 * kDay) return fmt::format("{} {}", tm.tm_mday, kMonths[tm.tm_mon]);
  if (tm.tm_mon == 0) return fmt::format("{}", 1900 + tm.tm_year);
  return kMonths[tm.tm_mon];
}

std::int64_t ceilTo(std::int64_t v, std::int64_t step) {
  const auto r = ((v % step) + step) % step;
  return r == 0 ? v : v + (step - r);
}

std::vector<TimeTick> monthTicks(std::int64_t from, std::int64_t to, std::int64_t offset,
                                 int maxLabels) {
  std::vector<std::int64_t> starts;
  for (auto local = nextMonth(from + offset - 1); local - offset <= to; local = nextMonth(local))
    starts.push_back(local);
  const std::size_t every = (starts.size() + maxLabels - 1) / std::max(1, maxLabels);
  std::vector<TimeTick> out;
  for (std::size_t i = 0; i < starts.size(); i += std::max<std::size_t>(every, 1))
    out.push_back({starts[i] - offset, label(starts[i], 30 * kDay)});
  return out;
}

} // namespace

std::vector<TimeTick> timeTicks(std::int64_t from, std::int64_t to, int utcOffsetMinutes,
                                int maxLabels) {
  constexpr std::array<std::int64_t, 14> kSteps = {
      5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,    2 * kHour, 3 * kHour,
      6 * kHour,   12 * kHour,   kDay,         2 * kDay,     5 * kDay, 7 * kDay,  14 * kDay};
  if (to <= from || maxLabels < 1) return {};
  const std::int64_t offset = std::int64_t{utcOffsetMinutes} * kMinute;
  for (const auto step : kSteps) {
    if ((to - from) / step + 1 > maxLabels) continue;
    std::vector<TimeTick> out;
    for (auto local = ceilTo(from + offset, step); local - offset <= to; local += step)
      out.push_back({local - offset, label(local, step)});
    return out;
  }
  return monthTicks(from, to, offset, maxLabels);
}

std::vector<double> valueTicks(double low, double high, int maxLines) {
  if (!(high > low) || maxLines < 2) return {low};
  const double rough = (high - low) / (maxLines - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  double step = magnitude * 10;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (magnitude * m >= rough) {
      step = magnitude * m;
      break;
    }
  }
  std::vector<double> out;
  for (double v = std::ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step)
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  return out;
}

} // namespace hidupsd::serve
