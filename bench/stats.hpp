// SPDX-License-Identifier: GPL-2.0-or-later
// Summary statistics of latency samples, and their one-line JSON form for bench/run.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace hidupsd::bench {

/// Milliseconds between two steady_clock instants.
double millisBetween(std::chrono::steady_clock::time_point from,
                     std::chrono::steady_clock::time_point to) noexcept;

struct Summary {
  std::size_t n = 0;
  double min = 0, p50 = 0, p99 = 0, mean = 0, max = 0; ///< same unit as the samples
};

/// Nearest-rank percentiles (p99 of 30 samples is the largest). Empty: all 0.
Summary summarize(std::vector<double> samples);

/// {"name": NAME, "unit": "ms", "n": .., "min": .., "p50": .., "p99": .., "mean": .., "max": ..}
/// plus `extra` (already JSON members, "" for none).
std::string summaryJson(const std::string& name, const Summary& s, const std::string& extra = "");

} // namespace hidupsd::bench
