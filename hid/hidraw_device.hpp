// SPDX-License-Identifier: GPL-2.0-or-later
// HidrawDevice: a USB HID UPS through the kernel's hidraw node, usbhid left bound.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "hid/device.hpp"
#include "hid/hidraw_io.hpp"
#include "hid/hidraw_sysfs.hpp"
#include "hid/report_sizes.hpp"
#include "hid/usb_control.hpp"

namespace hidupsd::hid {

/// A UPS read through /dev/hidrawN: no interface is claimed and no kernel
/// driver detached, so nothing is left unbound when hidupsd stops and no
/// other program (or kernel update) can take the device from under it.
///
/// - Report descriptor: HIDIOCGRDESC (what usbhid read at index 0).
/// - Feature reports: HIDIOCGFEATURE / HIDIOCSFEATURE, sized from the
///   descriptor; input reports: read() on the node, ID byte prepended (0)
///   for a device without report IDs, as the Device convention wants.
/// - Strings (iProduct, iName fields): GET_DESCRIPTOR(String) over an
///   optional libusb handle on the same device, opened without claiming
///   anything (a device request needs no claimed interface). Without one
///   (no permission on /dev/bus/usb), indexedString() gives "" and info()
///   keeps the strings sysfs gave.
/// - resetPort(): libusb_reset_device on that handle (Io without one).
/// - Errors: errno → DeviceError by kindOfErrno().
///
/// Thread rules: as Device, one caller thread.
class HidrawDevice final : public Device {
public:
  /// Reads the descriptor through `io` once. `usb` may be null. Throws
  /// DeviceError when the descriptor cannot be read.
  HidrawDevice(const HidrawEntry& entry, std::unique_ptr<HidrawIo> io,
               std::unique_ptr<UsbControl> usb);

  const DeviceInfo& info() const noexcept override { return info_; }
  std::vector<std::uint8_t> reportDescriptor() override { return descriptor_; }
  std::vector<std::uint8_t> getFeatureReport(std::uint8_t id) override;
  void setFeatureReport(std::span<const std::uint8_t> report) override;
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout) override;
  std::string indexedString(std::uint8_t index) override;
  void resetPort() override;

  /// True when strings and resets have a libusb handle.
  bool hasUsbHandle() const noexcept { return usb_ != nullptr; }

private:
  [[noreturn]] void fail(const std::system_error& e, std::string_view call) const;

  DeviceInfo info_;
  std::string what_; ///< "0463:ffff at 1-4 (/dev/hidraw0)", for messages
  std::unique_ptr<HidrawIo> io_;
  std::unique_ptr<UsbControl> usb_;
  std::vector<std::uint8_t> descriptor_;
  ReportSizes sizes_;
};

/// Opens the hidraw node of `entry` and, best effort, a libusb handle on its
/// USB device for strings and resets. Throws UsbOpenError with a message a
/// user can act on (the node's permission and the udev rule, or gone).
std::unique_ptr<Device> openHidraw(const HidrawEntry& entry);

} // namespace hidupsd::hid
