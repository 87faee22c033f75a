// SPDX-License-Identifier: GPL-2.0-or-later
// UsbControl: HID class descriptor parsing, the report descriptor and string fetches.
#include "hid/usb_control.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace hidupsd::hid {

namespace {

constexpr std::uint8_t kDtHid = 0x21;    // HID 1.11 §7.1: HID descriptor type
constexpr std::uint8_t kDtReport = 0x22; // HID 1.11 §7.1: Report descriptor type
constexpr std::uint8_t kGetDescriptor = 0x06;
constexpr std::uint8_t kGetStatus = 0x00;
constexpr std::uint8_t kInStandardInterface = 0x81; // IN | Standard | Interface
constexpr std::uint8_t kInStandardDevice = 0x80;    // IN | Standard | Device
constexpr std::size_t kHidDescriptorHeader = 6;     // bLength … bNumDescriptors
constexpr std::size_t kHidDescriptorMin = 9;        // header + one (type, length) entry
constexpr std::uint16_t kEatonVendor = 0x0463;
constexpr std::uint16_t kEatonFullDescriptorRelease = 0x0202;

class UsbCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "libusb"; }
  std::string message(int code) const override;
};

std::string UsbCategory::message(int code) const {
  // The texts of libusb_strerror() (English), kept here so this file needs no libusb.
  switch (static_cast<UsbErrc>(code)) {
  case UsbErrc::Io: return "Input/Output Error";
  case UsbErrc::InvalidParam: return "Invalid parameter";
  case UsbErrc::Access: return "Access denied (insufficient permissions)";
  case UsbErrc::NoDevice: return "No such device (it may have been disconnected)";
  case UsbErrc::NotFound: return "Entity not found";
  case UsbErrc::Busy: return "Resource busy";
  case UsbErrc::Timeout: return "Operation timed out";
  case UsbErrc::Overflow: return "Overflow";
  case UsbErrc::Pipe: return "Pipe error";
  case UsbErrc::Interrupted: return "System call interrupted (perhaps due to signal)";
  case UsbErrc::NoMem: return "Insufficient memory";
  case UsbErrc::NotSupported: return "Operation not supported or unimplemented on this platform";
  case UsbErrc::Other: return "Other error";
  }
  return fmt::format("libusb error {}", code);
}

std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

ControlSetup getDescriptor(std::uint8_t type, std::uint8_t index, std::uint8_t interface,
                           std::uint16_t length) {
  return {kInStandardInterface, kGetDescriptor, static_cast<std::uint16_t>((type << 8) | index),
          interface, length};
}

std::optional<std::uint16_t> lengthFromExtra(const HidInterface& hid, std::string& why) {
  try {
    return reportLengthFromExtra(hid.extra);
  } catch (const UsbDescriptorError& e) {
    why += fmt::format("interface extra bytes: {}; ", e.what());
    return std::nullopt;
  }
}

std::optional<std::uint16_t> lengthFromRequest(UsbControl& usb, const HidInterface& hid,
                                               std::uint8_t index, std::string& why) {
  try {
    const auto bytes =
        usb.controlIn(getDescriptor(kDtHid, index, hid.number, kHidDescriptorMin), kControlTimeout);
    return reportLengthOfHidDescriptor(bytes);
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::NoDevice) throw deviceErrorFrom(e, "GET_DESCRIPTOR(HID)");
    why += fmt::format("GET_DESCRIPTOR(HID, {}): {}; ", index, e.code().message());
  } catch (const UsbDescriptorError& e) {
    why += fmt::format("GET_DESCRIPTOR(HID, {}): {}; ", index, e.what());
  }
  return std::nullopt;
}

/// The wLength for the report descriptor. The extra bytes describe index 0,
/// so on the Eaton quirk the direct request at index 1 comes first (NUT
/// uses only that one there). Unknown → kMaxReportDescriptor: a device
/// answers a longer request with what it has.
std::uint16_t reportLength(UsbControl& usb, const HidInterface& hid, std::uint8_t index) {
  std::string why;
  std::optional<std::uint16_t> n;
  if (index != 0) n = lengthFromRequest(usb, hid, index, why);
  if (!n) n = lengthFromExtra(hid, why);
  if (!n && index == 0) n = lengthFromRequest(usb, hid, index, why);
  return n.value_or(kMaxReportDescriptor);
}

} // namespace

const std::error_category& usbCategory() noexcept {
  static const UsbCategory category;
  return category;
}

std::error_code make_error_code(UsbErrc e) noexcept { return {static_cast<int>(e), usbCategory()}; }

UsbDescriptorError::UsbDescriptorError(std::size_t offset, const std::string& reason)
    : std::runtime_error(fmt::format("HID class descriptor, byte {}: {}", offset, reason)),
      offset_(offset), reason_(reason) {}

std::uint16_t reportLengthOfHidDescriptor(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHidDescriptorMin)
    throw UsbDescriptorError(0, fmt::format("a HID descriptor has at least {} bytes, got {}",
                                            kHidDescriptorMin, bytes.size()));
  if (bytes[0] < kHidDescriptorMin)
    throw UsbDescriptorError(
        0, fmt::format("HID descriptor bLength {} is below {}", bytes[0], kHidDescriptorMin));
  if (bytes[1] != kDtHid)
    throw UsbDescriptorError(1, fmt::format("descriptor type {:#04x} is not HID (0x21)", bytes[1]));
  const std::size_t count = bytes[5];
  const std::size_t end = std::min<std::size_t>(bytes.size(), bytes[0]);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = kHidDescriptorHeader + 3 * i;
    if (at + 3 > end)
      throw UsbDescriptorError(
          at, fmt::format("{} class descriptors announced, room for {}", count, i));
    if (bytes[at] == kDtReport) return le16(bytes, at + 1);
  }
  throw UsbDescriptorError(5, "no Report descriptor (type 0x22) among the class descriptors");
}

std::uint16_t reportLengthFromExtra(std::span<const std::uint8_t> extra) {
  std::size_t at = 0;
  while (at < extra.size()) {
    const std::size_t length = extra[at];
    if (length < 2) throw UsbDescriptorError(at, fmt::format("bLength {} is too short", length));
    if (at + length > extra.size())
      throw UsbDescriptorError(
          at, fmt::format("bLength {} runs past the {} extra bytes", length, extra.size()));
    if (extra[at + 1] == kDtHid) {
      try {
        return reportLengthOfHidDescriptor(extra.subspan(at, length));
      } catch (const UsbDescriptorError& e) {
        throw UsbDescriptorError(at + e.offset(), e.reason());
      }
    }
    at += length;
  }
  throw UsbDescriptorError(at, fmt::format("no HID descriptor (type 0x21) in the interface's {} "
                                           "extra bytes",
                                           extra.size()));
}

std::uint8_t reportDescriptorIndex(std::uint16_t vendorId, std::uint16_t bcdDevice) noexcept {
  return vendorId == kEatonVendor && bcdDevice == kEatonFullDescriptorRelease ? 1 : 0;
}

std::vector<std::uint8_t> fetchReportDescriptor(UsbControl& usb, std::uint16_t vendorId,
                                                std::uint16_t bcdDevice) {
  const std::uint8_t index = reportDescriptorIndex(vendorId, bcdDevice);
  HidInterface hid;
  try {
    hid = usb.hidInterface();
  } catch (const std::system_error& e) {
    throw deviceErrorFrom(e, "reading the configuration descriptor");
  }
  const auto setup = getDescriptor(kDtReport, index, hid.number, reportLength(usb, hid, index));
  const auto context =
      fmt::format("GET_DESCRIPTOR(Report, index {}) on interface {}", index, hid.number);
  std::vector<std::uint8_t> bytes;
  try {
    bytes = usb.controlIn(setup, kControlTimeout);
  } catch (const std::system_error& e) {
    const auto error = deviceErrorFrom(e, context);
    if (error.kind() != DeviceError::Kind::NoSuchReport) throw error;
    throw DeviceError(DeviceError::Kind::Io, fmt::format("{}: the device refused it", context));
  }
  if (bytes.empty()) throw DeviceError(DeviceError::Kind::Io, context + ": empty answer");
  return bytes;
}

std::string fetchString(UsbControl& usb, std::uint8_t index) {
  if (index == 0) return {};
  try {
    return usb.stringDescriptor(index);
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::NoDevice)
      throw deviceErrorFrom(e, fmt::format("string descriptor {}", index));
    return {};
  }
}

bool deviceGone(UsbControl& usb) noexcept {
  try {
    usb.controlIn({kInStandardDevice, kGetStatus, 0, 0, 2}, kControlTimeout);
  } catch (const std::system_error& e) {
    return e.code() == UsbErrc::NoDevice;
  } catch (...) {
  }
  return false;
}

DeviceError::Kind kindOfUsbError(int code) noexcept {
  switch (static_cast<UsbErrc>(code)) {
  case UsbErrc::NoDevice: return DeviceError::Kind::Disconnected;
  case UsbErrc::Timeout: return DeviceError::Kind::Timeout;
  case UsbErrc::Pipe: return DeviceError::Kind::NoSuchReport;
  default: return DeviceError::Kind::Io;
  }
}

DeviceError deviceErrorFrom(const std::system_error& e, std::string_view context) {
  const int code =
      e.code().category() == usbCategory() ? e.code().value() : static_cast<int>(UsbErrc::Other);
  return DeviceError(kindOfUsbError(code), fmt::format("{}: {}", context, e.code().message()));
}

} // namespace hidupsd::hid
