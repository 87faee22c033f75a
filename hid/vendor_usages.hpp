// SPDX-License-Identifier: GPL-2.0-or-later
// Vendor usage names: each NUT subdriver's usage table, searched before the generic one.
#pragma once

#include <span>
#include <string_view>

#include "hid/dialect.hpp"
#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

/// A usage and the name NUT gives it.
struct UsageName {
  Usage usage;
  std::string_view name;
};

/// The table NUT's subdriver for `d` puts before hid_usage_lkp (empty for
/// Generic and the subdrivers whose own table is empty), sorted by usage.
std::span<const UsageName> vendorUsages(Dialect d) noexcept;

} // namespace hidupsd::hid
