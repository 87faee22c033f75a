// SPDX-License-Identifier: GPL-2.0-or-later
// Descriptor fix-ups: NUT's fix_report_desc() corrections of firmware-wrong logical ranges.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hid/device.hpp"
#include "hid/dialect.hpp"
#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

/// One correction NUT's usbhid-ups makes to a parsed descriptor before
/// decoding (a subdriver's fix_report_desc()): `applies` says for which
/// USB ids, `apply` changes fields in place and returns one line per field
/// changed (empty when the descriptor has not the bug). Pure: no I/O.
struct DescriptorFixup {
  std::string_view name;   ///< "cps-output-voltage"
  std::string_view source; ///< "cps-hid.c cps_fix_report_desc()"
  bool (*applies)(const DeviceInfo& info) noexcept;
  std::vector<std::string> (*apply)(ReportDescriptor& descriptor);
};

/// Every fix-up, in the order NUT applies them.
std::span<const DescriptorFixup> descriptorFixups() noexcept;

/// Applies every fix-up that applies to `info`; one line per change, each
/// naming the fix-up, the report ID, the field and the old and new range
/// ("cps-output-voltage: report 0x12 Voltage logical 136..142 -> 0..511").
std::vector<std::string> applyFixups(ReportDescriptor& descriptor, const DeviceInfo& info);

/// Parses `bytes` and applies the fix-ups (unless `fixups` is false); the
/// changes go to `notes`. Throws DescriptorError as ReportDescriptor::parse.
ReportDescriptor parseFixed(std::span<const std::uint8_t> bytes, const DeviceInfo& info,
                            std::vector<std::string>& notes, bool fixups = true);

} // namespace hidupsd::hid
