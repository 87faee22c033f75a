// SPDX-License-Identifier: GPL-2.0-or-later
// [battery_test] schedules: "weekly sun 03:00" and friends, read and written back.
#include <array>
#include <charconv>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "config/config.hpp"

namespace hidupsd {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

[[noreturn]] void bad(std::string_view why) {
  throw std::invalid_argument(std::string(why) +
                              " (\"off\", \"daily [HH:MM]\", \"weekly [DAY] [HH:MM]\", "
                              "\"monthly [1-28] [HH:MM]\", \"every N days [HH:MM]\")");
}

std::optional<int> integer(std::string_view s) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

void parseTime(std::string_view word, TestSchedule& out) {
  const auto colon = word.find(':');
  const auto h = integer(word.substr(0, colon));
  const auto m = colon == std::string_view::npos ? std::nullopt : integer(word.substr(colon + 1));
  if (!h || !m || *h < 0 || *h > 23 || *m < 0 || *m > 59 || colon != 2 || word.size() != 5)
    bad(fmt::format("\"{}\" is not a time HH:MM", word));
  out.hour = *h;
  out.minute = *m;
}

int weekday(std::string_view word) {
  for (std::size_t d = 0; d < kDays.size(); ++d)
    if (word.size() >= 3 && std::string_view(kDays[d]) == word.substr(0, 3))
      return static_cast<int>(d);
  bad(fmt::format("\"{}\" is not a day (sun … sat)", word));
}

int monthday(std::string_view word) {
  const auto day = integer(word);
  if (!day || *day < 1 || *day > 28)
    bad(fmt::format("\"{}\" is not a day of the month 1..28", word));
  return *day;
}

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    for (auto& c : w)
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    out.push_back(w);
  }
  return out;
}

/// The words after the period: a day (weekly, monthly), then a time, each optional.
void rest(const std::vector<std::string>& w, std::size_t i, TestSchedule& s) {
  if (i < w.size() && w[i].find(':') == std::string::npos) {
    if (s.every == TestSchedule::Every::Week)
      s.weekday = weekday(w[i]);
    else if (s.every == TestSchedule::Every::Month)
      s.monthday = monthday(w[i]);
    else
      bad(fmt::format("\"{}\" is not a time HH:MM", w[i]));
    ++i;
  }
  if (i < w.size()) parseTime(w[i++], s);
  if (i < w.size()) bad(fmt::format("\"{}\" after the time", w[i]));
}

} // namespace

TestSchedule parseTestSchedule(std::string_view text) {
  const auto w = words(text);
  TestSchedule s;
  if (w.empty()) bad("empty schedule");
  std::size_t i = 1;
  if (w[0] == "off") {
    if (w.size() > 1) bad("\"off\" takes nothing after it");
    return s;
  } else if (w[0] == "daily") {
    s.every = TestSchedule::Every::Days;
  } else if (w[0] == "weekly") {
    s.every = TestSchedule::Every::Week;
  } else if (w[0] == "monthly") {
    s.every = TestSchedule::Every::Month;
  } else if (w[0] == "every") {
    const auto n = w.size() > 1 ? integer(w[1]) : std::nullopt;
    if (!n || *n < 1 || *n > 365 || w.size() < 3 || (w[2] != "days" && w[2] != "day"))
      bad("\"every\" needs N days, N 1..365");
    s.every = TestSchedule::Every::Days;
    s.days = *n;
    i = 3;
  } else {
    bad(fmt::format("\"{}\" is not a schedule", w[0]));
  }
  rest(w, i, s);
  return s;
}

std::string scheduleText(const TestSchedule& s) {
  const auto time = fmt::format("{:02}:{:02}", s.hour, s.minute);
  switch (s.every) {
  case TestSchedule::Every::Off: return "off";
  case TestSchedule::Every::Days:
    return s.days == 1 ? "daily " + time : fmt::format("every {} days {}", s.days, time);
  case TestSchedule::Every::Week: return fmt::format("weekly {} {}", kDays[s.weekday], time);
  case TestSchedule::Every::Month: return fmt::format("monthly {} {}", s.monthday, time);
  }
  return "off";
}

} // namespace hidupsd
