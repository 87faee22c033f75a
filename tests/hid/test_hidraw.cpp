// SPDX-License-Identifier: GPL-2.0-or-later
// The hidraw backend without hardware: sysfs discovery on a fake tree, the device over fake
// hidraw calls and a fake libusb side, and the errno classification.
#include <doctest/doctest.h>

#include <cerrno>

#include "hid/hidraw_device.hpp"
#include "hid/hidraw_sysfs.hpp"
#include "hid/replay_file.hpp"
#include "hid/usb_discovery.hpp"
#include "hid/usb_opener.hpp"
#include "tests/hid/hidraw_fakes.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
using namespace hidupsd::hid;
namespace t = hidupsd::test;

namespace {

ReplayScript fixture(const std::string& name) {
  return loadReplay(t::fixturesDir() / (name + ".replay"));
}

HidrawEntry entryFor(const ReplayScript& s) {
  HidrawEntry e;
  e.hid.info = s.device;
  e.hid.info.path = "1-4";
  e.name = "hidraw0";
  e.node = "/dev/hidraw0";
  return e;
}

template <typename F> std::string kindOf(F&& call) {
  try {
    call();
  } catch (const DeviceError& e) {
    return nameOf(e.kind());
  }
  return "none";
}

template <typename F> std::string messageOf(F&& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

/// A device without report IDs: one Input report of 2 bytes.
const t::Bytes kNoIdsDescriptor = {0x05, 0x84, 0x09, 0x04, 0xa1, 0x01, 0x05, 0x85, 0x09, 0x66, 0x15,
                                   0x00, 0x25, 0x64, 0x75, 0x08, 0x95, 0x02, 0x81, 0x02, 0xc0};

} // namespace

TEST_CASE("errno classification of hidraw and usbfs failures") {
  CHECK(nameOf(kindOfErrno(ENODEV)) == std::string("disconnected"));
  CHECK(nameOf(kindOfErrno(ENXIO)) == std::string("disconnected"));
  CHECK(nameOf(kindOfErrno(ESHUTDOWN)) == std::string("disconnected"));
  CHECK(nameOf(kindOfErrno(ETIMEDOUT)) == std::string("timeout"));
  CHECK(nameOf(kindOfErrno(EPIPE)) == std::string("no such report"));
  CHECK(nameOf(kindOfErrno(EINVAL)) == std::string("no such report"));
  CHECK(nameOf(kindOfErrno(EIO)) == std::string("I/O error"));
  CHECK(nameOf(kindOfErrno(EPROTO)) == std::string("I/O error"));
  const auto e = deviceErrorFromErrno(std::system_error(EPIPE, std::generic_category()), "here");
  CHECK(std::string(e.what()) == "here: Broken pipe");
}

TEST_CASE("HID_ID from a uevent") {
  const auto id = parseHidId("DRIVER=hid-generic\nHID_ID=0003:00000463:0000FFFF\nHID_NAME=x\n");
  REQUIRE(id);
  CHECK(id->bus == 3);
  CHECK(id->vendorId == 0x0463);
  CHECK(id->productId == 0xffff);
  CHECK_FALSE(parseHidId("HID_NAME=x\n"));
  CHECK_FALSE(parseHidId("HID_ID=0003:00000463\n"));
  CHECK_FALSE(parseHidId("HID_ID=0003:00010463:0000FFFF\n")); // vendor over 16 bits
  CHECK_FALSE(parseHidId("HID_ID=00g3:00000463:0000FFFF\n"));
}

TEST_CASE("hidraw nodes of USB HID interfaces, from a sysfs tree") {
  t::FakeSysfs sys;
  t::FakeSysfs::UsbHid ups;
  ups.descriptor = fixture("eaton-3s-700").descriptor;
  ups.bcdDevice = 0x0202;
  sys.add(10, ups);
  t::FakeSysfs::UsbHid keyboard;
  keyboard.busPath = "1-2";
  keyboard.vendorId = 0x046d;
  keyboard.productId = 0xc31c;
  keyboard.manufacturer = "Logitech";
  keyboard.product = "Keyboard";
  keyboard.serial.clear();
  keyboard.interface = 1;
  keyboard.descriptor = {0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0xc0};
  sys.add(2, keyboard);
  t::FakeSysfs::UsbHid bluetooth = keyboard;
  bluetooth.busPath = "1-3";
  bluetooth.hidBus = 0x0005;
  sys.add(3, bluetooth);
  sys.addDangling(4);

  const auto found = enumerateHidraw(sys.root(), "/dev");
  REQUIRE(found.size() == 2); // the Bluetooth node and the dangling one are skipped
  CHECK(found[0].name == "hidraw2");
  CHECK(found[0].hid.info.manufacturer == "Logitech");
  CHECK(found[0].hid.info.serial.empty());
  CHECK(found[0].hid.interfaceNumber == 1);
  CHECK(found[0].hid.usagePage == 0x01);
  const auto& e = found[1];
  CHECK(e.name == "hidraw10"); // sorted by number, not by name
  CHECK(e.node == "/dev/hidraw10");
  CHECK(e.hid.info.vendorId == 0x0463);
  CHECK(e.hid.info.productId == 0xffff);
  CHECK(e.hid.info.releaseNumber == 0x0202);
  CHECK(e.hid.info.manufacturer == "EATON");
  CHECK(e.hid.info.product == "Ellipse PRO");
  CHECK(e.hid.info.serial == "G355K");
  CHECK(e.hid.info.path == "1-4");
  CHECK(e.hid.interfaceNumber == 0);
  CHECK(e.hid.usagePage == 0x84);
  CHECK(e.hid.usage == 0x04);
  CHECK(e.busNumber == 1);
  CHECK(e.deviceNumber == 5);

  const auto entries = hidEntriesOf(found);
  const auto ups_only = upsesAmong(entries);
  REQUIRE(ups_only.size() == 1);
  CHECK(&chooseDevice(entries, parseDeviceMatch("0463:ffff:G355K")) == &entries[1]);
}

TEST_CASE("no hidraw class directory: no nodes, no error") {
  t::FakeSysfs sys;
  CHECK(enumerateHidraw(sys.root()).empty());
  CHECK(enumerateHidraw("/nonexistent/sys").empty());
}

TEST_CASE("HidrawDevice reads the fixture through hidraw calls") {
  const auto script = fixture("eaton-5sc-750");
  auto io = std::make_unique<t::FakeHidraw>(script);
  auto* raw = io.get();
  auto usb = std::make_unique<t::FakeUsbSide>();
  usb->strings[5] = "Eaton 5SC";
  HidrawDevice device(entryFor(script), std::move(io), std::move(usb));

  CHECK(device.info().vendorId == 0x0463);
  CHECK(device.reportDescriptor() == script.descriptor);
  const auto& first = script.features.front();
  CHECK(device.getFeatureReport(first.front()) == first);
  REQUIRE(raw->lengthsAsked.size() == 1);
  CHECK(raw->lengthsAsked[0] == first.size()); // sized from the descriptor
  CHECK(device.indexedString(5) == "Eaton 5SC");
  CHECK(device.indexedString(6).empty()); // refused: "" as the libusb backend gives
  CHECK(kindOf([&] { device.getFeatureReport(0xee); }) == "no such report");
  const t::Bytes write = first;
  device.setFeatureReport(write);
  CHECK(raw->written.back() == write);
  CHECK(kindOf([&] { device.setFeatureReport(t::Bytes{}); }) == "no such report");
}

TEST_CASE("HidrawDevice: errno from the kernel becomes the DeviceError kinds") {
  const auto script = fixture("eaton-3s-700");
  auto io = std::make_unique<t::FakeHidraw>(script);
  auto* raw = io.get();
  HidrawDevice device(entryFor(script), std::move(io), nullptr);
  raw->error = ENODEV;
  CHECK(kindOf([&] { device.getFeatureReport(1); }) == "disconnected");
  CHECK(kindOf([&] { device.readInput(std::chrono::milliseconds(0)); }) == "disconnected");
  raw->error = ETIMEDOUT;
  CHECK(kindOf([&] { device.getFeatureReport(1); }) == "timeout");
  raw->error = EIO;
  CHECK(kindOf([&] { device.setFeatureReport(t::Bytes{1, 2}); }) == "I/O error");
  CHECK(messageOf([&] {
          device.getFeatureReport(1);
        }).find("GET_REPORT(Feature, 0x01) on 0463:ffff at 1-4 (/dev/hidraw0)") !=
        std::string::npos);
}

TEST_CASE("HidrawDevice: a descriptor that cannot be read is an open failure") {
  const auto script = fixture("eaton-3s-700");
  auto io = std::make_unique<t::FakeHidraw>(script);
  io->error = EACCES;
  CHECK(kindOf([&] { HidrawDevice(entryFor(script), std::move(io), nullptr); }) == "I/O error");
}

TEST_CASE("HidrawDevice: input reports of a device without report IDs get ID 0") {
  ReplayScript s;
  s.device.vendorId = 0x1234;
  s.descriptor = kNoIdsDescriptor;
  s.inputs = {{0x00, 0x2a, 0x2b}};
  auto io = std::make_unique<t::FakeHidraw>(s, /*usesReportIds=*/false);
  HidrawDevice device(entryFor(s), std::move(io), nullptr);
  const auto report = device.readInput(std::chrono::milliseconds(0));
  REQUIRE(report);
  CHECK(*report == t::Bytes{0x00, 0x2a, 0x2b});
  CHECK_FALSE(device.readInput(std::chrono::milliseconds(0)));
}

TEST_CASE("HidrawDevice: strings and resets need the libusb side") {
  const auto script = fixture("eaton-3s-700");
  HidrawDevice bare(entryFor(script), std::make_unique<t::FakeHidraw>(script), nullptr);
  CHECK_FALSE(bare.hasUsbHandle());
  CHECK(bare.indexedString(1).empty());
  CHECK(kindOf([&] { bare.resetPort(); }) == "I/O error");
  CHECK(messageOf([&] { bare.resetPort(); }).find("udev rule") != std::string::npos);

  auto usb = std::make_unique<t::FakeUsbSide>();
  auto* side = usb.get();
  HidrawDevice device(entryFor(script), std::make_unique<t::FakeHidraw>(script), std::move(usb));
  device.resetPort();
  CHECK(side->resets == 1);
  side->resetError = UsbErrc::NotFound; // re-enumerated: the reopen finds it
  device.resetPort();
  side->resetError = UsbErrc::NoDevice;
  CHECK(kindOf([&] { device.resetPort(); }) == "disconnected");
  CHECK(side->resets == 3);
}

TEST_CASE("backend choice: auto prefers hidraw, except where the kernel's descriptor is wrong") {
  HidrawEntry e;
  e.node = "/dev/hidraw3";
  e.hid.info.vendorId = 0x0463;
  e.hid.info.productId = 0xffff;
  e.hid.info.releaseNumber = 0x0100;
  CHECK(pickBackend(Backend::Auto, &e).backend == Backend::Hidraw);
  CHECK(pickBackend(Backend::Auto, &e).why == "/dev/hidraw3, usbhid stays bound");
  CHECK(pickBackend(Backend::Auto, nullptr).backend == Backend::Libusb);
  CHECK(pickBackend(Backend::Libusb, &e).backend == Backend::Libusb);
  CHECK(pickBackend(Backend::Hidraw, nullptr).backend == Backend::Hidraw);
  e.hid.info.releaseNumber = 0x0202; // Eaton's light descriptor at index 0
  const auto choice = pickBackend(Backend::Auto, &e);
  CHECK(choice.backend == Backend::Libusb);
  CHECK(choice.why.find("index 1") != std::string::npos);
  CHECK(pickBackend(Backend::Hidraw, &e).backend == Backend::Hidraw); // asked for: so be it
  CHECK(parseBackend("hidraw") == Backend::Hidraw);
  CHECK(parseBackend("libusb") == Backend::Libusb);
  CHECK(parseBackend("auto") == Backend::Auto);
  CHECK_FALSE(parseBackend("hidapi"));
}

TEST_CASE("the opener finds the UPS in sysfs and opens its node through real system calls") {
  t::FakeSysfs sys;
  t::FakeSysfs::UsbHid ups;
  ups.descriptor = fixture("eaton-3s-700").descriptor;
  sys.add(0, ups);
  const auto dev = sys.root() / "dev";
  std::filesystem::create_directories(dev);
  UsbUpsOpener opener(Backend::Hidraw, std::nullopt, sys.root(), dev);
  // No node file: as an unplugged UPS whose sysfs entry lingers.
  CHECK(messageOf([&] { opener.open(); }).find("is gone") != std::string::npos);
  // A plain file as the node: open(2) works, HIDIOCGRDESCSIZE does not.
  t::writeText(dev / "hidraw0", "");
  const auto message = messageOf([&] { opener.open(); });
  CHECK(message.find("HIDIOCGRDESC") != std::string::npos);
  CHECK(message.find("/dev") != std::string::npos);
  // No UPS matching: the usual advice.
  UsbUpsOpener other(Backend::Hidraw, parseDeviceMatch("051d:0002"), sys.root(), dev);
  CHECK(messageOf([&] { other.open(); }).find("051d:0002") != std::string::npos);
}
