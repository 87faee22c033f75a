// SPDX-License-Identifier: GPL-2.0-or-later
// Fakes for the hidraw backend's seams: the hidraw calls, the libusb side, a sysfs tree.
#pragma once

#include <cerrno>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "hid/hidraw_io.hpp"
#include "hid/hidraw_sysfs.hpp"
#include "hid/replay_file.hpp"
#include "hid/usb_control.hpp"

namespace hidupsd::test {

using Bytes = std::vector<std::uint8_t>;

/// The kernel side of a hidraw node, from a replay script: feature reports by
/// ID (the kernel hands back at most the buffer's length), queued input
/// reports (without the ID byte when the script's device numbers none), and
/// an errno to fail the next calls with. Records the lengths asked for.
class FakeHidraw final : public hid::HidrawIo {
public:
  explicit FakeHidraw(const hid::ReplayScript& script, bool usesReportIds = true);

  hid::HidrawInfo info() override;
  Bytes reportDescriptor() override;
  Bytes getFeature(std::uint8_t id, std::size_t length) override;
  void setFeature(std::span<const std::uint8_t> report) override;
  std::optional<Bytes> readInput(std::chrono::milliseconds timeout, std::size_t maxLength) override;

  Bytes descriptor;
  std::map<std::uint8_t, Bytes> features;
  std::deque<Bytes> inputs;
  std::vector<Bytes> written;
  std::vector<std::size_t> lengthsAsked;
  std::optional<int> error; ///< errno for every call while set
  std::uint16_t vendorId = 0;
  std::uint16_t productId = 0;

private:
  void check(const char* what) const;
};

/// The libusb side: strings by index, resets counted, errors on demand.
class FakeUsbSide final : public hid::UsbControl {
public:
  Bytes controlIn(const hid::ControlSetup& setup, std::chrono::milliseconds timeout) override;
  std::string stringDescriptor(std::uint8_t index) override;
  hid::HidInterface hidInterface() override;
  void resetDevice() override;

  std::map<std::uint8_t, std::string> strings;
  std::optional<hid::UsbErrc> resetError;
  int resets = 0;
};

/// A sysfs tree in a temporary directory: add USB HID devices, then
/// enumerateHidraw(root()).
class FakeSysfs {
public:
  FakeSysfs();
  FakeSysfs(const FakeSysfs&) = delete;
  FakeSysfs& operator=(const FakeSysfs&) = delete;
  ~FakeSysfs();

  struct UsbHid {
    std::string busPath = "1-4"; ///< the USB device directory's name
    std::uint16_t vendorId = 0x0463;
    std::uint16_t productId = 0xffff;
    std::uint16_t bcdDevice = 0x0100;
    std::string manufacturer = "EATON";
    std::string product = "Ellipse PRO";
    std::string serial = "G355K";
    int busnum = 1;
    int devnum = 5;
    int interface = 0;
    std::uint16_t hidBus = 0x0003; ///< the uevent's bus type
    Bytes descriptor;
  };
  /// hidrawN → a HID device under a USB interface under a USB device.
  void add(int n, const UsbHid& device);
  /// A class/hidraw entry whose device link leads nowhere (unplugged meanwhile).
  void addDangling(int n);

  const std::filesystem::path& root() const noexcept { return root_; }

private:
  std::filesystem::path root_;
};

/// A sysfs attribute file.
void writeText(const std::filesystem::path& file, std::string_view text);

} // namespace hidupsd::test
