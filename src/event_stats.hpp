// SPDX-License-Identifier: GPL-2.0-or-later
// EventStats: how many of each event, and when the last one was: for the metrics endpoint.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "ups/engine.hpp"

namespace hidupsd {

/// Counts events as they are routed. Thread rules: onEvent on the device
/// thread, counts() from any thread.
class EventStats final : public EventSink {
public:
  struct Entry {
    std::uint64_t count = 0;
    std::chrono::system_clock::time_point last{};
  };

  void onEvent(const core::Event& event) noexcept override {
    const std::lock_guard lock(mutex_);
    auto& e = entries_[std::string(core::eventName(event.kind))];
    ++e.count;
    e.last = std::chrono::system_clock::now();
  }
  std::map<std::string, Entry, std::less<>> counts() const {
    const std::lock_guard lock(mutex_);
    return entries_;
  }

private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

} // namespace hidupsd
