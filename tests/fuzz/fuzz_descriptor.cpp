// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: a report descriptor, then reports decoded through it into NUT variables.
//
// Input layout (tools/fuzz-seeds writes the fixtures this way):
//   u16 LE vendor ID, u16 LE product ID   -> DeviceInfo (picks the NUT dialect)
//   u16 LE n, then n descriptor bytes     -> ReportDescriptor::parse
//   records to the end: u8 type, u8 len, len bytes (ID byte first)
//                                         -> storeReport(Input/Output/Feature)
// then every field's value, a write of each field back into its report, and
// UpsModel::snapshot. Malformed input is a normal outcome (DescriptorError,
// ReportError); anything else escaping, or a sanitizer report, is a finding.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "hid/report_descriptor.hpp"
#include "hid/report_state.hpp"
#include "ups/ups_model.hpp"

using namespace hidupsd;

namespace {

/// Reads the fuzz input front to back; a short read yields what is left.
class Reader {
public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}
  bool empty() const noexcept { return data_.empty(); }
  std::uint8_t u8() noexcept { return take(1).empty() ? 0 : last_[0]; }
  std::uint16_t u16() noexcept {
    const auto b = take(2);
    return b.size() < 2 ? 0 : static_cast<std::uint16_t>(b[0] | (b[1] << 8));
  }
  std::span<const std::uint8_t> take(std::size_t n) noexcept {
    last_ = data_.first(std::min(n, data_.size()));
    data_ = data_.subspan(last_.size());
    return last_;
  }

private:
  std::span<const std::uint8_t> data_;
  std::span<const std::uint8_t> last_;
};

hid::ReportType reportType(std::uint8_t b) noexcept {
  return static_cast<hid::ReportType>(b % 3 + 1);
}

/// What --probe does with a state: every field's value, and each field
/// written back into its report (the SET_REPORT path). (Path names are
/// made by the UpsModel constructor already.)
void readEveryField(const hid::ReportState& state) {
  for (const auto& field : state.descriptor().fields()) {
    (void)state.physical(field);
    if (const auto logical = state.logical(field))
      (void)state.withLogical(field, field.logicalMax - *logical + field.logicalMin);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in({data, size});
  hid::DeviceInfo info;
  info.vendorId = in.u16();
  info.productId = in.u16();
  const auto descriptorBytes = in.take(in.u16());
  hid::ReportDescriptor descriptor;
  try {
    descriptor = hid::ReportDescriptor::parse(descriptorBytes);
  } catch (const hid::DescriptorError&) {
    return 0;
  }
  hid::ReportState state(descriptor);
  const UpsModel model(descriptor, info);
  while (!in.empty()) {
    const auto type = reportType(in.u8());
    const auto report = in.take(in.u8());
    try {
      storeReport(state, type, report);
    } catch (const hid::ReportError&) {
      // A report the descriptor does not lay out: the device reader skips it too.
    }
  }
  readEveryField(state);
  const auto strings = [](std::uint8_t index) { return "string " + std::to_string(index); };
  (void)model.snapshot(state, strings);
  return 0;
}
