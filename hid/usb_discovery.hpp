// SPDX-License-Identifier: GPL-2.0-or-later
// USB discovery: which HID devices are UPSes, which one the user means, and why one will not open.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hid/device.hpp"

namespace hidupsd::hid {

// Thread rules: every function here is pure (findHolders reads the file
// system only) and may be called from any thread. Throws as each says.

/// One HID interface as hid_enumerate() lists it.
struct HidDeviceEntry {
  DeviceInfo info;        ///< ids, strings (empty when unreadable), path = bus path "1-4.2"
  std::string hidapiPath; ///< hidapi-libusb's path "1-4.2:1.0" (bus path:config.interface)
  int interfaceNumber = -1;
  std::uint16_t usagePage =
      0; ///< top-level collection's page; 0 = unknown (hidapi-libusb leaves it 0)
  std::uint16_t usage = 0;
};

/// A maker of USB HID UPSes.
struct UpsVendor {
  std::uint16_t id;
  std::string_view name;
};

/// The vendor table, sorted by id.
std::span<const UpsVendor> upsVendors() noexcept;
/// The table entry for `vendorId`, or nullptr.
const UpsVendor* upsVendor(std::uint16_t vendorId) noexcept;
/// A top-level usage page of a UPS: Power Device (0x84) or Battery System (0x85).
bool isUpsUsagePage(std::uint16_t page) noexcept;
/// A UPS usage page, or (page unknown) a vendor of the table.
bool looksLikeUps(const HidDeviceEntry& entry) noexcept;
/// The entries that look like UPSes, in order.
std::vector<HidDeviceEntry> upsesAmong(const std::vector<HidDeviceEntry>& all);

/// Which device the user means.
struct DeviceMatch {
  std::uint16_t vendorId = 0x0463; ///< Eaton / MGE
  std::uint16_t productId = 0xffff;
  std::string serial;  ///< empty: any
  std::string busPath; ///< empty: any
};
bool matches(const DeviceMatch& match, const HidDeviceEntry& entry) noexcept;
/// "VID:PID[:SERIAL]", ids in hex ("0463:ffff", "463:FFFF:G355K"). Throws
/// std::invalid_argument naming what is wrong.
DeviceMatch parseDeviceMatch(std::string_view spec);
/// "0463:ffff", then " serial X" / " at 1-4.2" when set.
std::string describe(const DeviceMatch& match);
/// One line: "0463:ffff at 1-4.2: EATON, Ellipse PRO, serial G355… (Eaton/MGE)".
std::string describe(const HidDeviceEntry& entry);

/// A device could not be found or opened; what() is a message a new user can act on.
class UsbOpenError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The device to open: with `wanted`, the first entry of `all` it matches;
/// without, the first UPS that matches the default 0463:ffff, else the
/// first UPS. Throws UsbOpenError (noDeviceMessage) when there is none.
const HidDeviceEntry& chooseDevice(const std::vector<HidDeviceEntry>& all,
                                   const std::optional<DeviceMatch>& wanted);
/// What was searched for, what was found, and what to check (lsusb, the udev rule).
std::string noDeviceMessage(const std::optional<DeviceMatch>& wanted,
                            const std::vector<HidDeviceEntry>& all);

/// "1-4.2" from bus 1 and ports {4, 2}.
std::string formatBusPath(std::uint8_t bus, std::span<const std::uint8_t> ports);
/// The bus path part of a hidapi-libusb path ("1-4.2:1.0" → "1-4.2").
std::string busPathOf(std::string_view hidapiPath);
/// "/dev/bus/usb/001/005".
std::string usbNodePath(std::uint8_t bus, std::uint8_t address);

/// A process with a file descriptor open on a node.
struct Holder {
  int pid = 0;
  std::string name; ///< /proc/PID/comm, "?" when unreadable
  bool operator==(const Holder&) const = default;
};
/// The processes under `procRoot` (normally "/proc") with an fd linking to
/// `node`, by pid, except `excludePid` (ourselves). Entries that cannot be
/// read (other users' fds without root, processes that exit meanwhile) are
/// skipped. noexcept in effect: file system errors are not thrown.
std::vector<Holder> findHolders(const std::filesystem::path& procRoot, const std::string& node,
                                int excludePid);

/// Permission denied on `node` for device `what`: the udev rule, or root.
std::string permissionMessage(const std::string& node, std::string_view what);
/// `node` is claimed by someone else: who (NUT's usbhid-ups → how to stop it).
std::string busyMessage(const std::string& node, std::string_view what,
                        const std::vector<Holder>& holders);
/// The kernel driver holds the interface and would not let go.
std::string kernelDriverMessage(std::string_view what, int interface, std::string_view why);

} // namespace hidupsd::hid
