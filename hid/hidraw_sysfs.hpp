// SPDX-License-Identifier: GPL-2.0-or-later
// Hidraw discovery: the hidraw nodes of USB HID interfaces, as sysfs describes them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hid/usb_discovery.hpp"

namespace hidupsd::hid {

/// One hidraw node of a USB HID interface.
struct HidrawEntry {
  /// ids, bcdDevice and strings from the USB device's sysfs attributes
  /// (empty where the device has no such string), info.path = bus path
  /// ("1-4.2"), interfaceNumber, and usagePage/usage of the descriptor's
  /// first application collection (0 when it cannot be parsed).
  HidDeviceEntry hid;
  std::string name;              ///< "hidraw3"
  std::string node;              ///< "/dev/hidraw3"
  std::filesystem::path hidDir;  ///< the HID device's sysfs directory (report_descriptor)
  std::uint8_t busNumber = 0;    ///< busnum, for /dev/bus/usb/BBB/DDD
  std::uint8_t deviceNumber = 0; ///< devnum
};

/// Every hidraw node on the USB bus under `sysRoot` (normally "/sys":
/// class/hidraw/hidrawN/device → the HID device, whose parent is the USB
/// interface and grandparent the USB device), nodes named `devRoot`/hidrawN,
/// sorted by N. Nodes of other buses (Bluetooth, I2C) and entries that
/// cannot be read (unplugged meanwhile) are skipped. Reads files only:
/// noexcept in effect (file system errors are not thrown).
std::vector<HidrawEntry> enumerateHidraw(const std::filesystem::path& sysRoot = "/sys",
                                         const std::filesystem::path& devRoot = "/dev");

/// The HID_ID line of a HID device's uevent ("HID_ID=0003:00000463:0000FFFF"):
/// bus type, vendor and product; nullopt when absent or malformed.
struct HidId {
  std::uint16_t bus = 0;
  std::uint16_t vendorId = 0;
  std::uint16_t productId = 0;
};
std::optional<HidId> parseHidId(std::string_view uevent) noexcept;

/// The HID entries of `entries`, in order (for chooseDevice()).
std::vector<HidDeviceEntry> hidEntriesOf(const std::vector<HidrawEntry>& entries);

} // namespace hidupsd::hid
