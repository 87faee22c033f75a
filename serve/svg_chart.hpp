// SPDX-License-Identifier: GPL-2.0-or-later
// renderSvgChart: a time series as an accessible SVG line chart, drawn by the daemon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hidupsd::serve {

/// One value at one time (Unix seconds).
struct ChartPoint {
  std::int64_t time = 0;
  double value = 0;
};

/// One line of a chart ("input", "output").
struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points; ///< in time order
};

/// A span of time marked behind the lines (an outage), with its hover text.
struct ChartBand {
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::string label; ///< "Outage 14:03–14:10, 7 min"
};

/// Everything one chart shows. A value type; the page asks for it by metric and range.
struct ChartData {
  std::string title;         ///< "Battery charge"
  std::string unit;          ///< "%", "min", "V"
  std::int64_t from = 0;     ///< the window, Unix seconds
  std::int64_t to = 0;       ///< (to > from)
  std::int64_t maxGap = 600; ///< s: points further apart than this are not joined
  std::optional<double> low; ///< the axis' fixed bottom (0 for %), else from the data
  std::optional<double> high;
  std::vector<ChartSeries> series; ///< at most 4 are drawn (classes series-0..3)
  std::vector<ChartBand> bands;
  int utcOffsetMinutes = 0; ///< the viewer's time zone, for the time labels
  int width = 600;          ///< px, clamped to 240..1600
  int height = 180;         ///< px, clamped to 120..600
};

/// The chart as a standalone SVG document: role="img" with an aria-label, a <title> and a
/// <desc> that say in words what the lines show (range, last value, the marked spans), a
/// horizontal grid with value labels, time labels at round times of the viewer's zone, the bands as
/// rects with a <title> each, one <path> per series broken at gaps, and a legend when there are
/// several. No inline style and no script: the page's stylesheet colours it through classes (chart,
/// grid, axis, band, line series-N, legend, empty), so it follows light and dark themes.
/// Text is escaped. Pure and deterministic. Throws only std::bad_alloc.
std::string renderSvgChart(const ChartData& chart);

/// The time labels of a window: their times (Unix s) and texts, at a step chosen so that at
/// most `maxLabels` fit ("14:00" for hours, "12 Mar" for days, "Mar" for months). Pure.
struct TimeTick {
  std::int64_t time = 0;
  std::string text;
};
std::vector<TimeTick> timeTicks(std::int64_t from, std::int64_t to, int utcOffsetMinutes,
                                int maxLabels);

/// Round values from `low` to `high` for the grid (1, 2, 5 × 10^n steps), at most `maxLines`.
std::vector<double> valueTicks(double low, double high, int maxLines);

} // namespace hidupsd::serve
