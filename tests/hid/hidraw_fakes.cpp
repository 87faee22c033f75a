// SPDX-License-Identifier: GPL-2.0-or-later
// Fakes for the hidraw backend's seams: the hidraw calls, the libusb side, a sysfs tree.
#include "tests/hid/hidraw_fakes.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace hidupsd::test {

namespace fs = std::filesystem;

// --- FakeHidraw ---

FakeHidraw::FakeHidraw(const hid::ReplayScript& script, bool usesReportIds)
    : descriptor(script.descriptor), vendorId(script.device.vendorId),
      productId(script.device.productId) {
  for (const auto& r : script.features)
    features[r.front()] = r;
  for (const auto& r : script.inputs)
    inputs.push_back(usesReportIds ? r : Bytes(r.begin() + 1, r.end()));
}

void FakeHidraw::check(const char* what) const {
  if (error) throw std::system_error(*error, std::generic_category(), what);
}

hid::HidrawInfo FakeHidraw::info() {
  check("HIDIOCGRAWINFO");
  return {3, vendorId, productId};
}

Bytes FakeHidraw::reportDescriptor() {
  check("HIDIOCGRDESC");
  return descriptor;
}

Bytes FakeHidraw::getFeature(std::uint8_t id, std::size_t length) {
  check("HIDIOCGFEATURE");
  lengthsAsked.push_back(length);
  const auto it = features.find(id);
  if (it == features.end())
    throw std::system_error(EPIPE, std::generic_category(), "HIDIOCGFEATURE");
  Bytes out = it->second;
  if (out.size() > length) out.resize(length);
  return out;
}

void FakeHidraw::setFeature(std::span<const std::uint8_t> report) {
  check("HIDIOCSFEATURE");
  written.emplace_back(report.begin(), report.end());
  features[report[0]] = written.back();
}

std::optional<Bytes> FakeHidraw::readInput(std::chrono::milliseconds /*timeout*/,
                                           std::size_t maxLength) {
  check("read");
  if (inputs.empty()) return std::nullopt;
  Bytes out = std::move(inputs.front());
  inputs.pop_front();
  if (out.size() > maxLength) out.resize(maxLength);
  return out;
}

// --- FakeUsbSide ---

Bytes FakeUsbSide::controlIn(const hid::ControlSetup& /*setup*/,
                             std::chrono::milliseconds /*timeout*/) {
  throw std::system_error(hid::UsbErrc::Pipe);
}

std::string FakeUsbSide::stringDescriptor(std::uint8_t index) {
  const auto it = strings.find(index);
  if (it == strings.end()) throw std::system_error(hid::UsbErrc::Pipe);
  return it->second;
}

hid::HidInterface FakeUsbSide::hidInterface() { return {}; }

void FakeUsbSide::resetDevice() {
  ++resets;
  if (resetError) throw std::system_error(*resetError);
}

// --- FakeSysfs ---

void writeText(const fs::path& file, std::string_view text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

FakeSysfs::FakeSysfs() {
  std::string dir = (fs::temp_directory_path() / "hidupsd-sysfs-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = dir;
}

FakeSysfs::~FakeSysfs() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void FakeSysfs::add(int n, const UsbHid& d) {
  const fs::path usb = root_ / "devices/pci0000:00/0000:00:14.0/usb1" / d.busPath;
  writeText(usb / "idVendor", fmt::format("{:04x}\n", d.vendorId));
  writeText(usb / "idProduct", fmt::format("{:04x}\n", d.productId));
  writeText(usb / "bcdDevice", fmt::format("{:04x}\n", d.bcdDevice));
  if (!d.manufacturer.empty()) writeText(usb / "manufacturer", d.manufacturer + "\n");
  if (!d.product.empty()) writeText(usb / "product", d.product + "\n");
  if (!d.serial.empty()) writeText(usb / "serial", d.serial + "\n");
  writeText(usb / "busnum", fmt::format("{}\n", d.busnum));
  writeText(usb / "devnum", fmt::format("{}\n", d.devnum));
  const fs::path interface = usb / fmt::format("{}:1.{}", d.busPath, d.interface);
  writeText(interface / "bInterfaceNumber", fmt::format("{:02x}\n", d.interface));
  const fs::path hid = interface / fmt::format("{:04X}:{:04X}:{:04X}.{:04X}", d.hidBus, d.vendorId,
                                               d.productId, n + 1);
  writeText(hid / "uevent",
            fmt::format("DRIVER=hid-generic\nHID_ID={:04X}:{:08X}:{:08X}\n"
                        "HID_NAME={} {}\nHID_UNIQ={}\n",
                        d.hidBus, d.vendorId, d.productId, d.manufacturer, d.product, d.serial));
  writeText(
      hid / "report_descriptor",
      std::string_view(reinterpret_cast<const char*>(d.descriptor.data()), d.descriptor.size()));
  const fs::path node = hid / "hidraw" / fmt::format("hidraw{}", n);
  fs::create_directories(node);
  fs::create_directory_symlink(hid, node / "device");
  const fs::path cls = root_ / "class" / "hidraw";
  fs::create_directories(cls);
  fs::create_directory_symlink(node, cls / fmt::format("hidraw{}", n));
}

void FakeSysfs::addDangling(int n) {
  const fs::path node = root_ / "devices/virtual/gone" / fmt::format("hidraw{}", n);
  fs::create_directories(node);
  fs::create_directory_symlink(root_ / "devices/nowhere", node / "device");
  fs::create_directories(root_ / "class" / "hidraw");
  fs::create_directory_symlink(node, root_ / "class" / "hidraw" / fmt::format("hidraw{}", n));
}

} // namespace hidupsd::test
