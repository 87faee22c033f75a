// SPDX-License-Identifier: GPL-2.0-or-later
// ReportDescriptor: a HID 1.11 §6.2.2 report-descriptor parser, NUT-compatible paths.
#include "hid/report_descriptor.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace hidupsd::hid {

const char* nameOf(ReportType type) noexcept {
  switch (type) {
  case ReportType::Input: return "Input";
  case ReportType::Output: return "Output";
  case ReportType::Feature: return "Feature";
  }
  return "Unknown";
}

DescriptorError::DescriptorError(std::size_t offset, const std::string& reason)
    : std::runtime_error(fmt::format("report descriptor byte {}: {}", offset, reason)),
      offset_(offset) {}

Field* ReportDescriptor::findField(std::uint8_t reportId, Usage usage) noexcept {
  const auto it = std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) {
    return f.reportId == reportId && f.usage() == usage;
  });
  return it == fields_.end() ? nullptr : &*it;
}

const ReportLayout* ReportDescriptor::report(ReportType type, std::uint8_t id) const noexcept {
  auto it = std::find_if(reports_.begin(), reports_.end(),
                         [&](const ReportLayout& r) { return r.type == type && r.id == id; });
  return it == reports_.end() ? nullptr : &*it;
}

namespace {

// Item types and tags, HID 1.11 §6.2.2.4 (main), §6.2.2.7 (global), §6.2.2.8 (local).
enum ItemType : std::uint8_t { kMain = 0, kGlobal = 1, kLocal = 2, kReserved = 3 };

namespace main_tag {
constexpr std::uint8_t kInput = 0x8, kOutput = 0x9, kCollection = 0xA, kFeature = 0xB,
                       kEndCollection = 0xC;
}
namespace global_tag {
constexpr std::uint8_t kUsagePage = 0x0, kLogicalMin = 0x1, kLogicalMax = 0x2, kPhysicalMin = 0x3,
                       kPhysicalMax = 0x4, kUnitExponent = 0x5, kUnit = 0x6, kReportSize = 0x7,
                       kReportId = 0x8, kReportCount = 0x9, kPush = 0xA, kPop = 0xB;
}
namespace local_tag {
constexpr std::uint8_t kUsage = 0x0, kUsageMin = 0x1, kUsageMax = 0x2, kDelimiter = 0xA;
}

constexpr std::uint8_t kLongItemPrefix = 0xFE;

/// One short item as read from the descriptor.
struct Item {
  std::size_t offset = 0; ///< of the prefix byte
  std::uint8_t type = 0;
  std::uint8_t tag = 0;
  std::uint8_t size = 0; ///< data bytes: 0, 1, 2 or 4
  std::uint32_t data = 0;

  std::int64_t signedData() const noexcept {
    switch (size) {
    case 1: return static_cast<std::int8_t>(data);
    case 2: return static_cast<std::int16_t>(data);
    case 4: return static_cast<std::int32_t>(data);
    default: return 0;
    }
  }
};

/// The global item state (§6.2.2.7), saved and restored by Push/Pop.
struct GlobalState {
  std::uint16_t usagePage = 0;
  std::int64_t logicalMin = 0;
  std::int64_t logicalMax = 0;
  std::optional<std::int64_t> physicalMin;
  std::optional<std::int64_t> physicalMax;
  std::int8_t unitExponent = 0;
  std::uint32_t unit = 0;
  std::uint32_t reportSize = 0;
  std::uint8_t reportId = 0;
  std::uint32_t reportCount = 0;
};

/// The local item state (§6.2.2.8), cleared after every main item.
struct LocalState {
  std::vector<Usage> usages;
  std::size_t nextUsage = 0; ///< the usage the next control takes
  std::optional<Usage> usageMin;
  bool inDelimiter = false;
  bool delimiterHasUsage = false;
};

} // namespace

/// Walks the descriptor item by item; one member per item kind, one fail().
class DescriptorParser {
public:
  DescriptorParser(std::span<const std::uint8_t> bytes, const ParseLimits& limits)
      : bytes_(bytes), limits_(limits) {}

  ReportDescriptor run();

private:
  [[noreturn]] void fail(std::size_t offset, const std::string& why) const {
    throw DescriptorError(offset, why);
  }
  void warn(std::size_t offset, const std::string& what) {
    result_.warnings_.push_back(fmt::format("byte {}: {}", offset, what));
  }

  Item readItem();
  void skipLongItem();
  void onMain(const Item& item);
  void onGlobal(const Item& item);
  void onLocal(const Item& item);

  void onCollection(const Item& item);
  void onEndCollection(const Item& item);
  void onData(const Item& item, ReportType type);
  void onLogicalMax(const Item& item);
  void onUnitExponent(const Item& item);
  void onReportId(const Item& item);
  void onPop(const Item& item);
  void onUsage(const Item& item);
  void onUsageMin(const Item& item);
  void onUsageMax(const Item& item);
  void onDelimiter(const Item& item);

  Usage fullUsage(const Item& item) const noexcept;
  void addUsage(const Item& item, Usage usage);
  Usage takeUsage() noexcept;
  void checkDataItem(const Item& item) const;
  void emitField(const Item& item, ReportType type, Usage usage, std::uint32_t bitOffset);
  std::uint32_t& reportBits(ReportType type, std::uint8_t id) { return bits_[{type, id}]; }
  void finish();

  std::span<const std::uint8_t> bytes_;
  ParseLimits limits_;
  std::size_t pos_ = 0;
  GlobalState global_;
  bool assumedMax_ = false; ///< a Logical Maximum was read as unsigned (sticky, as NUT's)
  std::vector<GlobalState> pushed_;
  LocalState local_;
  std::vector<Usage> path_; ///< collection nodes, index nodes included
  std::vector<std::size_t> nodesPerCollection_;
  std::vector<std::size_t> collectionOffsets_;
  std::map<std::pair<ReportType, std::uint8_t>, std::uint32_t> bits_;
  ReportDescriptor result_;
};

ReportDescriptor DescriptorParser::run() {
  if (bytes_.size() > limits_.maxDescriptorBytes)
    fail(0, fmt::format("descriptor is {} bytes, more than the {} allowed", bytes_.size(),
                        limits_.maxDescriptorBytes));
  if (bytes_.empty()) fail(0, "descriptor is empty");
  while (pos_ < bytes_.size()) {
    if (bytes_[pos_] == kLongItemPrefix) {
      skipLongItem();
      continue;
    }
    Item item = readItem();
    switch (item.type) {
    case kMain: onMain(item); break;
    case kGlobal: onGlobal(item); break;
    case kLocal: onLocal(item); break;
    default:
      warn(item.offset,
           fmt::format("reserved item type (prefix 0x{:02x}) skipped", bytes_[item.offset]));
    }
  }
  finish();
  return std::move(result_);
}

Item DescriptorParser::readItem() {
  static constexpr std::uint8_t kDataSize[4] = {0, 1, 2, 4};
  Item item;
  item.offset = pos_;
  const std::uint8_t prefix = bytes_[pos_++];
  item.size = kDataSize[prefix & 0x3];
  item.type = static_cast<std::uint8_t>((prefix >> 2) & 0x3);
  item.tag = static_cast<std::uint8_t>(prefix >> 4);
  if (bytes_.size() - pos_ < item.size)
    fail(item.offset, fmt::format("item 0x{:02x} needs {} data bytes, only {} left", prefix,
                                  item.size, bytes_.size() - pos_));
  for (std::uint8_t i = 0; i < item.size; ++i)
    item.data |= std::uint32_t{bytes_[pos_ + i]} << (8 * i);
  pos_ += item.size;
  return item;
}

// HID 1.11 §6.2.2.3: long items carry no defined meaning; skip them whole.
void DescriptorParser::skipLongItem() {
  const std::size_t at = pos_;
  if (bytes_.size() - pos_ < 3) fail(at, "truncated long item");
  const std::size_t dataSize = bytes_[pos_ + 1];
  if (bytes_.size() - pos_ - 3 < dataSize)
    fail(at, fmt::format("long item needs {} data bytes, only {} left", dataSize,
                         bytes_.size() - pos_ - 3));
  pos_ += 3 + dataSize;
  warn(at, "long item skipped");
}

void DescriptorParser::onMain(const Item& item) {
  switch (item.tag) {
  case main_tag::kInput: onData(item, ReportType::Input); break;
  case main_tag::kOutput: onData(item, ReportType::Output); break;
  case main_tag::kFeature: onData(item, ReportType::Feature); break;
  case main_tag::kCollection: onCollection(item); break;
  case main_tag::kEndCollection: onEndCollection(item); break;
  default: warn(item.offset, fmt::format("reserved main item tag 0x{:x} skipped", item.tag));
  }
  if (local_.inDelimiter) fail(item.offset, "main item inside an open Delimiter set");
  local_ = LocalState{};
}

// A collection's path node is its (first) usage; a collection type of
// 0x80..0xFF (vendor-defined) adds an index node, printed "[n]" — this is
// how NUT numbers Eaton's Flow/Outlet/Input collections (hidparser.c).
void DescriptorParser::onCollection(const Item& item) {
  if (nodesPerCollection_.size() >= limits_.maxDepth)
    fail(item.offset, fmt::format("collections nested deeper than {}", limits_.maxDepth));
  const Usage usage = takeUsage();
  path_.push_back(usage);
  std::size_t nodes = 1;
  if (item.data >= 0x80 && item.data <= 0xFF) {
    path_.push_back(makeIndexNode(static_cast<std::uint8_t>(item.data & 0x7F)));
    ++nodes;
  }
  if (nodesPerCollection_.empty()) result_.applications_.push_back(usage);
  nodesPerCollection_.push_back(nodes);
  collectionOffsets_.push_back(item.offset);
}

void DescriptorParser::onEndCollection(const Item& item) {
  if (nodesPerCollection_.empty()) fail(item.offset, "End Collection without a Collection");
  path_.resize(path_.size() - nodesPerCollection_.back());
  nodesPerCollection_.pop_back();
  collectionOffsets_.pop_back();
}

void DescriptorParser::checkDataItem(const Item& item) const {
  if (global_.reportCount > limits_.maxReportCount)
    fail(item.offset, fmt::format("Report Count {} is more than the {} allowed",
                                  global_.reportCount, limits_.maxReportCount));
  if (global_.reportCount == 0) return;
  if (global_.reportSize == 0) fail(item.offset, "Report Size is 0");
  if (global_.reportSize > 32)
    fail(item.offset, fmt::format("Report Size {} is more than 32 bits", global_.reportSize));
}

// Each report-count element takes the next usage of the local list; once the
// list is used up the elements are padding or continuations and get no field,
// as in NUT's HIDParse (HID 1.11 §6.2.2.8 would repeat the last usage; NUT,
// whose paths we must match, does not).
void DescriptorParser::onData(const Item& item, ReportType type) {
  checkDataItem(item);
  std::uint32_t& bits = reportBits(type, global_.reportId);
  for (std::uint32_t i = 0; i < global_.reportCount; ++i) {
    if (bits + global_.reportSize > limits_.maxReportBits)
      fail(item.offset, fmt::format("{} report 0x{:02x} grows past {} bits", nameOf(type),
                                    global_.reportId, limits_.maxReportBits));
    const Usage usage = takeUsage();
    if (usage != 0) emitField(item, type, usage, bits);
    bits += global_.reportSize;
  }
}

void DescriptorParser::emitField(const Item& item, ReportType type, Usage usage,
                                 std::uint32_t bitOffset) {
  if (result_.fields_.size() >= limits_.maxFields)
    fail(item.offset, fmt::format("more than {} fields", limits_.maxFields));
  Field f;
  f.path = path_;
  f.path.push_back(usage);
  f.type = type;
  f.reportId = global_.reportId;
  f.bitOffset = bitOffset;
  f.bitSize = global_.reportSize;
  f.logicalMin = global_.logicalMin;
  f.logicalMax = global_.logicalMax;
  f.assumedLogicalMax = assumedMax_;
  f.physicalMin = global_.physicalMin;
  f.physicalMax = global_.physicalMax;
  f.unit = global_.unit;
  f.unitExponent = global_.unitExponent;
  f.flags = item.data;
  f.itemOffset = item.offset;
  result_.fields_.push_back(std::move(f));
}

void DescriptorParser::onGlobal(const Item& item) {
  switch (item.tag) {
  case global_tag::kUsagePage: global_.usagePage = static_cast<std::uint16_t>(item.data); break;
  case global_tag::kLogicalMin: global_.logicalMin = item.signedData(); break;
  case global_tag::kLogicalMax: onLogicalMax(item); break;
  case global_tag::kPhysicalMin: global_.physicalMin = item.signedData(); break;
  case global_tag::kPhysicalMax: global_.physicalMax = item.signedData(); break;
  case global_tag::kUnitExponent: onUnitExponent(item); break;
  case global_tag::kUnit: global_.unit = item.data; break;
  case global_tag::kReportSize: global_.reportSize = item.data; break;
  case global_tag::kReportId: onReportId(item); break;
  case global_tag::kReportCount: global_.reportCount = item.data; break;
  case global_tag::kPush:
    if (pushed_.size() >= limits_.maxPushDepth) fail(item.offset, "too many nested Push items");
    pushed_.push_back(global_);
    break;
  case global_tag::kPop: onPop(item); break;
  default: warn(item.offset, fmt::format("reserved global item tag 0x{:x} skipped", item.tag));
  }
}

// Logical Maximum is signed like every extent (§6.2.2.7), but some firmware
// writes an unsigned maximum that overflows into the sign bit (Eaton Ellipse
// ECO, NUT issue #1507). As NUT does, a maximum below the minimum is read
// again as unsigned, and we say so. NUT's parser marks that "assumed" and
// never clears the mark: every later field carries it too, and the
// CyberPower fix-up (descriptor_fixups.cpp) reads it.
void DescriptorParser::onLogicalMax(const Item& item) {
  global_.logicalMax = item.signedData();
  if (global_.logicalMax < global_.logicalMin) {
    warn(item.offset,
         fmt::format("Logical Maximum {} is below Logical Minimum {} (report 0x{:02x}); "
                     "read as unsigned {}",
                     global_.logicalMax, global_.logicalMin, global_.reportId, item.data));
    global_.logicalMax = item.data;
    assumedMax_ = true;
  }
}

// Unit Exponent is a signed nibble (§6.2.2.7: 0x0..0x7 = 0..7, 0x8..0xF =
// -8..-1). Some descriptors write a full signed byte instead (0xFE = -2);
// both read the same, as in NUT.
void DescriptorParser::onUnitExponent(const Item& item) {
  const std::int64_t v =
      item.data <= 0xF ? static_cast<std::int64_t>(item.data) : item.signedData();
  if (v >= 8 && v <= 15) {
    global_.unitExponent = static_cast<std::int8_t>(v - 16);
  } else if (v >= -8 && v <= 7) {
    global_.unitExponent = static_cast<std::int8_t>(v);
  } else {
    fail(item.offset, fmt::format("Unit Exponent {} is out of range -8..7", v));
  }
}

void DescriptorParser::onReportId(const Item& item) {
  if (item.data == 0 || item.data > 0xFF)
    fail(item.offset, fmt::format("Report ID {} is outside 1..255", item.data));
  global_.reportId = static_cast<std::uint8_t>(item.data);
  result_.usesReportIds_ = true;
}

void DescriptorParser::onPop(const Item& item) {
  if (pushed_.empty()) fail(item.offset, "Pop without a Push");
  global_ = pushed_.back();
  pushed_.pop_back();
}

void DescriptorParser::onLocal(const Item& item) {
  switch (item.tag) {
  case local_tag::kUsage: onUsage(item); break;
  case local_tag::kUsageMin: onUsageMin(item); break;
  case local_tag::kUsageMax: onUsageMax(item); break;
  case local_tag::kDelimiter: onDelimiter(item); break;
  default: break; // designator and string indices: no use for a UPS, no effect on layout
  }
}

// A 4-byte usage is an extended usage carrying its own page (§6.2.2.8);
// shorter ones take the Usage Page in effect now, as NUT does.
Usage DescriptorParser::fullUsage(const Item& item) const noexcept {
  if (item.size == 4) return item.data;
  return makeUsage(global_.usagePage, static_cast<std::uint16_t>(item.data));
}

void DescriptorParser::addUsage(const Item& item, Usage usage) {
  if (local_.usages.size() >= limits_.maxUsagesPerItem)
    fail(item.offset,
         fmt::format("more than {} usages for one main item", limits_.maxUsagesPerItem));
  local_.usages.push_back(usage);
}

// Inside a Delimiter set the usages are alternatives for one control
// (§6.2.2.8); the first is the preferred one and the only one we keep.
void DescriptorParser::onUsage(const Item& item) {
  if (local_.inDelimiter) {
    if (local_.delimiterHasUsage) return;
    local_.delimiterHasUsage = true;
  }
  addUsage(item, fullUsage(item));
}

void DescriptorParser::onUsageMin(const Item& item) { local_.usageMin = fullUsage(item); }

void DescriptorParser::onUsageMax(const Item& item) {
  if (!local_.usageMin) fail(item.offset, "Usage Maximum without a Usage Minimum");
  const Usage lo = *local_.usageMin;
  const Usage hi = fullUsage(item);
  if ((lo >> 16) != (hi >> 16)) fail(item.offset, "Usage Minimum and Maximum on different pages");
  if (hi < lo) fail(item.offset, "Usage Maximum is below Usage Minimum");
  if (hi - lo >= limits_.maxUsagesPerItem)
    fail(item.offset,
         fmt::format("usage range of {} is more than {}", hi - lo + 1, limits_.maxUsagesPerItem));
  for (Usage u = lo; u <= hi; ++u)
    addUsage(item, u);
  local_.usageMin.reset();
}

void DescriptorParser::onDelimiter(const Item& item) {
  const bool open = item.data == 1;
  if (open && local_.inDelimiter) fail(item.offset, "nested Delimiter sets");
  if (!open && !local_.inDelimiter) fail(item.offset, "Delimiter close without an open");
  local_.inDelimiter = open;
  local_.delimiterHasUsage = false;
}

Usage DescriptorParser::takeUsage() noexcept {
  if (local_.nextUsage >= local_.usages.size()) return 0;
  return local_.usages[local_.nextUsage++];
}

void DescriptorParser::finish() {
  if (!nodesPerCollection_.empty())
    fail(collectionOffsets_.back(),
         fmt::format(
             "{} collection(s) not closed at the end of the descriptor (innermost opened here)",
             nodesPerCollection_.size()));
  if (!pushed_.empty()) warn(bytes_.size(), "Push without a Pop at the end of the descriptor");
  for (const auto& [key, bits] : bits_)
    result_.reports_.push_back(ReportLayout{key.first, key.second, bits});
}

ReportDescriptor ReportDescriptor::parse(std::span<const std::uint8_t> bytes,
                                         const ParseLimits& limits) {
  return DescriptorParser(bytes, limits).run();
}

} // namespace hidupsd::hid
