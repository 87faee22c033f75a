// SPDX-License-Identifier: GPL-2.0-or-later
// UsbUpsOpener: finds the UPS on USB and opens it through hidraw or libusb ([device] backend).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hid/device.hpp"
#include "hid/hidraw_sysfs.hpp"
#include "hid/usb_discovery.hpp"

namespace hidupsd::hid {

/// `[device] backend`.
enum class Backend : std::uint8_t {
  Auto,   ///< hidraw when the UPS has a hidraw node and nothing speaks against it, else libusb
  Hidraw, ///< the kernel's usbhid driver stays bound; /dev/hidrawN
  Libusb, ///< hidapi-libusb: usbhid is detached while hidupsd holds the device
};

const char* nameOf(Backend b) noexcept; // "auto", "hidraw", "libusb"
/// "auto" / "hidraw" / "libusb"; nullopt otherwise.
std::optional<Backend> parseBackend(std::string_view text) noexcept;

/// The backend for a UPS found as `hidraw` (nullptr: it has no hidraw node),
/// and why, for the log. Hidraw asked for and no node: Hidraw (the open
/// fails and says so). Auto: Libusb when the UPS has no node, or when the
/// kernel's descriptor is not the one to decode (Eaton bcdDevice 0x0202
/// gives a light descriptor at index 0, which usbhid read; the full one at
/// index 1 needs a claimed interface). Pure.
struct BackendChoice {
  Backend backend;
  std::string why;
};
BackendChoice pickBackend(Backend requested, const HidrawEntry* hidraw);

/// Opens the UPS matching `match` (nullopt: the first UPS, 0463:ffff
/// first) on every call, enumerating afresh (an unplugged UPS comes back
/// elsewhere). hidapi is started only when libusb is used, once, and
/// outlives every device opened through it. Thread rules: open() may be
/// called from any thread, one call at a time per opener (it locks).
class UsbUpsOpener {
public:
  UsbUpsOpener(Backend backend, std::optional<DeviceMatch> match,
               std::filesystem::path sysRoot = "/sys", std::filesystem::path devRoot = "/dev");
  UsbUpsOpener(const UsbUpsOpener&) = delete;
  UsbUpsOpener& operator=(const UsbUpsOpener&) = delete;
  ~UsbUpsOpener();

  /// Throws UsbOpenError (no such UPS, permission, held by another
  /// program) with a message a user can act on; std::runtime_error when
  /// hidapi cannot start.
  std::unique_ptr<Device> open();
  /// The backend of the last successful open and why ("" before one).
  const BackendChoice& lastChoice() const noexcept { return last_; }

private:
  struct Hidapi;
  std::unique_ptr<Device> openLibusb();
  std::shared_ptr<Hidapi> hidapi();

  Backend backend_;
  std::optional<DeviceMatch> match_;
  std::filesystem::path sysRoot_;
  std::filesystem::path devRoot_;
  std::mutex mutex_;
  std::shared_ptr<Hidapi> hidapi_;
  BackendChoice last_{Backend::Auto, ""};
};

/// A USB port reset (libusb_reset_device) of the device at bus path
/// `busPath` ("1-4.2"), without claiming anything: for a UPS whose firmware
/// hangs so that it cannot even be opened. Throws DeviceError: Disconnected
/// when nothing is at that path, Io when it cannot be opened or reset.
void resetUsbDevice(const std::string& busPath);

} // namespace hidupsd::hid
