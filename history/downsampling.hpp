// SPDX-License-Identifier: GPL-2.0-or-later
// Downsampling: how long samples keep each resolution, and the bound on their number.
#pragma once

#include <array>
#include <cstdint>

namespace hidupsd::history {

/// One resolution: rows of `step` seconds, kept while younger than `keep`
/// seconds, then merged into the next tier (the last tier is deleted).
struct Tier {
  std::int64_t step;
  std::int64_t keep;
};

inline constexpr std::int64_t kDay = 86400;

/// 10 s for 2 days, 5 min for 90 days, 1 h for `keepYears` years.
std::array<Tier, 3> tiers(int keepYears) noexcept;

/// The most sample rows the database can hold with these tiers: each tier's
/// keep / step (+1 for the bucket in progress), summed. With the default
/// 5 years: 17,281 + 25,921 + 43,801 = 87,003 rows, about 9 MB on disk at the
/// ~100 bytes a row (every column set, index and free pages included) that
/// bench/ measures: 4.8 MB after a simulated year.
std::int64_t maxSampleRows(int keepYears) noexcept;

} // namespace hidupsd::history
