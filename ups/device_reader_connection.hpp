// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceReader::Connection and the helpers its two source files share (not a public header).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hid/descriptor_fixups.hpp"
#include "hid/dialect.hpp"
#include "hid/report_descriptor.hpp"
#include "hid/report_state.hpp"
#include "ups/device_reader.hpp"

namespace hidupsd {

namespace reader_detail {

inline constexpr std::string_view kDomain = "device";

using Kind = hid::DeviceError::Kind;

inline double seconds(core::Clock::duration d) noexcept { return core::Seconds(d).count(); }

} // namespace reader_detail

/// One open device and everything derived from its descriptor. Heap-held so
/// that the model's and state's pointers to `descriptor` stay valid.
struct DeviceReader::Connection {
  Connection(std::unique_ptr<hid::Device> dev, const std::vector<std::uint8_t>& bytes,
             const ReaderOptions& options)
      : device(std::move(dev)),
        descriptor(hid::parseFixed(bytes, device->info(), fixups, options.fixDescriptors)),
        model(descriptor, device->info(), options.model), state(descriptor),
        quirks(hid::quirksFor(device->info())) {}

  std::unique_ptr<hid::Device> device;
  std::vector<std::string> fixups; ///< the descriptor fix-ups applied (before `descriptor`)
  hid::ReportDescriptor descriptor;
  UpsModel model;
  hid::ReportState state;
  std::uint16_t quirks;
  std::map<std::uint8_t, std::string> strings; ///< indexedString() answers, per connection
  std::set<std::pair<hid::ReportType, std::uint8_t>> warned; ///< odd reports already logged
};

} // namespace hidupsd
