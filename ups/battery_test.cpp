// SPDX-License-Identifier: GPL-2.0-or-later
// TestWatch: whether a battery test runs.
#include "ups/battery_test.hpp"

#include <fmt/format.h>

namespace hidupsd {

bool isFinalTestResult(const std::string& r) noexcept {
  return r == "Done and passed" || r == "Done and warning" || r == "Done and error" ||
         r == "Aborted";
}

bool isFailedTestResult(const std::string& r) noexcept {
  return r == "Done and warning" || r == "Done and error";
}

bool testRunning(const core::Snapshot& s) {
  return s.get("ups.test.result") == "In progress" || s.hasStatus("CAL");
}

bool mainsAbsent(const core::Snapshot& s) {
  const auto v = s.number("input.voltage");
  if (!v) return false;
  if (const auto low = s.number("input.transfer.low")) return *v < *low;
  if (const auto nominal = s.number("input.voltage.nominal")) return *v < *nominal / 2;
  return *v < 50;
}

std::optional<core::TestInfo> TestWatch::request(TimePoint now, std::string kind, std::string who) {
  if (active_) return std::nullopt;
  active_ = Active{core::TestInfo{std::move(kind), std::move(who), "", false}, now, false, true};
  return active_->info;
}

std::optional<core::TestInfo> TestWatch::cancel(std::string why) {
  if (!active_) return std::nullopt;
  return finish(std::move(why));
}

TestWatch::Change TestWatch::onSnapshot(const core::Snapshot& s, TimePoint now) {
  Change change;
  const bool running = testRunning(s);
  lastResult_ = s.get("ups.test.result").value_or("");
  if (!active_) {
    if (!running) return change;
    const std::string kind = s.hasStatus("CAL") ? "deep" : "unknown";
    active_ = Active{core::TestInfo{kind, "ups", "", false}, now, true, false};
    change.started = active_->info;
    return change;
  }
  if (running) {
    active_->seenRunning = true;
  } else if (active_->seenRunning) {
    change.finished = finish(isFinalTestResult(lastResult_)
                                 ? lastResult_
                                 : fmt::format("no result (ups.test.result: \"{}\")", lastResult_));
  }
  return change;
}

std::optional<core::TestInfo> TestWatch::tick(TimePoint now) {
  const auto due = deadline();
  if (!due || now < *due) return std::nullopt;
  if (now >= active_->started + limits_.holdLimit)
    return finish(
        fmt::format("no result after {} s: no longer held as a test", limits_.holdLimit.count()));
  return finish(isFinalTestResult(lastResult_)
                    ? lastResult_
                    : fmt::format("no result: the UPS never showed the test running within {} s",
                                  limits_.startGrace.count()));
}

std::optional<TestWatch::TimePoint> TestWatch::deadline() const noexcept {
  if (!active_) return std::nullopt;
  const auto limit = active_->started + limits_.holdLimit;
  if (active_->requested && !active_->seenRunning)
    return std::min(limit, active_->started + limits_.startGrace);
  return limit;
}

std::optional<TestWatch::TimePoint> TestWatch::startedAt() const noexcept {
  if (!active_) return std::nullopt;
  return active_->started;
}

core::TestInfo TestWatch::finish(std::string result) {
  core::TestInfo info = active_->info;
  info.failed = isFailedTestResult(result);
  info.result = std::move(result);
  active_.reset();
  return info;
}

} // namespace hidupsd
