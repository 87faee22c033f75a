// SPDX-License-Identifier: GPL-2.0-or-later
// ReportState: the latest bytes of each report and the field values in them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

/// A report that does not fit the descriptor. what() names the report type,
/// ID and what is wrong ("Input report 0x42: not in the descriptor").
class ReportError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Holds the last report of each (type, ID) seen from a device. Pure: no I/O.
///
/// As NUT's usbhid-ups, an Input field whose Input report has not arrived yet
/// is read from the Feature report of the same ID when the descriptor lays
/// that report out at least as long (Eaton devices carry the same fields in
/// both; NUT reads them all with GET_REPORT(Feature)).
class ReportState {
public:
  explicit ReportState(const ReportDescriptor& descriptor) : descriptor_(&descriptor) {}

  /// Stores `report` (ID byte first). A report shorter than the descriptor's
  /// layout is zero-padded, a longer one truncated; both are reported as
  /// the returned warning text (empty when the length matched).
  /// Throws ReportError for an empty report or an ID the descriptor lacks.
  std::string store(ReportType type, std::span<const std::uint8_t> report);

  void clear() noexcept { reports_.clear(); }
  bool has(ReportType type, std::uint8_t id) const noexcept;
  /// The stored bytes, or nullptr.
  const std::vector<std::uint8_t>* bytes(ReportType type, std::uint8_t id) const noexcept;

  /// The field's logical value, nullopt while its report is unknown.
  std::optional<std::int64_t> logical(const Field& field) const noexcept;
  /// The field's physical value (NUT's `Value:`), nullopt while unknown.
  std::optional<double> physical(const Field& field) const noexcept;

  /// The field's report with the field set to `logical`, other fields as
  /// last read: what SET_REPORT must send. nullopt if the report is unknown.
  std::optional<std::vector<std::uint8_t>> withLogical(const Field& field,
                                                       std::int64_t logical) const;

  const ReportDescriptor& descriptor() const noexcept { return *descriptor_; }

private:
  const std::vector<std::uint8_t>* source(const Field& field) const noexcept;

  const ReportDescriptor* descriptor_;
  std::map<std::pair<ReportType, std::uint8_t>, std::vector<std::uint8_t>> reports_;
};

} // namespace hidupsd::hid
