// SPDX-License-Identifier: GPL-2.0-or-later
// Probe: read everything a device says once, and print it for humans or as JSON.
#include "src/probe.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hid/descriptor_fixups.hpp"
#include "ups/ups_model.hpp"

namespace hidupsd {

namespace {

constexpr std::size_t kMaxQueuedInputs = 256;

hid::ReportDescriptor readDescriptor(hid::Device& device, std::size_t& size) {
  const auto bytes = device.reportDescriptor();
  size = bytes.size();
  return hid::ReportDescriptor::parse(bytes);
}

std::string hex4(std::uint16_t v) { return fmt::format("{:04x}", v); }

} // namespace

std::string formatNutValue(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

Probe::Probe(hid::Device& device)
    : info_(device.info()), descriptor_(readDescriptor(device, descriptorSize_)),
      dialect_(hid::dialectFor(info_)), state_(descriptor_) {
  for (const auto& w : descriptor_.warnings())
    notes_.push_back("descriptor: " + w);
  for (auto& fix : hid::applyFixups(descriptor_, info_))
    notes_.push_back("descriptor fix-up " + std::move(fix));
  readFeatures(device);
  readInputs(device);
  const UpsModel model(descriptor_, info_);
  snapshot_ = model.snapshot(state_, [&](std::uint8_t index) {
    if (auto it = strings_.find(index); it != strings_.end()) return it->second;
    std::string s;
    try {
      s = device.indexedString(index);
    } catch (const hid::DeviceError& e) {
      notes_.push_back(fmt::format("string {}: {}", index, e.what()));
    }
    return strings_[index] = s;
  });
}

void Probe::store(hid::ReportType type, const std::vector<std::uint8_t>& report) {
  try {
    if (auto warning = storeReport(state_, type, report); !warning.empty())
      notes_.push_back(warning);
  } catch (const hid::ReportError& e) {
    notes_.push_back(e.what());
  }
}

void Probe::readFeatures(hid::Device& device) {
  for (const auto& layout : descriptor_.reports()) {
    if (layout.type != hid::ReportType::Feature) continue;
    try {
      store(layout.type, device.getFeatureReport(layout.id));
    } catch (const hid::DeviceError& e) {
      if (e.kind() == hid::DeviceError::Kind::Disconnected) throw;
      notes_.push_back(fmt::format("Feature report 0x{:02x}: {}", layout.id, e.what()));
    }
  }
}

// Only what the device has already queued: a probe must not wait for the
// next status change.
void Probe::readInputs(hid::Device& device) {
  for (std::size_t i = 0; i < kMaxQueuedInputs; ++i) {
    auto report = device.readInput(std::chrono::milliseconds(0));
    if (!report) return;
    store(hid::ReportType::Input, *report);
  }
}

std::string Probe::text() const {
  std::string out =
      fmt::format("Device: {:04x}:{:04x} \"{}\" \"{}\" serial \"{}\" at {}\n", info_.vendorId,
                  info_.productId, info_.manufacturer, info_.product, info_.serial, info_.path);
  out +=
      fmt::format("Descriptor: {} bytes, {} fields, {} reports, usage names: {}\n", descriptorSize_,
                  descriptor_.fields().size(), descriptor_.reports().size(), hid::nameOf(dialect_));
  for (const auto& note : notes_)
    out += "Note: " + note + "\n";
  out += "\nPaths:\n";
  for (const auto& f : descriptor_.fields()) {
    out += fmt::format("Path: {}, Type: {}, ReportID: 0x{:02x}, Offset: {}, Size: {}",
                       hid::pathToString(f.path, dialect_), hid::nameOf(f.type), f.reportId,
                       f.bitOffset, f.bitSize);
    const auto value = state_.physical(f);
    out += value ? ", Value: " + formatNutValue(*value) + "\n" : "\n";
  }
  out += "\nVariables:\n";
  for (const auto& [name, value] : snapshot_.variables)
    out += name + ": " + value + "\n";
  return out;
}

std::string Probe::json() const {
  nlohmann::ordered_json device = {{"vendor_id", hex4(info_.vendorId)},
                                   {"product_id", hex4(info_.productId)},
                                   {"release", hex4(info_.releaseNumber)},
                                   {"manufacturer", info_.manufacturer},
                                   {"product", info_.product},
                                   {"serial", info_.serial},
                                   {"path", info_.path},
                                   {"descriptor_bytes", descriptorSize_},
                                   {"usage_names", hid::nameOf(dialect_)}};
  nlohmann::ordered_json paths = nlohmann::ordered_json::array();
  for (const auto& f : descriptor_.fields()) {
    const auto value = state_.physical(f);
    paths.push_back({{"path", hid::pathToString(f.path, dialect_)},
                     {"type", hid::nameOf(f.type)},
                     {"report_id", f.reportId},
                     {"offset", f.bitOffset},
                     {"size", f.bitSize},
                     {"value", value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json()}});
  }
  nlohmann::ordered_json out = {
      {"device", device}, {"variables", snapshot_.variables}, {"paths", paths}, {"notes", notes_}};
  return out.dump(2) + "\n";
}

} // namespace hidupsd
