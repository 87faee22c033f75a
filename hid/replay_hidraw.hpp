// SPDX-License-Identifier: GPL-2.0-or-later
// ReplayHidraw: the hidraw calls played from a replay device, for the hidraw backend without a
// kernel.
#pragma once

#include <memory>

#include "hid/device.hpp"
#include "hid/hidraw_io.hpp"
#include "hid/usb_control.hpp"

namespace hidupsd::hid {

/// A HidrawIo whose kernel is a Device (normally a ReplayDevice): what a
/// hidraw node of that device would do, errors included, so that the
/// hidraw backend's own code (HidrawDevice: report sizing, the ID byte of
/// input reports, errno classification) runs on any replay file. The
/// device's DeviceError kinds come back as the errno usbhid gives:
/// Disconnected → ENODEV, Timeout → ETIMEDOUT, NoSuchReport → EPIPE,
/// Io → EIO. Input reports lose their ID byte when the descriptor declares
/// no report IDs, as hidraw's read() gives them.
///
/// Thread rules: those of the device.
class ReplayHidraw final : public HidrawIo {
public:
  /// Reads the device's descriptor once (report IDs or not).
  explicit ReplayHidraw(std::shared_ptr<Device> device);

  HidrawInfo info() override;
  std::vector<std::uint8_t> reportDescriptor() override;
  std::vector<std::uint8_t> getFeature(std::uint8_t id, std::size_t length) override;
  void setFeature(std::span<const std::uint8_t> report) override;
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout,
                                                     std::size_t maxLength) override;

private:
  template <typename F> auto call(const char* what, F&& f) -> decltype(f());

  std::shared_ptr<Device> device_;
  bool usesReportIds_ = true;
};

/// The libusb side of the hidraw backend (strings, port reset), played by
/// the same device: indexedString() and resetPort(); no other requests.
class ReplayUsbSide final : public UsbControl {
public:
  explicit ReplayUsbSide(std::shared_ptr<Device> device) : device_(std::move(device)) {}
  /// Throws std::system_error NotSupported: the backend only asks strings.
  std::vector<std::uint8_t> controlIn(const ControlSetup& setup,
                                      std::chrono::milliseconds timeout) override;
  /// Pipe (a STALL) for an index the device has no string at.
  std::string stringDescriptor(std::uint8_t index) override;
  HidInterface hidInterface() override { return {}; }
  void resetDevice() override;

private:
  std::shared_ptr<Device> device_;
};

/// The errno a hidraw node gives for a DeviceError kind.
int errnoOf(DeviceError::Kind kind) noexcept;

} // namespace hidupsd::hid
