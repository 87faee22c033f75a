// SPDX-License-Identifier: GPL-2.0-or-later
// ReportDescriptor: the fields of a HID report descriptor (HID 1.11 §6.2.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hidupsd::hid {

/// A usage: page in the high 16 bits, usage ID in the low 16 bits.
using Usage = std::uint32_t;

constexpr Usage makeUsage(std::uint16_t page, std::uint16_t id) noexcept {
  return (Usage{page} << 16) | id;
}

/// A path node that is not a usage but the index of a numbered collection
/// (collection type 0x80..0xFF, vendor-defined): NUT prints it as `[n]`.
constexpr Usage kIndexNodeTag = 0x00ff0000;
constexpr bool isIndexNode(Usage node) noexcept { return (node & 0xffff0000) == kIndexNodeTag; }
constexpr Usage makeIndexNode(std::uint8_t n) noexcept { return kIndexNodeTag | n; }

enum class ReportType : std::uint8_t { Input = 1, Output = 2, Feature = 3 };

const char* nameOf(ReportType type) noexcept; // "Input", "Output", "Feature"

/// Main item data bits (HID 1.11 §6.2.2.5).
namespace flags {
constexpr std::uint32_t kConstant = 1u << 0;
constexpr std::uint32_t kVariable = 1u << 1;
constexpr std::uint32_t kRelative = 1u << 2;
constexpr std::uint32_t kWrap = 1u << 3;
constexpr std::uint32_t kNonLinear = 1u << 4;
constexpr std::uint32_t kNoPreferred = 1u << 5;
constexpr std::uint32_t kNullState = 1u << 6;
constexpr std::uint32_t kVolatile = 1u << 7;
constexpr std::uint32_t kBufferedBytes = 1u << 8;
} // namespace flags

/// One data field: a single report-count element that has a usage of its own.
struct Field {
  std::vector<Usage> path; ///< collection usages (and index nodes), then the field's usage
  ReportType type = ReportType::Feature;
  std::uint8_t reportId = 0;   ///< 0 when the descriptor declares no report IDs
  std::uint32_t bitOffset = 0; ///< from the first data bit, after the report ID byte
  std::uint32_t bitSize = 0;   ///< 1..32
  std::int64_t logicalMin = 0; ///< sign-extended by item size (HID 1.11 §6.2.2.7)
  std::int64_t logicalMax = 0;
  /// This field's Logical Maximum, or an earlier one in the descriptor, was
  /// below Logical Minimum and read as unsigned (NUT's assumed_LogMax, which
  /// NUT never clears once set).
  bool assumedLogicalMax = false;
  std::optional<std::int64_t> physicalMin; ///< absent when the descriptor never set it
  std::optional<std::int64_t> physicalMax;
  std::uint32_t unit = 0;
  std::int8_t unitExponent = 0; ///< -8..7
  std::uint32_t flags = 0;      ///< main item data bits, see `flags::`
  std::size_t itemOffset = 0;   ///< byte offset of the main item in the descriptor

  Usage usage() const noexcept { return path.empty() ? 0 : path.back(); }
  bool isConstant() const noexcept { return (flags & flags::kConstant) != 0; }
};

/// The size of one report as the descriptor lays it out.
struct ReportLayout {
  ReportType type = ReportType::Feature;
  std::uint8_t id = 0;
  std::uint32_t bitLength = 0; ///< data bits, report ID byte not included

  /// Bytes on the wire: the report ID byte (always present in our buffers,
  /// 0 when the descriptor declares none) plus the data rounded up.
  std::size_t byteLength() const noexcept { return 1 + (bitLength + 7) / 8; }
};

/// A malformed descriptor. what() names the byte offset and the reason.
class DescriptorError : public std::runtime_error {
public:
  DescriptorError(std::size_t offset, const std::string& reason);
  std::size_t offset() const noexcept { return offset_; }

private:
  std::size_t offset_;
};

/// Limits that keep a hostile descriptor from costing unbounded memory or time.
struct ParseLimits {
  std::size_t maxDescriptorBytes = 65535; ///< wDescriptorLength is 16 bits
  std::size_t maxFields = 8192;
  std::size_t maxDepth = 32;     ///< collection nesting
  std::size_t maxPushDepth = 16; ///< Push without Pop
  std::uint32_t maxReportCount = 4096;
  std::uint32_t maxReportBits = 8 * 4096; ///< per report
  std::size_t maxUsagesPerItem = 1024;    ///< incl. Usage Minimum..Maximum ranges
};

/// A parsed report descriptor: every data field in descriptor order, and
/// the length of every report. Immutable and cheap to share once built.
class ReportDescriptor {
public:
  /// Parses `bytes`. Throws DescriptorError on malformed input.
  static ReportDescriptor parse(std::span<const std::uint8_t> bytes,
                                const ParseLimits& limits = {});

  const std::vector<Field>& fields() const noexcept { return fields_; }
  const std::vector<ReportLayout>& reports() const noexcept { return reports_; }
  /// True when the descriptor declares Report IDs.
  bool usesReportIds() const noexcept { return usesReportIds_; }
  /// The layout of a report, or nullptr if the descriptor has none such.
  const ReportLayout* report(ReportType type, std::uint8_t id) const noexcept;
  /// Oddities tolerated while parsing, each naming its byte offset
  /// (e.g. Logical Maximum below Logical Minimum, reinterpreted as NUT does).
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  /// The top-level application collections' usages (e.g. 0x00840004 UPS).
  const std::vector<Usage>& applications() const noexcept { return applications_; }

  /// The first field of report `reportId` (any type) whose own usage is
  /// `usage`, or nullptr: NUT's FindObject_with_ID_Node(), for the
  /// descriptor fix-ups (descriptor_fixups.hpp), which change it in place.
  Field* findField(std::uint8_t reportId, Usage usage) noexcept;

private:
  friend class DescriptorParser;
  std::vector<Field> fields_;
  std::vector<ReportLayout> reports_;
  std::vector<std::string> warnings_;
  std::vector<Usage> applications_;
  bool usesReportIds_ = false;
};

} // namespace hidupsd::hid
