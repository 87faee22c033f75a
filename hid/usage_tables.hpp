// SPDX-License-Identifier: GPL-2.0-or-later
// Usage names as NUT prints them, per vendor dialect, and HID path strings.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hid/dialect.hpp"
#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

/// The name NUT gives `usage` in dialect `d` (vendor table first, then the
/// generic HID Power Device / Battery System tables); empty if unnamed.
std::string_view usageName(Usage usage, Dialect d) noexcept;

/// The usage for a name, case-insensitive as NUT's lookup is.
std::optional<Usage> usageByName(std::string_view name, Dialect d) noexcept;

/// "UPS.PowerSummary.RemainingCapacity": named nodes by name, index nodes
/// as "[n]", unnamed usages as 8 lower-case hex digits ("ffff0042").
std::string pathToString(std::span<const Usage> path, Dialect d);

/// The inverse of pathToString(); nullopt if a node is neither a known
/// name, "[n]", nor 1..8 hex digits.
std::optional<std::vector<Usage>> pathFromString(std::string_view path, Dialect d);

} // namespace hidupsd::hid
