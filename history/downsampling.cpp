// SPDX-License-Identifier: GPL-2.0-or-later
// Downsampling tiers and their bound.
#include "history/downsampling.hpp"

namespace hidupsd::history {

std::array<Tier, 3> tiers(int keepYears) noexcept {
  return {Tier{10, 2 * kDay}, Tier{300, 90 * kDay}, Tier{3600, keepYears * 365 * kDay}};
}

std::int64_t maxSampleRows(int keepYears) noexcept {
  std::int64_t rows = 0;
  for (const Tier& t : tiers(keepYears))
    rows += t.keep / t.step + 1;
  return rows;
}

} // namespace hidupsd::history
