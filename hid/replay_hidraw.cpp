// SPDX-License-Identifier: GPL-2.0-or-later
// ReplayHidraw: a Device's answers and failures, shaped as hidraw's calls and errno values.
#include "hid/replay_hidraw.hpp"

#include <cerrno>
#include <system_error>

#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

int errnoOf(DeviceError::Kind kind) noexcept {
  switch (kind) {
  case DeviceError::Kind::Disconnected: return ENODEV;
  case DeviceError::Kind::Timeout: return ETIMEDOUT;
  case DeviceError::Kind::NoSuchReport: return EPIPE;
  case DeviceError::Kind::Io: return EIO;
  }
  return EIO;
}

ReplayHidraw::ReplayHidraw(std::shared_ptr<Device> device) : device_(std::move(device)) {
  try {
    usesReportIds_ = ReportDescriptor::parse(device_->reportDescriptor()).usesReportIds();
  } catch (const std::exception&) {
    // Unreadable or malformed: the backend finds out on its own calls.
  }
}

template <typename F> auto ReplayHidraw::call(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const DeviceError& e) {
    throw std::system_error(errnoOf(e.kind()), std::generic_category(), what);
  }
}

HidrawInfo ReplayHidraw::info() { return {3, device_->info().vendorId, device_->info().productId}; }

std::vector<std::uint8_t> ReplayHidraw::reportDescriptor() {
  return call("HIDIOCGRDESC", [&] { return device_->reportDescriptor(); });
}

std::vector<std::uint8_t> ReplayHidraw::getFeature(std::uint8_t id, std::size_t length) {
  auto report = call("HIDIOCGFEATURE", [&] { return device_->getFeatureReport(id); });
  if (report.size() > length) report.resize(length); // the kernel fills the caller's buffer
  return report;
}

void ReplayHidraw::setFeature(std::span<const std::uint8_t> report) {
  call("HIDIOCSFEATURE", [&] {
    device_->setFeatureReport(report);
    return 0;
  });
}

std::optional<std::vector<std::uint8_t>> ReplayHidraw::readInput(std::chrono::milliseconds timeout,
                                                                 std::size_t maxLength) {
  auto report = call("read", [&] { return device_->readInput(timeout); });
  if (!report) return std::nullopt;
  if (!usesReportIds_ && !report->empty()) report->erase(report->begin());
  if (report->size() > maxLength) report->resize(maxLength);
  return report;
}

std::vector<std::uint8_t> ReplayUsbSide::controlIn(const ControlSetup& /*setup*/,
                                                   std::chrono::milliseconds /*timeout*/) {
  throw std::system_error(UsbErrc::NotSupported, "control transfer");
}

std::string ReplayUsbSide::stringDescriptor(std::uint8_t index) {
  try {
    auto text = device_->indexedString(index);
    if (text.empty()) throw std::system_error(UsbErrc::Pipe, "GET_DESCRIPTOR(String)");
    return text;
  } catch (const DeviceError& e) {
    const auto code = e.kind() == DeviceError::Kind::Disconnected ? UsbErrc::NoDevice : UsbErrc::Io;
    throw std::system_error(code, "GET_DESCRIPTOR(String)");
  }
}

void ReplayUsbSide::resetDevice() {
  try {
    device_->resetPort();
  } catch (const DeviceError& e) {
    const auto code = e.kind() == DeviceError::Kind::Disconnected ? UsbErrc::NoDevice : UsbErrc::Io;
    throw std::system_error(code, "libusb_reset_device");
  }
}

} // namespace hidupsd::hid
