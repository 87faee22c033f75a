// SPDX-License-Identifier: GPL-2.0-or-later
// HidrawIo: the calls hidupsd makes on a hidraw node (Linux hidraw(4)), behind an interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

#include "hid/device.hpp"

namespace hidupsd::hid {

/// HIDIOCGRAWINFO: what the kernel says the node is.
struct HidrawInfo {
  std::uint32_t busType = 0; ///< BUS_USB = 3
  std::uint16_t vendorId = 0;
  std::uint16_t productId = 0;
};

/// One open hidraw node: the kernel's usbhid driver stays bound and does the
/// USB transfers; these are its character-device calls. The real one is
/// HidrawNode (hidraw_node.hpp); tests use a fake.
///
/// Every method throws std::system_error in std::generic_category() with the
/// errno of the failed call (kindOfErrno() classifies it). None blocks longer
/// than its timeout, or than usbhid's own control timeout (5 s) for the
/// feature calls. Thread rules: one caller thread.
class HidrawIo {
public:
  virtual ~HidrawIo() = default;
  /// HIDIOCGRAWINFO.
  virtual HidrawInfo info() = 0;
  /// HIDIOCGRDESCSIZE + HIDIOCGRDESC: the descriptor usbhid read (and may
  /// have fixed up: see the kernel's hid-quirks).
  virtual std::vector<std::uint8_t> reportDescriptor() = 0;
  /// HIDIOCGFEATURE with a `length`-byte buffer whose first byte is `id`:
  /// the report as answered, ID byte first (0 for a device without IDs).
  virtual std::vector<std::uint8_t> getFeature(std::uint8_t id, std::size_t length) = 0;
  /// HIDIOCSFEATURE: `report` starts with its ID byte (0 without IDs).
  virtual void setFeature(std::span<const std::uint8_t> report) = 0;
  /// poll() up to `timeout`, then one read() of at most `maxLength` bytes:
  /// an input report as the kernel queued it (ID byte first only when the
  /// device numbers its reports); nullopt when none came in time.
  virtual std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout,
                                                             std::size_t maxLength) = 0;
};

/// The DeviceError kind for an errno from hidraw or usbfs: ENODEV, ENXIO,
/// ESHUTDOWN → Disconnected (unplugged: reopen); ETIMEDOUT → Timeout; EPIPE
/// (a STALL: the device refuses the report), EINVAL → NoSuchReport; anything
/// else (EIO, EPROTO, EOVERFLOW, ...) → Io.
DeviceError::Kind kindOfErrno(int error) noexcept;

/// `context: strerror` as a DeviceError of kindOfErrno(e.code().value()).
DeviceError deviceErrorFromErrno(const std::system_error& e, std::string_view context);

} // namespace hidupsd::hid
