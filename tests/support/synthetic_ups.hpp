// SPDX-License-Identifier: GPL-2.0-or-later
// SyntheticUps: a report descriptor and its reports built from NUT paths, for mapping tests.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hid/device.hpp"
#include "hid/dialect.hpp"

namespace hidupsd::test {

/// One field of a synthetic UPS: a NUT path (in the device's dialect), the
/// logical value its Feature report holds, and how it is laid out. Each
/// field gets a report of its own, IDs from 1 in order.
struct SyntheticField {
  std::string path;
  std::int64_t value = 0;
  unsigned bits = 16;
  std::int64_t logicalMin = 0;
  std::int64_t logicalMax = 65535;
  std::int8_t exponent = 0; ///< Unit Exponent, -8..7 (no unit: physical = logical x 10^e)
};

/// A descriptor with one Feature field per entry (collections as the path
/// says, "[n]" nodes as vendor collection types 0x80 + n) and the Feature
/// reports holding the values. Throws std::invalid_argument for a path the
/// dialect cannot resolve.
struct SyntheticUps {
  hid::DeviceInfo info;
  std::vector<std::uint8_t> descriptor;
  std::vector<std::vector<std::uint8_t>> features;
  std::map<std::uint8_t, std::string> strings;

  SyntheticUps(hid::DeviceInfo device, const std::vector<SyntheticField>& fields,
               std::map<std::uint8_t, std::string> indexed = {});
  /// The same UPS as replay-file text (DESIGN.md's format).
  std::string replayText() const;
};

} // namespace hidupsd::test
