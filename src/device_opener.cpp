// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceOpener factories for USB (hidraw or libusb), replay files and the simulated device.
#include "src/device_opener.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "hid/usb_opener.hpp"
#include "lib/log.hpp"
#include "ups/simulated_device.hpp"

namespace hidupsd {

namespace {

DeviceSource sharedSource(std::shared_ptr<hid::Device> device) {
  return {[device] { return std::make_unique<hid::SharedDevice>(device); },
          [device](const hid::DeviceInfo&) { device->resetPort(); }};
}

std::optional<hid::DeviceMatch> matchOf(const DeviceConfig& device) {
  if (!device.vendorId && !device.productId && device.serial.empty()) return std::nullopt;
  hid::DeviceMatch m;
  if (device.vendorId) m.vendorId = *device.vendorId;
  if (device.productId) m.productId = *device.productId;
  m.serial = device.serial;
  return m;
}

hid::Backend backendOf(DeviceBackend b) {
  switch (b) {
  case DeviceBackend::Hidraw: return hid::Backend::Hidraw;
  case DeviceBackend::Libusb: return hid::Backend::Libusb;
  case DeviceBackend::Auto: break;
  }
  return hid::Backend::Auto;
}

} // namespace

DeviceSource makeDeviceSource(const DeviceConfig& device, core::Clock& clock) {
  if (device.replay)
    return sharedSource(
        std::make_shared<hid::ReplayDevice>(hid::loadReplay(*device.replay), clock));
  auto usb = std::make_shared<hid::UsbUpsOpener>(backendOf(device.backend), matchOf(device));
  auto said = std::make_shared<std::string>(); // the backend line last logged
  return {[usb, said]() -> std::unique_ptr<hid::Device> {
            auto opened = usb->open();
            const auto& choice = usb->lastChoice();
            std::string line =
                fmt::format("UPS at USB {} read through {} ({})", opened->info().path,
                            hid::nameOf(choice.backend), choice.why);
            if (line != *said) log::info("device", "{}", line);
            *said = std::move(line);
            return opened;
          },
          [](const hid::DeviceInfo& last) { hid::resetUsbDevice(last.path); }};
}

DeviceOpener makeOpener(const DeviceConfig& device, core::Clock& clock) {
  return makeDeviceSource(device, clock).open;
}

DeviceSource simulatedSource(core::Clock& clock) {
  return sharedSource(std::shared_ptr<hid::Device>(makeSimulatedEllipsePro(clock)));
}

DeviceOpener simulatedOpener(core::Clock& clock) { return simulatedSource(clock).open; }

} // namespace hidupsd
