// SPDX-License-Identifier: GPL-2.0-or-later
// ReportSchedule: refusal streaks per report, with a doubling retry, changes reported once.
#include "ups/report_schedule.hpp"

#include <algorithm>

namespace hidupsd {

ReportSchedule::ReportSchedule(std::vector<std::uint8_t> polled, Options options)
    : options_(options) {
  for (const auto id : polled)
    reports_[id];
}

std::vector<std::uint8_t> ReportSchedule::due(TimePoint now) const {
  std::vector<std::uint8_t> out;
  for (const auto& [id, s] : reports_)
    if (!s.refused || now >= s.retryAt) out.push_back(id);
  return out;
}

std::optional<ReportSchedule::TimePoint> ReportSchedule::nextRetry() const {
  std::optional<TimePoint> out;
  for (const auto& [id, s] : reports_)
    if (s.refused && (!out || s.retryAt < *out)) out = s.retryAt;
  return out;
}

std::optional<ReportSchedule::Change> ReportSchedule::answered(std::uint8_t id, TimePoint now) {
  auto& s = reports_[id];
  std::optional<Change> out;
  if (s.refused) {
    out = Change{Change::Kind::Answers, id, s.failures, now - s.firstFailure, {}, {}};
  }
  s = State{};
  return out;
}

std::optional<ReportSchedule::Change> ReportSchedule::failed(std::uint8_t id, Failure failure,
                                                             TimePoint now, std::string why) {
  auto& s = reports_[id];
  if (s.failures++ == 0) s.firstFailure = now;
  if (s.refused) {
    // A retry that failed again: wait twice as long, quietly.
    s.backoff = std::min<Duration>(s.backoff * 2, options_.maxRetry);
    s.retryAt = now + s.backoff;
    return std::nullopt;
  }
  if (failure == Failure::Io && ++s.ioInARow < options_.ioStrikes) return std::nullopt;
  s.refused = true;
  s.backoff = options_.firstRetry;
  s.retryAt = now + s.backoff;
  return Change{Change::Kind::Refused, id,        s.failures,
                now - s.firstFailure,  s.backoff, std::move(why)};
}

void ReportSchedule::retryAll(TimePoint now) {
  for (auto& [id, s] : reports_)
    if (s.refused) s.retryAt = now;
}

bool ReportSchedule::refused(std::uint8_t id) const {
  const auto it = reports_.find(id);
  return it != reports_.end() && it->second.refused;
}

std::size_t ReportSchedule::refusedCount() const {
  return static_cast<std::size_t>(std::count_if(reports_.begin(), reports_.end(),
                                                [](const auto& e) { return e.second.refused; }));
}

} // namespace hidupsd
