// SPDX-License-Identifier: GPL-2.0-or-later
// UsbUpsOpener: sysfs first (no permission needed to look), then hidraw or hidapi-libusb.
#include "hid/usb_opener.hpp"

#include <fmt/format.h>

#include "hid/hidapi_device.hpp"
#include "hid/hidraw_device.hpp"
#include "hid/shared_device.hpp"
#include "hid/usb_context.hpp"
#include "hid/usb_control.hpp"

namespace hidupsd::hid {

struct UsbUpsOpener::Hidapi {
  HidapiInit init;
};

const char* nameOf(Backend b) noexcept {
  switch (b) {
  case Backend::Auto: return "auto";
  case Backend::Hidraw: return "hidraw";
  case Backend::Libusb: return "libusb";
  }
  return "?";
}

std::optional<Backend> parseBackend(std::string_view text) noexcept {
  for (const auto b : {Backend::Auto, Backend::Hidraw, Backend::Libusb})
    if (text == nameOf(b)) return b;
  return std::nullopt;
}

BackendChoice pickBackend(Backend requested, const HidrawEntry* hidraw) {
  if (requested == Backend::Libusb) return {Backend::Libusb, "backend = \"libusb\""};
  if (requested == Backend::Hidraw)
    return {Backend::Hidraw, hidraw ? fmt::format("backend = \"hidraw\": {}", hidraw->node)
                                    : "backend = \"hidraw\""};
  if (hidraw == nullptr) return {Backend::Libusb, "no hidraw node for it (usbhid not bound?)"};
  const auto& info = hidraw->hid.info;
  if (reportDescriptorIndex(info.vendorId, info.releaseNumber) != 0)
    return {Backend::Libusb,
            fmt::format("bcdDevice {:04x}: its full report descriptor is at index 1, the "
                        "kernel's (hidraw's) is the light one at index 0",
                        info.releaseNumber)};
  return {Backend::Hidraw, fmt::format("{}, usbhid stays bound", hidraw->node)};
}

UsbUpsOpener::UsbUpsOpener(Backend backend, std::optional<DeviceMatch> match,
                           std::filesystem::path sysRoot, std::filesystem::path devRoot)
    : backend_(backend), match_(std::move(match)), sysRoot_(std::move(sysRoot)),
      devRoot_(std::move(devRoot)) {}

UsbUpsOpener::~UsbUpsOpener() = default;

std::shared_ptr<UsbUpsOpener::Hidapi> UsbUpsOpener::hidapi() {
  if (!hidapi_) hidapi_ = std::make_shared<Hidapi>();
  return hidapi_;
}

std::unique_ptr<Device> UsbUpsOpener::open() {
  const std::lock_guard lock(mutex_);
  const HidrawEntry* node = nullptr;
  std::vector<HidrawEntry> nodes;
  if (backend_ != Backend::Libusb) {
    nodes = enumerateHidraw(sysRoot_, devRoot_);
    const auto entries = hidEntriesOf(nodes);
    try {
      const auto& chosen = chooseDevice(entries, match_);
      node = &nodes[static_cast<std::size_t>(&chosen - entries.data())];
    } catch (const UsbOpenError&) {
      if (backend_ == Backend::Hidraw) throw;
    }
  }
  auto choice = pickBackend(backend_, node);
  auto device = choice.backend == Backend::Hidraw ? openHidraw(*node) : openLibusb();
  last_ = std::move(choice);
  return device;
}

std::unique_ptr<Device> UsbUpsOpener::openLibusb() {
  auto state = hidapi();
  const auto found = enumerateHid(state->init);
  const auto& entry = chooseDevice(found, match_);
  // The deleter keeps hidapi alive until the device is closed: hid_exit
  // must come after the last hid_close.
  std::shared_ptr<Device> opened(new HidapiDevice(state->init, entry),
                                 [state](Device* d) { delete d; });
  return std::make_unique<SharedDevice>(std::move(opened));
}

void resetUsbDevice(const std::string& busPath) {
  try {
    UsbContext context;
    auto device = context.findByBusPath(busPath);
    if (!device)
      throw DeviceError(DeviceError::Kind::Disconnected,
                        fmt::format("no USB device at {} (unplugged?)", busPath));
    auto handle = device->open();
    handle.resetDevice();
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::NotFound) return; // re-enumerated as new: the reopen finds it
    throw deviceErrorFrom(e, "USB port reset of the device at " + busPath);
  }
}

} // namespace hidupsd::hid
