// SPDX-License-Identifier: GPL-2.0-or-later
// NUT's value conversions of the newer subdrivers (*_fun in drivers/*-hid.c), as pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ups/nut_mapping.hpp"

namespace hidupsd::nut {

/// printf("%.Nf"): NUT formats with the C library, and so do we, so that
/// ties round the same way ("%.0f" of 2.5 is "2").
std::string fixed(double value, int decimals);

/// The conversions that need the value and the device's quirk bits only
/// (Scaled, CpsFrequency, Liebert*, BelkinFirmware, LowNibbleLookup,
/// DeltaUpsType, OpenUpsTemperature, Powercom*); nullopt for other kinds
/// and for values NUT gives no text for. Pure.
std::optional<std::string> convertForDevice(const VariableMap& m, double value,
                                            std::uint16_t quirks);

} // namespace hidupsd::nut
