// SPDX-License-Identifier: GPL-2.0-or-later
// ReportSizes: the buffer sizes a real backend needs, from the report descriptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "hid/device.hpp"

namespace hidupsd::hid {

/// What the hidapi and hidraw backends need to know of a descriptor: whether
/// reports carry an ID byte, and how long each feature report is.
class ReportSizes {
public:
  /// A buffer for a report the descriptor does not size.
  static constexpr std::size_t kMaxReport = 4096;

  /// Unknown descriptor: IDs assumed, kMaxReport buffers.
  ReportSizes() = default;
  /// From the descriptor of the device `info` names. A malformed descriptor
  /// gives the defaults (probe and the reader say what is wrong with it).
  ReportSizes(std::span<const std::uint8_t> descriptor, const DeviceInfo& info);

  bool usesReportIds() const noexcept { return usesReportIds_; }
  /// The buffer for GET_REPORT(Feature, id), ID byte included: the declared
  /// length, or kMaxReport when it is unknown or the device answers more
  /// than it declares (quirk::kApcMaxReport, apc-hid.c's Back-UPS ES / CS).
  std::size_t feature(std::uint8_t id) const noexcept;

private:
  bool usesReportIds_ = true;
  bool maxReports_ = false;
  std::map<std::uint8_t, std::size_t> featureLengths_; ///< ID → length with the ID byte
};

} // namespace hidupsd::hid
