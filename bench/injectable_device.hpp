// SPDX-License-Identifier: GPL-2.0-or-later
// InjectableDevice: a replayed UPS whose reports the benchmark changes at an instant it records.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "hid/device.hpp"
#include "hid/replay_device.hpp"

namespace hidupsd::bench {

using Report = std::vector<std::uint8_t>;

/// What the UPS says in one state: the input reports it sends when it enters
/// the state and the feature reports GET_REPORT answers from then on.
struct StateReports {
  std::vector<Report> inputs;
  std::map<std::uint8_t, Report> features;
};

/// A replay fixture (its descriptor, strings and initial reports, on a
/// manual clock that never moves) plus reports injected from another thread.
/// readInput() waits on a condition variable, so an injected input report is
/// returned as soon as the device thread can run, as hid_read_timeout()
/// returns when the interrupt transfer completes. Feature reports given to
/// inject() replace the fixture's until the next inject().
///
/// Thread rules: the Device methods on the device thread only (one caller);
/// inject() and wake() from any thread.
class InjectableDevice final : public hid::Device {
public:
  /// Throws hid::ReplayError (as ReplayDevice).
  explicit InjectableDevice(hid::ReplayScript script);

  const hid::DeviceInfo& info() const noexcept override { return inner_.info(); }
  std::vector<std::uint8_t> reportDescriptor() override { return inner_.reportDescriptor(); }
  std::vector<std::uint8_t> getFeatureReport(std::uint8_t id) override;
  void setFeatureReport(std::span<const std::uint8_t> report) override;
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout) override;
  std::string indexedString(std::uint8_t index) override { return inner_.indexedString(index); }
  void resetPort() override { inner_.resetPort(); }

  /// Switches to `state`: its feature reports answer from now on and, when
  /// `sendInputs`, its input reports are queued for readInput(). Returns the
  /// instant (steady_clock) the reports became visible to the device thread.
  std::chrono::steady_clock::time_point inject(const StateReports& state, bool sendInputs);
  /// Makes a waiting readInput() return nullopt at once (to stop the reader).
  void wake();

private:
  core::ManualClock clock_;
  hid::ReplayDevice inner_;
  bool initialDrained_ = false; // device thread only
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Report> queue_;                // guarded
  std::map<std::uint8_t, Report> features_; // guarded
  bool wake_ = false;                       // guarded
};

} // namespace hidupsd::bench
