// SPDX-License-Identifier: GPL-2.0-or-later
// ReaderHealth: the schedule, the ladder and the resume check, with the words the log gets.
#include "ups/reader_health.hpp"

#include <fmt/format.h>

namespace hidupsd {

namespace {

using Level = HealthNote::Level;
using Kind = hid::DeviceError::Kind;

constexpr auto kResumeGrowth = std::chrono::seconds(2);
constexpr auto kClockJump = std::chrono::seconds(30);
constexpr std::size_t kMaxListed = 6;

double seconds(core::Clock::duration d) noexcept { return core::Seconds(d).count(); }

/// "a, b, c and 4 more".
std::string listed(const std::vector<std::string>& items) {
  std::vector<std::string> shown(items.begin(), items.begin() + std::min(items.size(), kMaxListed));
  auto out = fmt::format("{}", fmt::join(shown, ", "));
  if (items.size() > kMaxListed) out += fmt::format(" and {} more", items.size() - kMaxListed);
  return out;
}

/// "20 min", "45 s", "2.5 h".
std::string span(core::Clock::duration d) {
  const double s = seconds(d);
  if (s < 120) return fmt::format("{:g} s", s);
  if (s < 3600) return fmt::format("{:g} min", std::round(s / 6) / 10);
  return fmt::format("{:g} h", std::round(s / 360) / 10);
}

} // namespace

ReaderHealth::ReaderHealth(Duration commsLostTimeout, ReportScheduleOptions schedule)
    : scheduleOptions_(schedule), ladder_(commsLostTimeout) {}

void ReaderHealth::connected(const UpsModel& model, bool interruptOnly) {
  model_ = &model;
  schedule_.emplace(interruptOnly ? std::vector<std::uint8_t>{} : model.polledReports(),
                    scheduleOptions_);
}

void ReaderHealth::disconnected() noexcept {
  model_ = nullptr;
  schedule_.reset();
}

std::vector<std::uint8_t> ReaderHealth::reportsDue(TimePoint now) const {
  return schedule_ ? schedule_->due(now) : std::vector<std::uint8_t>{};
}

std::optional<ReaderHealth::TimePoint> ReaderHealth::nextRetry() const {
  return schedule_ ? schedule_->nextRetry() : std::nullopt;
}

/// "Feature report 0x09 (UPS.PowerSummary.X, ...; gives battery.charge.low)".
std::string ReaderHealth::reportText(std::uint8_t id) const {
  auto out = fmt::format("Feature report 0x{:02x}", id);
  if (model_ == nullptr) return out;
  const auto paths = model_->pathsOfReport(id);
  const auto variables = model_->variablesOfReport(id);
  out += " (" + (paths.empty() ? std::string("no fields") : listed(paths));
  out += variables.empty() ? "; no NUT variable reads it)"
                           : "; missing meanwhile: " + listed(variables) + ")";
  return out;
}

std::optional<HealthNote> ReaderHealth::reportAnswered(std::uint8_t id, TimePoint now) {
  if (!schedule_) return std::nullopt;
  const auto change = schedule_->answered(id, now);
  if (!change) return std::nullopt;
  return HealthNote{Level::Info,
                    fmt::format("Feature report 0x{:02x} answers again after {} failed read(s) "
                                "over {}: back in the poll",
                                id, change->failures, span(change->streak))};
}

std::optional<HealthNote> ReaderHealth::reportFailed(std::uint8_t id, const hid::DeviceError& e,
                                                     TimePoint now) {
  if (!schedule_ || (e.kind() != Kind::NoSuchReport && e.kind() != Kind::Io)) return std::nullopt;
  const auto failure = e.kind() == Kind::NoSuchReport ? ReportSchedule::Failure::Refused
                                                      : ReportSchedule::Failure::Io;
  const auto change = schedule_->failed(id, failure, now, e.what());
  if (!change) return std::nullopt;
  const auto what = failure == ReportSchedule::Failure::Refused
                        ? std::string("the UPS refuses it")
                        : fmt::format("{} I/O errors in a row", change->failures);
  return HealthNote{Level::Warning,
                    fmt::format("{}: {} ({}); left out of the poll, tried again in {}, "
                                "then less and less often",
                                reportText(id), what, change->why, span(change->retryIn))};
}

void ReaderHealth::retryAll(TimePoint now) {
  if (schedule_) schedule_->retryAll(now);
}

std::string ReaderHealth::answered() {
  std::vector<std::string> tried;
  for (const auto step : ladder_.answered())
    if (step != HealingLadder::Step::PowerCycle) tried.emplace_back(nameOf(step));
  return fmt::format("{}", fmt::join(tried, ", "));
}

std::optional<std::pair<HealingLadder::Step, HealthNote>>
ReaderHealth::ladderDue(TimePoint now, TimePoint lastAnswer, bool open,
                        std::string_view lastError) {
  const auto step = ladder_.due(now, lastAnswer, open);
  if (!step || *step == HealingLadder::Step::PowerCycle) return std::nullopt;
  const auto silent = seconds(now - lastAnswer);
  if (*step == HealingLadder::Step::Reopen)
    return std::pair{
        *step, HealthNote{Level::Warning, fmt::format("no answer from the UPS for {:g} s ({}): "
                                                      "reopening it (healing step 1 of 3)",
                                                      silent, lastError)}};
  return std::pair{
      *step, HealthNote{Level::Warning, fmt::format("still no answer from the UPS after {:g} s "
                                                    "({}): resetting its USB port (healing step "
                                                    "2 of 3)",
                                                    silent, lastError)}};
}

void ReaderHealth::resetFailed(std::string why) { ladder_.resetFailed(std::move(why)); }

std::string ReaderHealth::commLostReason(TimePoint now, TimePoint lastAnswer,
                                         std::string_view lastError) const {
  return ladder_.advice(now, lastAnswer, lastError);
}

ReaderHealth::TimePoint ReaderHealth::nextLadderStep(TimePoint lastAnswer) const noexcept {
  return ladder_.nextDue(lastAnswer);
}

std::optional<HealthNote>
ReaderHealth::checkResume(TimePoint now, std::optional<std::chrono::nanoseconds> suspended) {
  std::optional<HealthNote> out;
  if (suspended && suspended_ && *suspended - *suspended_ > kResumeGrowth)
    out = HealthNote{Level::Info,
                     fmt::format("the system resumed after {} suspended: reading every report "
                                 "again",
                                 span(*suspended - *suspended_))};
  else if (lastCheck_ && now - *lastCheck_ > kClockJump)
    out = HealthNote{Level::Info, fmt::format("the clock jumped {} (a resume, or this process "
                                              "was stopped): reading every report again",
                                              span(now - *lastCheck_))};
  if (suspended) suspended_ = suspended;
  lastCheck_ = now;
  if (out) retryAll(now);
  return out;
}

} // namespace hidupsd
