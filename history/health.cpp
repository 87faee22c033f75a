// SPDX-License-Identifier: GPL-2.0-or-later
// Battery health: runtime against its baseline, age against the battery's life, test results.
#include "history/health.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace hidupsd::history {

namespace {

constexpr double kYear = 365.25 * 86400;
constexpr double kMinSeconds = 60;
constexpr double kMinDrop = 5;
constexpr double kMinLoad = 5;
constexpr std::size_t kWindow = 3;

std::string dayText(WallTime t) {
  const auto secs = static_cast<std::time_t>(t);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

/// The installation date to go by: the newest --battery-replaced, else the UPS's dates.
const BatteryRow* installation(const std::vector<BatteryRow>& rows) {
  for (const char* source : {"command", "battery.date", "battery.mfr.date"}) {
    const BatteryRow* best = nullptr;
    for (const auto& r : rows)
      if (r.source == source && (best == nullptr || r.recorded >= best->recorded)) best = &r;
    if (best != nullptr) return best;
  }
  return nullptr;
}

/// Full-charge runtime at the reference load, or nullopt when the discharge is too small.
std::optional<double> normalised(const Discharge& d, const HealthOptions& o) {
  if (d.seconds < kMinSeconds || d.chargeDrop < kMinDrop || d.meanLoad < kMinLoad)
    return std::nullopt;
  const double full = d.seconds * 100 / d.chargeDrop;
  return full * std::pow(d.meanLoad / o.referenceLoad, o.peukert);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int clampScore(double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 100.0))); }

void judgeRuntime(const HealthInputs& in, const HealthOptions& o, std::optional<WallTime> since,
                  Health& h, std::optional<int>& score) {
  std::vector<double> values;
  for (const auto& d : in.discharges)
    if (!since || d.time >= *since)
      if (const auto v = normalised(d, o)) values.push_back(*v);
  if (values.empty()) {
    h.reasons.push_back("runtime: no outage or deep test long enough to measure yet (60 s, "
                        "5 % of charge)");
    return;
  }
  const auto first = std::min(values.size(), kWindow);
  const double baseline = *std::max_element(values.begin(), values.begin() + first);
  const std::vector<double> recent(values.end() - static_cast<long>(first), values.end());
  const double ratio = std::min(1.0, median(recent) / baseline);
  h.runtimeRatio = ratio;
  score = clampScore(100 * ratio);
  h.reasons.push_back(
      fmt::format("runtime: {:.0f} % of its baseline ({:.0f} min at {:g} % load; {} measurement{})",
                  100 * ratio, median(recent) / 60, o.referenceLoad, values.size(),
                  values.size() == 1 ? "" : "s"));
}

std::optional<int> ageScore(double years, double life) {
  if (years <= 0.75 * life) return 100;
  if (years <= life) return clampScore(100 - 50 * (years - 0.75 * life) / (0.25 * life));
  return clampScore(50 - 50 * (years - life) / (0.5 * life));
}

void judgeAge(const HealthInputs& in, const HealthOptions& o, WallTime now, Health& h,
              std::optional<int>& score, std::optional<WallTime>& since) {
  const BatteryRow* row = installation(in.batteries);
  if (row == nullptr) {
    h.reasons.push_back("age: unknown (no battery.date from the UPS; hidupsd --battery-replaced "
                        "records it)");
    return;
  }
  const auto date = parseBatteryDate(row->date);
  if (!date) {
    h.reasons.push_back(
        fmt::format("age: the date \"{}\" ({}) is not understood", row->date, row->source));
    return;
  }
  since = date;
  h.installed = dayText(*date);
  h.installedFrom = row->source;
  h.ageYears = std::max(0.0, (now - *date) / kYear);
  score = ageScore(*h.ageYears, o.lifeYears);
  h.reasons.push_back(fmt::format("age: {:.1f} years since {} ({}; due at {:g} years)", *h.ageYears,
                                  h.installed, row->source, o.lifeYears));
}

void judgeTest(const HealthInputs& in, Health& h, std::optional<int>& score) {
  if (!in.lastTest) return;
  const auto& r = in.lastTest->result;
  const int cap = r == "Done and error" ? 20 : r == "Done and warning" ? 50 : 100;
  if (cap < 100) {
    score = std::min(score.value_or(100), cap);
    h.reasons.push_back(fmt::format("last battery test ({}): {}", dayText(in.lastTest->start), r));
  }
}

} // namespace

std::optional<WallTime> parseBatteryDate(const std::string& text) {
  int a = 0, b = 0, c = 0;
  char s1 = 0, s2 = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c%d", &a, &s1, &b, &s2, &c) != 5 || s1 != s2 ||
      (s1 != '-' && s1 != '/'))
    return std::nullopt;
  int year = a, month = b, day = c;
  if (a <= 12 && c >= 0) { // MM/DD/YYYY or MM/DD/YY (APC)
    year = c < 100 ? 2000 + c : c;
    month = a;
    day = b;
  }
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return static_cast<WallTime>(timegm(&tm));
}

Health assessHealth(const HealthInputs& in, const HealthOptions& o, WallTime now) {
  Health h;
  std::optional<int> age, runtime, test;
  std::optional<WallTime> since;
  judgeAge(in, o, now, h, age, since);
  judgeRuntime(in, o, since, h, runtime);
  judgeTest(in, h, test);
  for (const auto& part : {age, runtime, test})
    if (part) h.score = std::min(h.score.value_or(100), *part);
  const bool old = h.ageYears && *h.ageYears >= o.lifeYears;
  h.replace = (h.score && *h.score < o.warnBelow) || old;
  return h;
}

} // namespace hidupsd::history
