// SPDX-License-Identifier: GPL-2.0-or-later
// Probe: read everything a device says once, and print it for humans or as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/snapshot.hpp"
#include "hid/device.hpp"
#include "hid/report_descriptor.hpp"
#include "hid/report_state.hpp"
#include "hid/usage_tables.hpp"

namespace hidupsd {

/// One read of a device: identity, descriptor, every report it answers,
/// the strings its fields point to, and the NUT variables they give.
/// Not copyable or movable (the report state points into the descriptor).
class Probe {
public:
  /// Reads `device` now: the descriptor, every Feature report the descriptor
  /// lays out, the Input reports already queued. A report the device
  /// refuses is noted, not fatal. Throws DescriptorError for a malformed
  /// descriptor and DeviceError if the device is gone.
  explicit Probe(hid::Device& device);
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  const hid::DeviceInfo& info() const noexcept { return info_; }
  const hid::ReportDescriptor& descriptor() const noexcept { return descriptor_; }
  std::size_t descriptorBytes() const noexcept { return descriptorSize_; }
  hid::Dialect dialect() const noexcept { return dialect_; }
  const hid::ReportState& state() const noexcept { return state_; }
  const core::Snapshot& snapshot() const noexcept { return snapshot_; }
  /// Problems met while reading (refused reports, odd lengths, descriptor warnings).
  const std::vector<std::string>& notes() const noexcept { return notes_; }

  /// The human-readable dump: identity, one NUT-style `Path: …` line per
  /// field in descriptor order, then the variables.
  std::string text() const;
  /// The JSON object of DESIGN.md: {"device", "variables", "paths"}.
  std::string json() const;

private:
  void readFeatures(hid::Device& device);
  void readInputs(hid::Device& device);
  void store(hid::ReportType type, const std::vector<std::uint8_t>& report);

  hid::DeviceInfo info_;
  std::size_t descriptorSize_ = 0;
  hid::ReportDescriptor descriptor_;
  hid::Dialect dialect_;
  hid::ReportState state_;
  std::map<std::uint8_t, std::string> strings_;
  core::Snapshot snapshot_;
  std::vector<std::string> notes_;
};

/// A value as NUT's debug log prints it (printf "%g").
std::string formatNutValue(double value);

} // namespace hidupsd
