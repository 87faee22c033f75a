// SPDX-License-Identifier: GPL-2.0-or-later
// InjectableDevice: the fixture's replayed device, plus a queue the benchmark fills.
#include "bench/injectable_device.hpp"

namespace hidupsd::bench {

InjectableDevice::InjectableDevice(hid::ReplayScript script) : inner_(std::move(script), clock_) {}

std::vector<std::uint8_t> InjectableDevice::getFeatureReport(std::uint8_t id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = features_.find(id); it != features_.end()) return it->second;
  }
  return inner_.getFeatureReport(id);
}

void InjectableDevice::setFeatureReport(std::span<const std::uint8_t> report) {
  inner_.setFeatureReport(report);
  std::lock_guard lock(mutex_);
  if (!report.empty()) features_.erase(report.front());
}

std::optional<std::vector<std::uint8_t>>
InjectableDevice::readInput(std::chrono::milliseconds timeout) {
  // The fixture's initial input reports first (sent at t = 0 as by ReplayDevice).
  if (!initialDrained_) {
    if (auto report = inner_.readInput(std::chrono::milliseconds(0))) return report;
    initialDrained_ = true;
  }
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return !queue_.empty() || wake_; });
  wake_ = false;
  if (queue_.empty()) return std::nullopt;
  Report report = std::move(queue_.front());
  queue_.pop_front();
  return report;
}

std::chrono::steady_clock::time_point InjectableDevice::inject(const StateReports& state,
                                                               bool sendInputs) {
  std::chrono::steady_clock::time_point at;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, bytes] : state.features)
      features_[id] = bytes;
    if (sendInputs) queue_.insert(queue_.end(), state.inputs.begin(), state.inputs.end());
    at = std::chrono::steady_clock::now();
  }
  changed_.notify_all();
  return at;
}

void InjectableDevice::wake() {
  {
    std::lock_guard lock(mutex_);
    wake_ = true;
  }
  changed_.notify_all();
}

} // namespace hidupsd::bench
