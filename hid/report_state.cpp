// SPDX-License-Identifier: GPL-2.0-or-later
// ReportState: the latest bytes of each report and the field values in them.
#include "hid/report_state.hpp"

#include <fmt/format.h>

#include "hid/field_codec.hpp"

namespace hidupsd::hid {

std::string ReportState::store(ReportType type, std::span<const std::uint8_t> report) {
  if (report.empty()) throw ReportError(fmt::format("{} report: empty", nameOf(type)));
  const std::uint8_t id = report[0];
  const ReportLayout* layout = descriptor_->report(type, id);
  if (layout == nullptr)
    throw ReportError(fmt::format("{} report 0x{:02x}: not in the descriptor", nameOf(type), id));
  std::vector<std::uint8_t> bytes(report.begin(), report.end());
  std::string warning;
  if (bytes.size() != layout->byteLength()) {
    warning = fmt::format("{} report 0x{:02x}: {} bytes, the descriptor says {}{}", nameOf(type),
                          id, bytes.size(), layout->byteLength(),
                          bytes.size() < layout->byteLength() ? " (zero-padded)" : " (truncated)");
    bytes.resize(layout->byteLength(), 0);
  }
  reports_[{type, id}] = std::move(bytes);
  return warning;
}

bool ReportState::has(ReportType type, std::uint8_t id) const noexcept {
  return reports_.count({type, id}) != 0;
}

const std::vector<std::uint8_t>* ReportState::bytes(ReportType type,
                                                    std::uint8_t id) const noexcept {
  auto it = reports_.find({type, id});
  return it == reports_.end() ? nullptr : &it->second;
}

const std::vector<std::uint8_t>* ReportState::source(const Field& field) const noexcept {
  if (const auto* own = bytes(field.type, field.reportId)) return own;
  if (field.type != ReportType::Input) return nullptr;
  const auto* feature = bytes(ReportType::Feature, field.reportId);
  if (feature == nullptr) return nullptr;
  const std::size_t needBits = std::size_t{field.bitOffset} + field.bitSize;
  return (feature->size() - 1) * 8 >= needBits ? feature : nullptr;
}

std::optional<std::int64_t> ReportState::logical(const Field& field) const noexcept {
  const auto* src = source(field);
  if (src == nullptr) return std::nullopt;
  return readLogical(*src, field);
}

std::optional<double> ReportState::physical(const Field& field) const noexcept {
  auto l = logical(field);
  if (!l) return std::nullopt;
  return toPhysical(field, *l);
}

std::optional<std::vector<std::uint8_t>> ReportState::withLogical(const Field& field,
                                                                  std::int64_t value) const {
  const auto* src = bytes(field.type, field.reportId);
  if (src == nullptr) return std::nullopt;
  std::vector<std::uint8_t> out = *src;
  writeLogical(out, field, value);
  return out;
}

} // namespace hidupsd::hid
