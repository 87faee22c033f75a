// SPDX-License-Identifier: GPL-2.0-or-later
// HidapiDevice: the only file that includes hidapi.h.
#include "hid/hidapi_device.hpp"

#include <hidapi.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <system_error>

#include "hid/usb_control.hpp"

namespace hidupsd::hid {

namespace {

// hidapi-libusb bounds its own control transfers by 1 s; a failure that took
// most of that is a timeout, not a refusal.
constexpr auto kTimeoutThreshold = std::chrono::milliseconds(900);

struct EnumerationFree {
  void operator()(hid_device_info* list) const noexcept { hid_free_enumeration(list); }
};

void appendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | ((c >> 18) & 0x07));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

/// hidapi's wide strings (UTF-32 on glibc) as UTF-8; null → "".
std::string narrow(const wchar_t* text) {
  std::string out;
  for (; text != nullptr && *text != L'\0'; ++text)
    appendUtf8(out, static_cast<char32_t>(*text) > 0x10ffff ? U'?' : static_cast<char32_t>(*text));
  return out;
}

HidDeviceEntry entryOf(const hid_device_info& d) {
  HidDeviceEntry e;
  e.info = {d.vendor_id,
            d.product_id,
            d.release_number,
            narrow(d.manufacturer_string),
            narrow(d.product_string),
            narrow(d.serial_number),
            busPathOf(d.path ? d.path : "")};
  e.hidapiPath = d.path ? d.path : "";
  e.interfaceNumber = d.interface_number;
  e.usagePage = d.usage_page;
  e.usage = d.usage;
  return e;
}

int clampMs(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
}

} // namespace

// --- HidapiInit, enumeration ---

HidapiInit::HidapiInit() {
  if (hid_init() != 0)
    throw std::runtime_error("hid_init failed: libusb could not be initialised (is usbfs, "
                             "/dev/bus/usb, available?)");
}

HidapiInit::~HidapiInit() { hid_exit(); }

std::vector<HidDeviceEntry> enumerateHid(const HidapiInit& /*init*/) {
  const std::unique_ptr<hid_device_info, EnumerationFree> list(hid_enumerate(0, 0));
  std::vector<HidDeviceEntry> out;
  for (const hid_device_info* d = list.get(); d != nullptr; d = d->next)
    out.push_back(entryOf(*d));
  return out;
}

std::vector<std::uint8_t> inputReportWithId(std::span<const std::uint8_t> data,
                                            bool usesReportIds) {
  std::vector<std::uint8_t> out;
  out.reserve(data.size() + 1);
  if (!usesReportIds) out.push_back(0);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// --- HidapiDevice: opening ---

void HidapiDevice::HidClose::operator()(hid_device_* device) const noexcept { hid_close(device); }

HidapiDevice::HidapiDevice(const HidapiInit& /*init*/, const HidDeviceEntry& entry)
    : what_(fmt::format("{:04x}:{:04x} at {}", entry.info.vendorId, entry.info.productId,
                        busPathOf(entry.hidapiPath))) {
  try {
    openUsb(entry);
    readDescriptor();
    openHidapi(entry);
  } catch (...) {
    if (detachedKernelDriver_) usb_->attachKernelDriver(interface_);
    throw;
  }
  learnLayout();
}

HidapiDevice::~HidapiDevice() {
  hid_.reset(); // hidapi releases the interface first; then the kernel driver may have it back
  if (detachedKernelDriver_) usb_->attachKernelDriver(interface_);
}

void HidapiDevice::openUsb(const HidDeviceEntry& entry) {
  const std::string busPath = busPathOf(entry.hidapiPath);
  auto device = context_.findByBusPath(busPath);
  if (!device) throw UsbOpenError(fmt::format("{} is gone (unplugged?): see `lsusb`", what_));
  node_ = device->node();
  try {
    usb_.emplace(device->open());
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::Access) throw UsbOpenError(permissionMessage(node_, what_));
    throw UsbOpenError(fmt::format("cannot open {} ({}): {}", node_, what_, e.code().message()));
  }
  const UsbDeviceDescriptor d = device->descriptor();
  info_ = {d.vendorId,
           d.productId,
           d.bcdDevice,
           fetchString(*usb_, d.iManufacturer),
           fetchString(*usb_, d.iProduct),
           fetchString(*usb_, d.iSerialNumber),
           busPath};
}

void HidapiDevice::readDescriptor() {
  try {
    interface_ = usb_->hidInterface().number;
  } catch (const std::system_error& e) {
    throw UsbOpenError(fmt::format("{} has no usable HID interface: {}", what_, e.what()));
  }
  detachKernelDriver();
  try {
    const InterfaceClaim claim(*usb_, interface_);
    descriptor_ = fetchReportDescriptor(*usb_, info_.vendorId, info_.releaseNumber);
  } catch (const std::system_error& e) {
    if (e.code() != UsbErrc::Busy)
      throw UsbOpenError(fmt::format("cannot claim interface {} of {}: {}", interface_, what_,
                                     e.code().message()));
    throw UsbOpenError(busyMessage(node_, what_, findHolders("/proc", node_, ::getpid())));
  }
}

/// GET_DESCRIPTOR(Report) needs the interface claimed, and usbhid has it.
/// hidapi-libusb would detach it too; it is re-attached when this closes.
void HidapiDevice::detachKernelDriver() {
  try {
    if (!usb_->kernelDriverActive(interface_)) return;
    usb_->detachKernelDriver(interface_);
    detachedKernelDriver_ = true;
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::NotSupported) return; // no kernel drivers to detach here
    throw UsbOpenError(kernelDriverMessage(what_, interface_, e.code().message()));
  }
}

void HidapiDevice::openHidapi(const HidDeviceEntry& entry) {
  hid_.reset(hid_open_path(entry.hidapiPath.c_str()));
  if (hid_) return;
  // libusb could claim the interface a moment ago: someone took it meanwhile,
  // or the device went away. hid_error() says nothing in hidapi-libusb 0.13.
  if (deviceGone(*usb_)) throw UsbOpenError(fmt::format("{} is gone (unplugged?)", what_));
  const auto holders = findHolders("/proc", node_, ::getpid());
  if (!holders.empty()) throw UsbOpenError(busyMessage(node_, what_, holders));
  throw UsbOpenError(
      fmt::format("hidapi could not open {} ({}, {})", what_, node_, entry.hidapiPath));
}

void HidapiDevice::learnLayout() {
  inputBuffer_.resize(ReportSizes::kMaxReport);
  sizes_ = ReportSizes(descriptor_, info_);
}

// --- HidapiDevice: calls ---

void HidapiDevice::failCall(std::string_view call, std::chrono::steady_clock::time_point start) {
  using Kind = DeviceError::Kind;
  if (deviceGone(*usb_))
    throw DeviceError(Kind::Disconnected, fmt::format("{}: {} is gone", call, what_));
  if (std::chrono::steady_clock::now() - start >= kTimeoutThreshold)
    throw DeviceError(Kind::Timeout, fmt::format("{}: {} did not answer within 1 s", call, what_));
  throw DeviceError(Kind::NoSuchReport, fmt::format("{}: {} refused it", call, what_));
}

std::vector<std::uint8_t> HidapiDevice::getFeatureReport(std::uint8_t id) {
  std::vector<std::uint8_t> buffer(sizes_.feature(id));
  buffer[0] = id;
  const auto start = std::chrono::steady_clock::now();
  const int n = hid_get_feature_report(hid_.get(), buffer.data(), buffer.size());
  if (n <= 0) failCall(fmt::format("GET_REPORT(Feature, {:#04x})", id), start);
  buffer.resize(std::min(buffer.size(), static_cast<std::size_t>(n)));
  buffer[0] = id; // hidapi keeps it for ID 0; a device echoes it otherwise
  return buffer;
}

void HidapiDevice::setFeatureReport(std::span<const std::uint8_t> report) {
  if (report.empty())
    throw DeviceError(DeviceError::Kind::NoSuchReport, "SET_REPORT(Feature): empty report");
  const auto start = std::chrono::steady_clock::now();
  if (hid_send_feature_report(hid_.get(), report.data(), report.size()) < 0)
    failCall(fmt::format("SET_REPORT(Feature, {:#04x})", report[0]), start);
}

std::optional<std::vector<std::uint8_t>>
HidapiDevice::readInput(std::chrono::milliseconds timeout) {
  const int n =
      hid_read_timeout(hid_.get(), inputBuffer_.data(), inputBuffer_.size(), clampMs(timeout));
  if (n == 0) return std::nullopt;
  if (n < 0) {
    // hidapi's read thread stops when the device goes away: ask libusb.
    if (deviceGone(*usb_))
      throw DeviceError(DeviceError::Kind::Disconnected, what_ + " is gone (unplugged?)");
    throw DeviceError(DeviceError::Kind::Io, "hid_read_timeout failed on " + what_);
  }
  return inputReportWithId(std::span(inputBuffer_.data(), static_cast<std::size_t>(n)),
                           sizes_.usesReportIds());
}

std::string HidapiDevice::indexedString(std::uint8_t index) { return fetchString(*usb_, index); }

void HidapiDevice::resetPort() {
  try {
    usb_->resetDevice();
  } catch (const std::system_error& e) {
    if (e.code() == UsbErrc::NotFound) return; // re-enumerated as new: the reopen finds it
    throw deviceErrorFrom(e, "USB port reset of " + what_);
  }
}

} // namespace hidupsd::hid
