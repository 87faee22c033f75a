// SPDX-License-Identifier: GPL-2.0-or-later
// UsbControl: the few raw USB requests hidapi 0.13 lacks, and the pure logic on top of them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "hid/device.hpp"

namespace hidupsd::hid {

/// libusb's error codes (libusb.h `enum libusb_error`), mirrored so the pure
/// code and the tests need no libusb header; usb_context.cpp asserts they match.
enum class UsbErrc : int {
  Io = -1,
  InvalidParam = -2,
  Access = -3,
  NoDevice = -4,
  NotFound = -5,
  Busy = -6,
  Timeout = -7,
  Overflow = -8,
  Pipe = -9,
  Interrupted = -10,
  NoMem = -11,
  NotSupported = -12,
  Other = -99,
};

/// The category of std::system_error thrown for a failed libusb call.
const std::error_category& usbCategory() noexcept;
std::error_code make_error_code(UsbErrc e) noexcept;

/// A USB control request's setup packet (USB 2.0 §9.3).
struct ControlSetup {
  std::uint8_t requestType = 0; ///< bmRequestType
  std::uint8_t request = 0;     ///< bRequest
  std::uint16_t value = 0;      ///< wValue
  std::uint16_t index = 0;      ///< wIndex
  std::uint16_t length = 0;     ///< wLength
  bool operator==(const ControlSetup&) const = default;
};

/// The HID interface of the active configuration.
struct HidInterface {
  std::uint8_t number = 0;         ///< bInterfaceNumber
  std::vector<std::uint8_t> extra; ///< class-specific descriptors after it (the HID descriptor)
};

/// Raw requests on one open USB device (a libusb handle, or a fake).
/// Thread rules: one caller thread. Every method throws std::system_error in
/// usbCategory() on failure; none blocks longer than its timeout.
class UsbControl {
public:
  virtual ~UsbControl() = default;
  /// A device-to-host control transfer: at most setup.length bytes.
  virtual std::vector<std::uint8_t> controlIn(const ControlSetup& setup,
                                              std::chrono::milliseconds timeout) = 0;
  /// String descriptor `index` in the first language, as ASCII (others → '?').
  virtual std::string stringDescriptor(std::uint8_t index) = 0;
  /// The first HID-class interface (NotFound when there is none).
  virtual HidInterface hidInterface() = 0;
  /// A USB port reset (USBDEVFS_RESET through libusb_reset_device): the hub
  /// re-enumerates the device; bound kernel drivers (usbhid) are re-bound.
  /// NotFound when the device came back as another one: reopen it.
  virtual void resetDevice() = 0;
};

// The functions below are pure over a UsbControl: they run on the caller's
// thread and do only the requests they name.

/// Every control transfer is bounded by this.
inline constexpr std::chrono::milliseconds kControlTimeout{1000};
/// The read size when the descriptor's length is unknown (hidapi's maximum).
inline constexpr std::uint16_t kMaxReportDescriptor = 4096;

/// A malformed HID class descriptor; offset() is the byte in the parsed span.
class UsbDescriptorError : public std::runtime_error {
public:
  UsbDescriptorError(std::size_t offset, const std::string& reason);
  std::size_t offset() const noexcept { return offset_; }
  const std::string& reason() const noexcept { return reason_; }

private:
  std::size_t offset_;
  std::string reason_;
};

/// wDescriptorLength of the Report entry of one HID descriptor (HID 1.11
/// §6.2.1), `bytes` starting at its bLength. Throws UsbDescriptorError.
std::uint16_t reportLengthOfHidDescriptor(std::span<const std::uint8_t> bytes);

/// The same, for the first HID descriptor among an interface's extra bytes
/// (a chain of bLength/bDescriptorType descriptors). Throws UsbDescriptorError.
std::uint16_t reportLengthFromExtra(std::span<const std::uint8_t> extra);

/// The report descriptor index to ask for: 1 on Eaton units with bcdDevice
/// 0x0202 (index 0 is a light descriptor there; NUT drivers/libusb1.c), else 0.
std::uint8_t reportDescriptorIndex(std::uint16_t vendorId, std::uint16_t bcdDevice) noexcept;

/// GET_DESCRIPTOR(Report) on the HID interface, sized from the HID
/// descriptor (as NUT does: the interface's extra bytes first, then a direct
/// GET_DESCRIPTOR(HID); on the Eaton quirk the direct one at index 1 first).
/// A short answer is returned as received. Throws DeviceError (a refusal is Io).
std::vector<std::uint8_t> fetchReportDescriptor(UsbControl& usb, std::uint16_t vendorId,
                                                std::uint16_t bcdDevice);

/// String `index`; "" for index 0 (the language table) or when the fetch fails.
/// Throws DeviceError (Disconnected) only when the device is gone.
std::string fetchString(UsbControl& usb, std::uint8_t index);

/// True when a GET_STATUS to the device fails with NoDevice. noexcept.
bool deviceGone(UsbControl& usb) noexcept;

/// The DeviceError kind for a libusb code: NoDevice → Disconnected,
/// Timeout → Timeout, Pipe (a STALL: the report is refused) → NoSuchReport,
/// anything else → Io.
DeviceError::Kind kindOfUsbError(int code) noexcept;

/// `context: message` as a DeviceError of kindOfUsbError(e.code()).
DeviceError deviceErrorFrom(const std::system_error& e, std::string_view context);

} // namespace hidupsd::hid

template <> struct std::is_error_code_enum<hidupsd::hid::UsbErrc> : std::true_type {};
