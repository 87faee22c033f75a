// SPDX-License-Identifier: GPL-2.0-or-later
// Writables: the NUT variables a client may set on this UPS (upsrw), their ranges and enums.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hid/device.hpp"
#include "hid/report_state.hpp"
#include "ups/nut_mapping.hpp"
#include "ups/ups_model.hpp"

namespace hidupsd {

/// What NUT clients see of a writable variable (GET TYPE, LIST ENUM/RANGE).
struct WritableSpec {
  std::string name;
  int maxLength = 10;                         ///< NUT's STRING:n
  std::vector<std::string> enumValues;        ///< LIST ENUM, in table order
  std::optional<std::pair<long, long>> range; ///< LIST RANGE, inclusive
};

/// One variable clients may set, as NUT's usbhid-ups exposes it: the
/// mapping row (ST_FLAG_RW) that gives the variable on this UPS, the field
/// it writes, what values it takes. The pointers live as long as the model.
struct Writable : WritableSpec {
  enum class Kind : std::uint8_t {
    Number,      ///< a number within `range`, written as the field's physical value
    Enum,        ///< one of `enumValues` (the row's lookup texts)
    Date,        ///< "YYYY/MM/DD", written packed (PDC 1.0 §4.2.6)
    ServerDelay, ///< ups.delay.start/shutdown: kept by the daemon, sent by the commands
  };
  Kind kind = Kind::Number;
  const nut::VariableMap* row = nullptr;
  const hid::Field* field = nullptr; ///< the Feature field (ServerDelay: may be null)
};

/// Every variable of `model`'s mapping that this UPS lets clients set,
/// sorted by name: for each name, the first row whose path the descriptor
/// has decides (as NUT's first walk does); it must be marked writable and
/// its path be a non-constant Feature field (server-side delays: the path
/// exists). Ranges: the field's logical extent as physical values, within
/// the variable's NUT range (percentages 0..100, delays 0..32767).
std::vector<Writable> writablesOf(const UpsModel& model);

/// Why a value is refused, naming the variable and what it takes.
class InvalidValue : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The logical value to write for `text`, or, for ServerDelay, the seconds.
/// Throws InvalidValue (not a number, outside the range, not in the enum,
/// a bad date). Pure.
std::int64_t valueFor(const Writable& w, std::string_view text);

} // namespace hidupsd
