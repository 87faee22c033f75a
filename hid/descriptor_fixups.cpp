// SPDX-License-Identifier: GPL-2.0-or-later
// Descriptor fix-ups: each of NUT's fix_report_desc() rules as one small function, listed in a
// table.
#include "hid/descriptor_fixups.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace hidupsd::hid {

namespace {

// Usages the rules look for (HID PDC 1.0 §4, §5).
constexpr Usage kVoltage = 0x00840030;
constexpr Usage kConfigVoltage = 0x00840040;
constexpr Usage kConfigActivePower = 0x00840044;
constexpr Usage kHighVoltageTransfer = 0x00840054;

// cps-hid.c: CPS_VOLTAGE_LOGMAX "includes safety margin"; CPS_NOMINALPWR_LOGMAX.
constexpr std::int64_t kCpsVoltageMax = 511;
constexpr std::int64_t kCpsNominalPowerMax = 2048;

using Lines = std::vector<std::string>;

bool sameRange(const Field& a, const Field& b) noexcept {
  return a.logicalMin == b.logicalMin && a.logicalMax == b.logicalMax;
}

/// Sets a field's range and says so.
void setRange(Lines& out, std::string_view rule, Field& f, std::int64_t min, std::int64_t max) {
  if (f.logicalMin == min && f.logicalMax == max) return;
  out.push_back(fmt::format("{}: report 0x{:02x} usage {:08x} logical {}..{} -> {}..{}", rule,
                            f.reportId, f.usage(), f.logicalMin, f.logicalMax, min, max));
  f.logicalMin = min;
  f.logicalMax = max;
}

// ---------------------------------------------------------------- CyberPower
// cps-hid.c cps_fix_report_desc() ("CyberPower HID 0.85"), 0764:0501 and
// 0764:0601 only.

bool cpsApplies(const DeviceInfo& info) noexcept {
  return dialectFor(info) == Dialect::CyberPower && info.vendorId == 0x0764 &&
         (info.productId == 0x0501 || info.productId == 0x0601);
}

/// CP900EPFCLCD, CP1500PFCLCD: the Output Voltage (report 0x12) carries the
/// High Voltage Transfer's limits (report 0x10); so may the Input Voltage
/// (0x0f) on EU models. Both become 0..511.
Lines cpsVoltageRanges(ReportDescriptor& d) {
  Lines out;
  const Field* hvt = d.findField(0x10, kHighVoltageTransfer);
  Field* output = d.findField(0x12, kVoltage);
  if (hvt == nullptr || output == nullptr || !sameRange(*hvt, *output)) return out;
  setRange(out, "cps-voltage-ranges", *output, 0, kCpsVoltageMax);
  if (Field* input = d.findField(0x0f, kVoltage); input && sameRange(*hvt, *input))
    setRange(out, "cps-voltage-ranges", *input, 0, kCpsVoltageMax);
  return out;
}

/// The largest value `f`'s bits hold unsigned (2^size - 1), as NUT cuts at.
std::int64_t bitsMax(const Field& f) noexcept {
  return f.bitSize >= 63 ? INT64_MAX : (std::int64_t{1} << f.bitSize) - 1;
}

/// A maximum the parser had to guess (below the minimum, read unsigned):
/// at least 511, the two voltages aligned, then cut to the field's bits.
Lines cpsAssumedMaximum(ReportDescriptor& d) {
  Lines out;
  Field* output = d.findField(0x12, kVoltage);
  Field* input = d.findField(0x0f, kVoltage);
  if (output == nullptr || input == nullptr) return out;
  if (!output->assumedLogicalMax && !input->assumedLogicalMax) return out;
  std::int64_t outMax = output->logicalMax;
  std::int64_t inMax = input->logicalMax;
  if (output->assumedLogicalMax && outMax < kCpsVoltageMax) outMax = kCpsVoltageMax;
  if (input->assumedLogicalMax && inMax < kCpsVoltageMax) inMax = kCpsVoltageMax;
  if (output->assumedLogicalMax && outMax < inMax)
    outMax = inMax;
  else if (input->assumedLogicalMax && inMax < outMax)
    inMax = outMax;
  if (input->assumedLogicalMax && input->bitSize > 1) inMax = std::min(inMax, bitsMax(*input));
  if (output->assumedLogicalMax && output->bitSize > 1) outMax = std::min(outMax, bitsMax(*output));
  setRange(out, "cps-assumed-maximum", *input, input->logicalMin, inMax);
  setRange(out, "cps-assumed-maximum", *output, output->logicalMin, outMax);
  return out;
}

/// ConfigActivePower (report 0x18) clipped by too small a maximum (NUT
/// issue #2917): 2048.
Lines cpsNominalPower(ReportDescriptor& d) {
  Lines out;
  Field* power = d.findField(0x18, kConfigActivePower);
  if (power != nullptr && power->logicalMax < kCpsNominalPowerMax)
    setRange(out, "cps-nominal-power", *power, power->logicalMin, kCpsNominalPowerMax);
  return out;
}

// ---------------------------------------------------------------- APC
// apc-hid.c apc_fix_report_desc() ("APC HID 0.101"), 051d:0002 only.

bool apcApplies(const DeviceInfo& info) noexcept {
  return dialectFor(info) == Dialect::Apc && info.vendorId == 0x051d && info.productId == 0x0002;
}

/// Back-UPS XS 1400U in a 220-240 V region: Input Voltage (0x31) and
/// ConfigVoltage (0x30) limited below the High Voltage Transfer (0x33).
Lines apcInputVoltage(ReportDescriptor& d) {
  Lines out;
  const Field* hvt = d.findField(0x33, kHighVoltageTransfer);
  if (hvt == nullptr) return out;
  const std::int64_t hvtMax = hvt->logicalMax;
  if (Field* v = d.findField(0x31, kVoltage); v && hvtMax > v->logicalMax)
    setRange(out, "apc-input-voltage", *v, 0, hvtMax * 2);
  if (Field* c = d.findField(0x30, kConfigVoltage); c && hvtMax > c->logicalMax)
    setRange(out, "apc-input-voltage", *c, c->logicalMin, 255);
  return out;
}

// idowell-hid.c idowell_fix_report_desc() ("iDowell HID 0.22") mends a
// Logical Maximum 0xFEFFFFFF that a 32-bit `long` (NUT on Windows) reads
// as negative. ReportDescriptor keeps extents in 64 bits and reads it as
// NUT on Linux does (4278190079): nothing to fix, so no rule here.

constexpr std::array kFixups = {
    DescriptorFixup{"cps-voltage-ranges", "cps-hid.c cps_fix_report_desc()", cpsApplies,
                    cpsVoltageRanges},
    DescriptorFixup{"cps-assumed-maximum", "cps-hid.c cps_fix_report_desc()", cpsApplies,
                    cpsAssumedMaximum},
    DescriptorFixup{"cps-nominal-power", "cps-hid.c cps_fix_report_desc()", cpsApplies,
                    cpsNominalPower},
    DescriptorFixup{"apc-input-voltage", "apc-hid.c apc_fix_report_desc()", apcApplies,
                    apcInputVoltage},
};

} // namespace

std::span<const DescriptorFixup> descriptorFixups() noexcept { return kFixups; }

std::vector<std::string> applyFixups(ReportDescriptor& descriptor, const DeviceInfo& info) {
  std::vector<std::string> out;
  for (const auto& fixup : kFixups) {
    if (!fixup.applies(info)) continue;
    for (auto& line : fixup.apply(descriptor))
      out.push_back(std::move(line));
  }
  return out;
}

ReportDescriptor parseFixed(std::span<const std::uint8_t> bytes, const DeviceInfo& info,
                            std::vector<std::string>& notes, bool fixups) {
  auto descriptor = ReportDescriptor::parse(bytes);
  if (!fixups) return descriptor;
  for (auto& line : applyFixups(descriptor, info))
    notes.push_back("descriptor fix-up " + std::move(line));
  return descriptor;
}

} // namespace hidupsd::hid
