// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceOpener factories for USB, replay files and the simulated device.
#include "src/device_opener.hpp"

#include <memory>
#include <mutex>

#include "hid/hidapi_device.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "hid/usb_discovery.hpp"
#include "ups/simulated_device.hpp"

namespace hidupsd {

namespace {

DeviceOpener sharedOpener(std::shared_ptr<hid::Device> device) {
  return [device] { return std::make_unique<hid::SharedDevice>(device); };
}

std::optional<hid::DeviceMatch> matchOf(const DeviceConfig& device) {
  if (!device.vendorId && !device.productId && device.serial.empty()) return std::nullopt;
  hid::DeviceMatch m;
  if (device.vendorId) m.vendorId = *device.vendorId;
  if (device.productId) m.productId = *device.productId;
  m.serial = device.serial;
  return m;
}

/// hidapi's library state, shared by the opener and every device it opened.
struct UsbState {
  hid::HidapiInit init;
  std::mutex mutex; // hid_enumerate and hid_open must not run concurrently
};

} // namespace

DeviceOpener makeOpener(const DeviceConfig& device, core::Clock& clock) {
  if (device.replay)
    return sharedOpener(
        std::make_shared<hid::ReplayDevice>(hid::loadReplay(*device.replay), clock));
  auto usb = std::make_shared<UsbState>();
  return [usb, match = matchOf(device)]() -> std::unique_ptr<hid::Device> {
    std::lock_guard lock(usb->mutex);
    const auto found = hid::enumerateHid(usb->init);
    const auto& entry = hid::chooseDevice(found, match);
    // The deleter keeps hidapi alive until the device is closed: hid_exit
    // must come after the last hid_close.
    std::shared_ptr<hid::Device> opened(new hid::HidapiDevice(usb->init, entry),
                                        [usb](hid::Device* d) { delete d; });
    return std::make_unique<hid::SharedDevice>(std::move(opened));
  };
}

DeviceOpener simulatedOpener(core::Clock& clock) {
  return sharedOpener(std::shared_ptr<hid::Device>(makeSimulatedEllipsePro(clock)));
}

} // namespace hidupsd
