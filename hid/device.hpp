// SPDX-License-Identifier: GPL-2.0-or-later
// Device: the one interface to a HID UPS, real (hidapi) or replayed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hidupsd::hid {

/// What identifies a device on the bus.
struct DeviceInfo {
  std::uint16_t vendorId = 0;
  std::uint16_t productId = 0;
  std::uint16_t releaseNumber = 0; ///< bcdDevice
  std::string manufacturer;        ///< iManufacturer string
  std::string product;             ///< iProduct string
  std::string serial;              ///< iSerialNumber string
  std::string path;                ///< bus path ("1-4"), or the replay file name
};

/// A failed call on a device. Expected outcomes (a read that times out with
/// no report) are not errors; these are.
class DeviceError : public std::runtime_error {
public:
  enum class Kind : std::uint8_t {
    Disconnected, ///< the device is gone (unplugged); reopen to continue
    Io,           ///< a transfer failed; the next call may succeed
    Timeout,      ///< the device did not answer within the call's timeout
    NoSuchReport, ///< the device refused this report ID
  };
  DeviceError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

private:
  Kind kind_;
};

const char* nameOf(DeviceError::Kind kind) noexcept;

/// An open HID UPS. Reports are byte vectors whose first byte is the report
/// ID (0 where the descriptor declares none), on input and output alike.
///
/// Thread rules: one thread (the device thread) calls everything; a Device
/// is not shared. Every method may throw DeviceError; none blocks longer
/// than its timeout (callTimeout() for the methods without one).
class Device {
public:
  virtual ~Device() = default;

  virtual const DeviceInfo& info() const noexcept = 0;
  /// The full HID report descriptor.
  virtual std::vector<std::uint8_t> reportDescriptor() = 0;
  /// GET_REPORT(Feature, id): the report, ID byte first.
  virtual std::vector<std::uint8_t> getFeatureReport(std::uint8_t id) = 0;
  /// SET_REPORT(Feature): `report` starts with its ID byte.
  virtual void setFeatureReport(std::span<const std::uint8_t> report) = 0;
  /// The next interrupt-IN report, or nullopt if none came within `timeout`.
  virtual std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout) = 0;
  /// USB string descriptor `index` (iName-type fields point to these);
  /// empty if the device has none at that index.
  virtual std::string indexedString(std::uint8_t index) = 0;
  /// A USB port reset of the device (the healing ladder's second step, for
  /// a device that stopped answering): it re-enumerates, so this Device is
  /// done with afterwards and the caller reopens. Throws DeviceError (Io
  /// when the backend cannot reset, Disconnected when the device is gone).
  virtual void resetPort() = 0;
};

} // namespace hidupsd::hid
