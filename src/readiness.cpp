// SPDX-License-Identifier: GPL-2.0-or-later
// Readiness and its checker thread.
#include "src/readiness.hpp"

namespace hidupsd {

Readiness::Change Readiness::update(PreflightReport report) {
  std::lock_guard lock(mutex_);
  const bool ready = report.ready();
  Change change = Change::None;
  if (!report_)
    change = ready ? Change::Different : Change::TurnedBad;
  else if (report_->ready() != ready)
    change = ready ? Change::TurnedGood : Change::TurnedBad;
  else if (!(*report_ == report))
    change = Change::Different;
  report_ = std::move(report);
  checkedAt_ = std::chrono::system_clock::now();
  return change;
}

std::optional<bool> Readiness::ready() const {
  std::lock_guard lock(mutex_);
  if (!report_) return std::nullopt;
  return report_->ready();
}

std::optional<PreflightReport> Readiness::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

std::optional<std::chrono::system_clock::time_point> Readiness::checkedAt() const {
  std::lock_guard lock(mutex_);
  return checkedAt_;
}

ReadinessChecker::ReadinessChecker(Readiness& state, Config config, Check check,
                                   std::chrono::seconds interval, OnChange onChange)
    : state_(state), check_(std::move(check)), interval_(interval), onChange_(std::move(onChange)),
      config_(std::move(config)) {
  thread_ = std::thread([this] { run(); });
}

ReadinessChecker::~ReadinessChecker() { stop(); }

void ReadinessChecker::recheck(Config config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  due_ = true;
  wake_.notify_all();
}

void ReadinessChecker::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void ReadinessChecker::run() noexcept {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    const Config config = config_;
    lock.unlock();
    try {
      auto report = check_(config);
      const auto change = state_.update(report);
      if (change != Readiness::Change::None && onChange_) onChange_(change, report);
    } catch (...) {
      // Out of memory: the next round tries again.
    }
    lock.lock();
  }
}

} // namespace hidupsd
