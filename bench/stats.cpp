// SPDX-License-Identifier: GPL-2.0-or-later
// Summary statistics: nearest-rank percentiles over sorted samples.
#include "bench/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hidupsd::bench {

double millisBetween(std::chrono::steady_clock::time_point from,
                     std::chrono::steady_clock::time_point to) noexcept {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

namespace {

double percentile(const std::vector<double>& sorted, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

} // namespace

Summary summarize(std::vector<double> samples) {
  Summary s;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  s.n = samples.size();
  s.min = samples.front();
  s.max = samples.back();
  s.p50 = percentile(samples, 50);
  s.p99 = percentile(samples, 99);
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(s.n);
  return s;
}

std::string summaryJson(const std::string& name, const Summary& s, const std::string& extra) {
  return fmt::format("{{\"name\": \"{}\", \"unit\": \"ms\", \"n\": {}, \"min\": {:.4f}, "
                     "\"p50\": {:.4f}, \"p99\": {:.4f}, \"mean\": {:.4f}, \"max\": {:.4f}{}{}}}",
                     name, s.n, s.min, s.p50, s.p99, s.mean, s.max, extra.empty() ? "" : ", ",
                     extra);
}

} // namespace hidupsd::bench
