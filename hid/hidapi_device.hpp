// SPDX-License-Identifier: GPL-2.0-or-later
// HidapiDevice: the real Device, on hidapi-libusb, with libusb for what hidapi 0.13 lacks.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hid/device.hpp"
#include "hid/report_sizes.hpp"
#include "hid/usb_context.hpp"
#include "hid/usb_discovery.hpp"

struct hid_device_;

namespace hidupsd::hid {

/// hid_init() / hid_exit(): one, owned by main, outliving every HidapiDevice.
/// Not copyable or movable.
class HidapiInit {
public:
  /// Throws std::runtime_error when libusb cannot be initialised.
  HidapiInit();
  HidapiInit(const HidapiInit&) = delete;
  HidapiInit& operator=(const HidapiInit&) = delete;
  ~HidapiInit();
};

/// Every HID interface on the USB buses (hid_enumerate(0, 0)), in hidapi's
/// order. Strings are empty where the device could not be opened (no
/// permission). Empty when there is none or enumeration fails (hidapi does
/// not tell which). Thread rules: not concurrently with hid_open.
std::vector<HidDeviceEntry> enumerateHid(const HidapiInit& init);

/// An input report as hidapi read it, ID byte first: a device without
/// report IDs sends none, so 0 is prepended (the Device convention).
std::vector<std::uint8_t> inputReportWithId(std::span<const std::uint8_t> data, bool usesReportIds);

/// A USB HID UPS through hidapi-libusb (reports, interrupt IN) and a libusb
/// handle of its own on the same device (report descriptor, strings, and
/// "is it still there?").
///
/// Opening: the report descriptor is read first on the own handle (hidapi
/// 0.13 has no call for it), which needs the HID interface claimed; the
/// kernel's usbhid driver is detached for that if bound (and re-attached
/// when this closes), the interface released, then hidapi opens and claims
/// it. The descriptor is cached: it does not change while plugged.
///
/// Errors: hidapi-libusb 0.13 returns -1 without a cause (hid_error() is a
/// stub), so a failed call is classified by asking the device over the own
/// handle: gone → Disconnected; a report call that took its whole 1 s
/// control timeout → Timeout; a quick failure of a report call → NoSuchReport
/// (a STALL: the device refuses the ID); a failed interrupt read → Io.
///
/// Thread rules: as Device, one caller thread. The HidapiInit must outlive it.
class HidapiDevice final : public Device {
public:
  /// Opens `entry` (from enumerateHid). Throws UsbOpenError with a message
  /// a user can act on (gone, permission, held by a process or driver), and
  /// DeviceError when the descriptor cannot be read.
  HidapiDevice(const HidapiInit& init, const HidDeviceEntry& entry);
  HidapiDevice(const HidapiDevice&) = delete;
  HidapiDevice& operator=(const HidapiDevice&) = delete;
  ~HidapiDevice() override;

  const DeviceInfo& info() const noexcept override { return info_; }
  std::vector<std::uint8_t> reportDescriptor() override { return descriptor_; }
  std::vector<std::uint8_t> getFeatureReport(std::uint8_t id) override;
  void setFeatureReport(std::span<const std::uint8_t> report) override;
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout) override;
  std::string indexedString(std::uint8_t index) override;
  /// libusb_reset_device on the own handle; hidapi's is stale afterwards.
  void resetPort() override;

private:
  struct HidClose {
    void operator()(hid_device_* device) const noexcept;
  };

  void openUsb(const HidDeviceEntry& entry);
  void readDescriptor();
  void detachKernelDriver();
  void openHidapi(const HidDeviceEntry& entry);
  void learnLayout();
  [[noreturn]] void failCall(std::string_view call, std::chrono::steady_clock::time_point start);

  UsbContext context_;
  std::optional<UsbDeviceHandle> usb_;
  std::string node_; ///< /dev/bus/usb/BBB/DDD
  std::string what_; ///< "0463:ffff at 1-4.2", for messages
  DeviceInfo info_;
  std::uint8_t interface_ = 0;
  bool detachedKernelDriver_ = false;
  std::vector<std::uint8_t> descriptor_;
  ReportSizes sizes_;
  std::vector<std::uint8_t> inputBuffer_; ///< reused by readInput()
  std::unique_ptr<hid_device_, HidClose> hid_;
};

} // namespace hidupsd::hid
