// SPDX-License-Identifier: GPL-2.0-or-later
// ReportSizes: the buffer sizes a real backend needs, from the report descriptor.
#include "hid/report_sizes.hpp"

#include "hid/dialect.hpp"
#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

ReportSizes::ReportSizes(std::span<const std::uint8_t> descriptor, const DeviceInfo& info)
    : maxReports_((quirksFor(info) & quirk::kApcMaxReport) != 0) {
  try {
    const auto parsed = ReportDescriptor::parse(descriptor);
    usesReportIds_ = parsed.usesReportIds();
    for (const auto& r : parsed.reports())
      if (r.type == ReportType::Feature) featureLengths_[r.id] = r.byteLength();
  } catch (const DescriptorError&) {
    // The defaults: IDs assumed, kMaxReport buffers.
  }
}

std::size_t ReportSizes::feature(std::uint8_t id) const noexcept {
  if (maxReports_) return kMaxReport;
  const auto known = featureLengths_.find(id);
  return known != featureLengths_.end() ? known->second : kMaxReport;
}

} // namespace hidupsd::hid
