// SPDX-License-Identifier: GPL-2.0-or-later
// SharedDevice: a handle on a device that outlives each "open", as a replayed UPS must.
#pragma once

#include <memory>

#include "hid/device.hpp"

namespace hidupsd::hid {

/// Forwards every call to a shared device. Reopening a replayed UPS must see
/// the same device and timeline (as reopening a real one does), not start
/// the replay again: the opener hands out a new SharedDevice on each open.
/// Thread rules: those of the device it forwards to.
class SharedDevice final : public Device {
public:
  explicit SharedDevice(std::shared_ptr<Device> device) : device_(std::move(device)) {}

  const DeviceInfo& info() const noexcept override { return device_->info(); }
  std::vector<std::uint8_t> reportDescriptor() override { return device_->reportDescriptor(); }
  std::vector<std::uint8_t> getFeatureReport(std::uint8_t id) override {
    return device_->getFeatureReport(id);
  }
  void setFeatureReport(std::span<const std::uint8_t> report) override {
    device_->setFeatureReport(report);
  }
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout) override {
    return device_->readInput(timeout);
  }
  std::string indexedString(std::uint8_t index) override { return device_->indexedString(index); }
  void resetPort() override { device_->resetPort(); }

private:
  std::shared_ptr<Device> device_;
};

} // namespace hidupsd::hid
