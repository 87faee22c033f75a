// SPDX-License-Identifier: GPL-2.0-or-later
// HidrawDevice: reports through hidraw, strings and resets through an unclaimed libusb handle.
#include "hid/hidraw_device.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "hid/hidapi_device.hpp"
#include "hid/hidraw_node.hpp"
#include "hid/usb_context.hpp"

namespace hidupsd::hid {

namespace {

/// The libusb context and the handle it opened, as one UsbControl: the
/// handle must not outlive its context.
class UsbSession final : public UsbControl {
public:
  UsbSession(UsbContext context, UsbDeviceHandle handle)
      : context_(std::move(context)), handle_(std::move(handle)) {}
  std::vector<std::uint8_t> controlIn(const ControlSetup& setup,
                                      std::chrono::milliseconds timeout) override {
    return handle_.controlIn(setup, timeout);
  }
  std::string stringDescriptor(std::uint8_t index) override {
    return handle_.stringDescriptor(index);
  }
  HidInterface hidInterface() override { return handle_.hidInterface(); }
  void resetDevice() override { handle_.resetDevice(); }

private:
  UsbContext context_; // declared first: destroyed after the handle
  UsbDeviceHandle handle_;
};

/// A libusb handle on the device at `busPath`, or null (gone, no permission).
std::unique_ptr<UsbControl> openUsbSide(const std::string& busPath) {
  try {
    UsbContext context;
    auto device = context.findByBusPath(busPath);
    if (!device) return nullptr;
    auto handle = device->open();
    return std::make_unique<UsbSession>(std::move(context), std::move(handle));
  } catch (const std::system_error&) {
    return nullptr;
  }
}

} // namespace

HidrawDevice::HidrawDevice(const HidrawEntry& entry, std::unique_ptr<HidrawIo> io,
                           std::unique_ptr<UsbControl> usb)
    : info_(entry.hid.info),
      what_(fmt::format("{:04x}:{:04x} at {} ({})", entry.hid.info.vendorId,
                        entry.hid.info.productId, entry.hid.info.path, entry.node)),
      io_(std::move(io)), usb_(std::move(usb)) {
  try {
    descriptor_ = io_->reportDescriptor();
  } catch (const std::system_error& e) {
    fail(e, "reading the report descriptor (HIDIOCGRDESC)");
  }
  sizes_ = ReportSizes(descriptor_, info_);
}

void HidrawDevice::fail(const std::system_error& e, std::string_view call) const {
  throw deviceErrorFromErrno(e, fmt::format("{} on {}", call, what_));
}

std::vector<std::uint8_t> HidrawDevice::getFeatureReport(std::uint8_t id) {
  try {
    auto report = io_->getFeature(id, sizes_.feature(id));
    if (report.empty()) report.push_back(id);
    report[0] = id; // the ID byte is ours for a device without IDs
    return report;
  } catch (const std::system_error& e) {
    fail(e, fmt::format("GET_REPORT(Feature, {:#04x})", id));
  }
}

void HidrawDevice::setFeatureReport(std::span<const std::uint8_t> report) {
  if (report.empty())
    throw DeviceError(DeviceError::Kind::NoSuchReport, "SET_REPORT(Feature): empty report");
  try {
    io_->setFeature(report);
  } catch (const std::system_error& e) {
    fail(e, fmt::format("SET_REPORT(Feature, {:#04x})", report[0]));
  }
}

std::optional<std::vector<std::uint8_t>>
HidrawDevice::readInput(std::chrono::milliseconds timeout) {
  std::optional<std::vector<std::uint8_t>> data;
  try {
    data = io_->readInput(timeout, ReportSizes::kMaxReport);
  } catch (const std::system_error& e) {
    fail(e, "reading an input report");
  }
  if (!data) return std::nullopt;
  return inputReportWithId(*data, sizes_.usesReportIds());
}

std::string HidrawDevice::indexedString(std::uint8_t index) {
  return usb_ ? fetchString(*usb_, index) : std::string{};
}

void HidrawDevice::resetPort() {
  if (!usb_)
    throw DeviceError(DeviceError::Kind::Io,
                      fmt::format("USB port reset of {}: no access to its USB device node "
                                  "(see the udev rule)",
                                  what_));
  try {
    usb_->resetDevice();
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::NotFound) return; // re-enumerated as new: the reopen finds it
    throw deviceErrorFrom(e, "USB port reset of " + what_);
  }
}

std::unique_ptr<Device> openHidraw(const HidrawEntry& entry) {
  const auto what = fmt::format("{:04x}:{:04x} at {}", entry.hid.info.vendorId,
                                entry.hid.info.productId, entry.hid.info.path);
  std::unique_ptr<HidrawIo> io;
  try {
    io = std::make_unique<HidrawNode>(entry.node);
  } catch (const std::system_error& e) {
    if (e.code().value() == EACCES || e.code().value() == EPERM)
      throw UsbOpenError(permissionMessage(entry.node, what));
    if (kindOfErrno(e.code().value()) == DeviceError::Kind::Disconnected ||
        e.code().value() == ENOENT)
      throw UsbOpenError(fmt::format("{} is gone (unplugged?): see `lsusb`", what));
    throw UsbOpenError(
        fmt::format("cannot open {} ({}): {}", entry.node, what, std::strerror(e.code().value())));
  }
  try {
    return std::make_unique<HidrawDevice>(entry, std::move(io), openUsbSide(entry.hid.info.path));
  } catch (const DeviceError& e) {
    throw UsbOpenError(e.what());
  }
}

// --- errno classification ---

DeviceError::Kind kindOfErrno(int error) noexcept {
  switch (error) {
  case ENODEV:
  case ENXIO:
  case ESHUTDOWN: return DeviceError::Kind::Disconnected;
  case ETIMEDOUT: return DeviceError::Kind::Timeout;
  case EPIPE:
  case EINVAL: return DeviceError::Kind::NoSuchReport;
  default: return DeviceError::Kind::Io;
  }
}

DeviceError deviceErrorFromErrno(const std::system_error& e, std::string_view context) {
  return DeviceError(kindOfErrno(e.code().value()),
                     fmt::format("{}: {}", context, std::strerror(e.code().value())));
}

} // namespace hidupsd::hid
