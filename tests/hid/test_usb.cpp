// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for the USB backend's seams: HID class descriptors, the descriptor and string fetches,
// errors.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "hid/device.hpp"
#include "hid/hidapi_device.hpp"
#include "hid/usb_context.hpp"
#include "hid/usb_control.hpp"

using namespace hidupsd::hid;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

namespace {

/// A HID descriptor (HID 1.11 §6.2.1) with one Report entry of `length`.
Bytes hidDescriptor(std::uint16_t length) {
  return {9,
          0x21,
          0x11,
          0x01,
          0x00,
          0x01,
          0x22,
          std::uint8_t(length & 0xff),
          std::uint8_t(length >> 8)};
}

/// Answers controlIn by wValue from a table (bytes or a libusb error), records every call.
class FakeUsb final : public UsbControl {
public:
  struct Answer {
    Bytes bytes;
    UsbErrc error{};
    bool fails = false;
  };

  std::vector<std::uint8_t> controlIn(const ControlSetup& setup,
                                      std::chrono::milliseconds timeout) override {
    calls.push_back(setup);
    timeouts.push_back(timeout);
    const auto it = answers.find(setup.value);
    if (it == answers.end()) throw std::system_error(UsbErrc::Pipe);
    if (it->second.fails) throw std::system_error(it->second.error);
    Bytes out = it->second.bytes;
    if (out.size() > setup.length) out.resize(setup.length);
    return out;
  }
  std::string stringDescriptor(std::uint8_t index) override {
    ++stringCalls;
    if (stringError) throw std::system_error(*stringError);
    return "string " + std::to_string(index);
  }
  HidInterface hidInterface() override {
    if (interfaceError) throw std::system_error(*interfaceError);
    return interface;
  }
  void resetDevice() override {
    ++resets;
    if (resetError) throw std::system_error(*resetError);
  }

  void answer(std::uint16_t value, Bytes bytes) { answers[value] = {std::move(bytes)}; }
  void fail(std::uint16_t value, UsbErrc error) { answers[value] = {{}, error, true}; }

  HidInterface interface { 0, hidDescriptor(0x0123) };
  std::map<std::uint16_t, Answer> answers;
  std::vector<ControlSetup> calls;
  std::vector<std::chrono::milliseconds> timeouts;
  std::optional<UsbErrc> stringError;
  std::optional<UsbErrc> interfaceError;
  std::optional<UsbErrc> resetError;
  int stringCalls = 0;
  int resets = 0;
};

Bytes descriptorOfLength(std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = std::uint8_t(i);
  return out;
}

template <typename F> std::string errorKind(F&& call) {
  try {
    call();
  } catch (const DeviceError& e) {
    return nameOf(e.kind());
  }
  return "no DeviceError";
}

template <typename F> std::string descriptorError(F&& call) {
  try {
    call();
  } catch (const UsbDescriptorError& e) {
    return std::to_string(e.offset()) + ": " + e.reason();
  }
  return "no error";
}

} // namespace

// --- HID class descriptor parsing ---

TEST_CASE("usb: report descriptor length from the interface's extra bytes") {
  CHECK(reportLengthFromExtra(hidDescriptor(0x0123)) == 0x0123);
  CHECK(reportLengthFromExtra(hidDescriptor(1538)) == 1538);
  CHECK(reportLengthOfHidDescriptor(hidDescriptor(0x0fed)) == 0x0fed);
}

TEST_CASE("usb: several descriptors in the extra bytes") {
  // A vendor descriptor first, then a HID descriptor with a Physical entry
  // (0x23) before its Report entry.
  const Bytes extra = {4,    0x24, 0xaa, 0xbb,             // vendor class descriptor
                       12,   0x21, 0x11, 0x01, 0x00, 0x02, // HID, 2 class descriptors
                       0x23, 0x10, 0x00,                   // Physical, 16 bytes
                       0x22, 0x34, 0x12};                  // Report, 0x1234 bytes
  CHECK(reportLengthFromExtra(extra) == 0x1234);
  Bytes two = hidDescriptor(0x0100);
  const Bytes second = hidDescriptor(0x0200);
  two.insert(two.end(), second.begin(), second.end());
  CHECK(reportLengthFromExtra(two) == 0x0100); // the first HID descriptor counts
}

TEST_CASE("usb: garbage or short extra bytes are clear errors with their offset") {
  CHECK(descriptorError([] { reportLengthFromExtra(Bytes{}); }) ==
        "0: no HID descriptor (type 0x21) in the interface's 0 extra bytes");
  CHECK(descriptorError([] {
          reportLengthFromExtra(Bytes{4, 0x24, 1, 2, 0, 0x21});
        }) == "4: bLength 0 is too short");
  CHECK(descriptorError([] {
          reportLengthFromExtra(Bytes{9, 0x21, 1, 2});
        }) == "0: bLength 9 runs past the 4 extra bytes");
  CHECK(descriptorError([] {
          reportLengthFromExtra(Bytes{4, 0x24, 1, 2, 6, 0x21, 1, 1, 0, 1});
        }) == "4: a HID descriptor has at least 9 bytes, got 6");
  // Two class descriptors announced, room for one.
  CHECK(descriptorError([] {
          reportLengthFromExtra(Bytes{9, 0x21, 1, 1, 0, 2, 0x23, 1, 0});
        }) == "9: 2 class descriptors announced, room for 1");
  CHECK(descriptorError([] {
          reportLengthFromExtra(Bytes{9, 0x21, 1, 1, 0, 1, 0x23, 1, 0});
        }) == "5: no Report descriptor (type 0x22) among the class descriptors");
  CHECK(descriptorError([] {
          reportLengthOfHidDescriptor(Bytes{9, 0x04, 1, 1, 0, 1, 0x22, 1, 0});
        }) == "1: descriptor type 0x04 is not HID (0x21)");
  const UsbDescriptorError e(3, "why");
  CHECK(std::string(e.what()) == "HID class descriptor, byte 3: why");
}

// --- the report descriptor fetch ---

TEST_CASE("usb: report descriptor fetch asks the right request") {
  FakeUsb usb;
  usb.interface.number = 2;
  usb.answer(0x2200, descriptorOfLength(0x0123));
  CHECK(fetchReportDescriptor(usb, 0x051d, 0x0106) == descriptorOfLength(0x0123));
  REQUIRE(usb.calls.size() == 1);
  // bmRequestType IN|Standard|Interface, GET_DESCRIPTOR, (Report << 8) | 0, interface, length.
  CHECK(usb.calls[0] == ControlSetup{0x81, 0x06, 0x2200, 2, 0x0123});
  CHECK(usb.timeouts[0] == 1000ms);
}

TEST_CASE("usb: Eaton bcdDevice 0x0202 reads the full descriptor at index 1") {
  CHECK(reportDescriptorIndex(0x0463, 0x0202) == 1);
  CHECK(reportDescriptorIndex(0x0463, 0x0100) == 0);
  CHECK(reportDescriptorIndex(0x051d, 0x0202) == 0);

  FakeUsb usb; // extra bytes say 0x123: the light descriptor's length
  usb.answer(0x2101, hidDescriptor(1538));
  usb.answer(0x2201, descriptorOfLength(1538));
  CHECK(fetchReportDescriptor(usb, 0x0463, 0x0202).size() == 1538);
  REQUIRE(usb.calls.size() == 2);
  CHECK(usb.calls[0] == ControlSetup{0x81, 0x06, 0x2101, 0, 9});
  CHECK(usb.calls[1] == ControlSetup{0x81, 0x06, 0x2201, 0, 1538});

  SUBCASE("the direct HID descriptor refused: the extra bytes' length") {
    FakeUsb refused;
    refused.fail(0x2101, UsbErrc::Pipe);
    refused.answer(0x2201, descriptorOfLength(0x0123));
    CHECK(fetchReportDescriptor(refused, 0x0463, 0x0202).size() == 0x0123);
    CHECK(refused.calls.back() == ControlSetup{0x81, 0x06, 0x2201, 0, 0x0123});
  }
  SUBCASE("other Eaton releases use index 0") {
    FakeUsb other;
    other.answer(0x2200, descriptorOfLength(0x0123));
    CHECK(fetchReportDescriptor(other, 0x0463, 0x0100).size() == 0x0123);
    CHECK(other.calls.size() == 1);
  }
}

TEST_CASE("usb: descriptor length fallbacks") {
  FakeUsb usb;
  usb.interface.extra = {0, 0x21}; // broken: ask the HID descriptor directly
  usb.answer(0x2100, hidDescriptor(0x0200));
  usb.answer(0x2200, descriptorOfLength(0x0200));
  CHECK(fetchReportDescriptor(usb, 0x0764, 0x0001).size() == 0x0200);
  CHECK(usb.calls[0] == ControlSetup{0x81, 0x06, 0x2100, 0, 9});

  FakeUsb neither; // both fail: ask for the most, take what comes
  neither.interface.extra = {};
  neither.answer(0x2200, descriptorOfLength(300));
  CHECK(fetchReportDescriptor(neither, 0x0764, 0x0001).size() == 300);
  CHECK(neither.calls.back().length == kMaxReportDescriptor);
}

TEST_CASE("usb: a short read is returned as received") {
  FakeUsb usb;
  usb.answer(0x2200, descriptorOfLength(0x0100)); // extra says 0x123
  CHECK(fetchReportDescriptor(usb, 0x0463, 0x0001) == descriptorOfLength(0x0100));
}

TEST_CASE("usb: descriptor fetch failures") {
  FakeUsb usb;
  usb.fail(0x2200, UsbErrc::Pipe);
  try {
    fetchReportDescriptor(usb, 0x0463, 0x0001);
    FAIL("no error");
  } catch (const DeviceError& e) {
    CHECK(nameOf(e.kind()) == std::string("I/O error")); // a refused descriptor is no report ID
    CHECK(std::string(e.what()) ==
          "GET_DESCRIPTOR(Report, index 0) on interface 0: the device refused it");
  }
  usb.fail(0x2200, UsbErrc::NoDevice);
  CHECK(errorKind([&] { fetchReportDescriptor(usb, 0x0463, 0x0001); }) == "disconnected");
  usb.fail(0x2200, UsbErrc::Timeout);
  CHECK(errorKind([&] { fetchReportDescriptor(usb, 0x0463, 0x0001); }) == "timeout");
  usb.answer(0x2200, {});
  CHECK(errorKind([&] { fetchReportDescriptor(usb, 0x0463, 0x0001); }) == "I/O error");
  usb.interfaceError = UsbErrc::NotFound;
  CHECK(errorKind([&] { fetchReportDescriptor(usb, 0x0463, 0x0001); }) == "I/O error");
}

// --- strings, presence, error mapping ---

TEST_CASE("usb: string fetch") {
  FakeUsb usb;
  CHECK(fetchString(usb, 0).empty()); // index 0 is the language table, not a string
  CHECK(usb.stringCalls == 0);
  CHECK(fetchString(usb, 5) == "string 5");
  usb.stringError = UsbErrc::Pipe;
  CHECK(fetchString(usb, 5).empty());
  usb.stringError = UsbErrc::Timeout;
  CHECK(fetchString(usb, 5).empty());
  usb.stringError = UsbErrc::NoDevice;
  CHECK(errorKind([&] { fetchString(usb, 5); }) == "disconnected");
}

TEST_CASE("usb: is the device still there") {
  FakeUsb usb;
  usb.answer(0x0000, {0, 0});
  CHECK_FALSE(deviceGone(usb));
  CHECK(usb.calls.at(0) == ControlSetup{0x80, 0x00, 0, 0, 2}); // GET_STATUS (device)
  usb.fail(0x0000, UsbErrc::NoDevice);
  CHECK(deviceGone(usb));
  usb.fail(0x0000, UsbErrc::Io);
  CHECK_FALSE(deviceGone(usb));
}

TEST_CASE("usb: libusb error codes map to DeviceError kinds") {
  CHECK(kindOfUsbError(-4) == DeviceError::Kind::Disconnected);
  CHECK(kindOfUsbError(-7) == DeviceError::Kind::Timeout);
  CHECK(kindOfUsbError(-9) == DeviceError::Kind::NoSuchReport);
  for (const int code : {-1, -2, -3, -5, -6, -8, -10, -11, -12, -99, -1234})
    CHECK(kindOfUsbError(code) == DeviceError::Kind::Io);
  const auto e = deviceErrorFrom(std::system_error(UsbErrc::NoDevice), "GET_REPORT");
  CHECK(e.kind() == DeviceError::Kind::Disconnected);
  CHECK(std::string(e.what()) == "GET_REPORT: No such device (it may have been disconnected)");
  const auto other =
      deviceErrorFrom(std::system_error(std::make_error_code(std::errc::no_such_device)), "x");
  CHECK(other.kind() == DeviceError::Kind::Io); // not a libusb code
  CHECK(std::string(usbCategory().name()) == "libusb");
  CHECK(usbCategory().message(-3) == "Access denied (insufficient permissions)");
  CHECK(usbCategory().message(-1234) == "libusb error -1234");
  CHECK(std::error_code(UsbErrc::Busy) == std::error_code(-6, usbCategory()));
}

TEST_CASE("usb: input reports without report IDs get a 0 byte first") {
  CHECK(inputReportWithId(Bytes{0x0d, 0x64}, false) == Bytes{0x00, 0x0d, 0x64});
  CHECK(inputReportWithId(Bytes{0x01, 0x0d}, true) == Bytes{0x01, 0x0d});
  CHECK(inputReportWithId(Bytes{}, false) == Bytes{0x00});
}

// --- the libusb and hidapi owners, without a device ---

TEST_CASE("usb: libusb and hidapi start, list and stop without a device") {
  std::optional<UsbContext> context;
  try {
    context.emplace();
  } catch (const std::system_error& e) {
    MESSAGE("libusb cannot initialise here (" << e.what() << "): skipped");
    return;
  }
  CHECK_FALSE(context->findByBusPath("250-9.9.9").has_value());
  const UsbContext moved = std::move(*context); // the moved-from owner must not exit twice
  context.reset();
  CHECK(moved.devices().size() < 1000);
  const HidapiInit hidapi;
  for (const auto& entry : enumerateHid(hidapi))
    CHECK_FALSE(entry.hidapiPath.empty());
}
