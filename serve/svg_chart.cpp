// SPDX-License-Identifier: GPL-2.0-or-later
// renderSvgChart: a time series as an accessible SVG line chart, drawn by the daemon.
#include "serve/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace hidupsd::serve {

namespace {

constexpr std::size_t kMaxSeries = 4;
constexpr double kLeft = 46, kRight = 10, kTop = 10, kBottom = 24, kLegend = 18;

std::string escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

/// "12", "12.5", "-0.3": at most one decimal, none when whole.
std::string number(double v) {
  const double r = std::round(v * 10) / 10;
  if (std::abs(r - std::round(r)) < 1e-9) return fmt::format("{}", static_cast<long long>(r));
  return fmt::format("{:.1f}", r);
}

/// Coordinates with one decimal: short paths, stable output.
std::string coord(double v) { return fmt::format("{:.1f}", v); }

struct Frame {
  double x0, x1, y0, y1; ///< the plot area (y0 top)
  std::int64_t from, to;
  double low, high;

  double x(std::int64_t t) const {
    return x0 + (x1 - x0) * static_cast<double>(t - from) / static_cast<double>(to - from);
  }
  double y(double v) const { return y1 - (y1 - y0) * (v - low) / (high - low); }
};

struct Extent {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  bool empty() const { return min > max; }
};

Extent extentOf(const ChartSeries& s, const ChartData& c) {
  Extent e;
  for (const auto& p : s.points) {
    if (p.time < c.from || p.time > c.to || !std::isfinite(p.value)) continue;
    e.min = std::min(e.min, p.value);
    e.max = std::max(e.max, p.value);
  }
  return e;
}

/// The value axis: the fixed ends, else the data's, widened to round ticks.
std::pair<double, double> valueRange(const ChartData& c, std::size_t drawn) {
  Extent all;
  for (std::size_t i = 0; i < drawn; ++i) {
    const auto e = extentOf(c.series[i], c);
    all.min = std::min(all.min, e.min);
    all.max = std::max(all.max, e.max);
  }
  double low = c.low.value_or(all.empty() ? 0 : all.min);
  double high = c.high.value_or(all.empty() ? 1 : all.max);
  if (!(high > low)) {
    low -= 1;
    high += 1;
  }
  const auto ticks = valueTicks(low, high, 5);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  if (!c.low) low = std::floor(low / step + 1e-9) * step;
  if (!c.high) high = std::ceil(high / step - 1e-9) * step;
  return {low, high};
}

void grid(std::string& out, const Frame& f, const ChartData& c) {
  out += "<g class=\"grid\">";
  for (const double v : valueTicks(f.low, f.high, 5)) {
    const auto y = coord(f.y(v));
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", coord(f.x0), coord(f.x1),
                       y, y);
    out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\" "
                       "dominant-baseline=\"middle\">{}{}</text>",
                       coord(f.x0 - 4), y, number(v), c.unit == "%" ? "%" : "");
  }
  const int maxLabels = std::max(2, static_cast<int>((f.x1 - f.x0) / 70));
  for (const auto& tick : timeTicks(f.from, f.to, c.utcOffsetMinutes, maxLabels)) {
    const auto x = coord(f.x(tick.time));
    out += fmt::format("<line class=\"tick\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", x, x,
                       coord(f.y1), coord(f.y1 + 4));
    out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x,
                       coord(f.y1 + 17), escaped(tick.text));
  }
  out += "</g>";
}

void bands(std::string& out, const Frame& f, const ChartData& c) {
  for (const auto& b : c.bands) {
    const auto from = std::max(b.from, c.from), to = std::min(b.to, c.to);
    if (to < from) continue;
    const double x = f.x(from), w = std::max(2.0, f.x(to) - x);
    out += fmt::format("<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
                       "<title>{}</title></rect>",
                       coord(x), coord(f.y0), coord(w), coord(f.y1 - f.y0), escaped(b.label));
  }
}

void line(std::string& out, const Frame& f, const ChartData& c, std::size_t index) {
  std::string d, dots;
  std::int64_t previous = 0;
  std::size_t run = 0; // points in the current piece
  const auto& points = c.series[index].points;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.time < c.from || p.time > c.to || !std::isfinite(p.value)) continue;
    const bool joined = run > 0 && p.time - previous <= c.maxGap;
    const auto xy = coord(f.x(p.time)) + " " + coord(f.y(std::clamp(p.value, f.low, f.high)));
    d += (d.empty() ? "M" : joined ? " L" : " M") + xy;
    run = joined ? run + 1 : 1;
    previous = p.time;
    const bool nextJoined = i + 1 < points.size() && points[i + 1].time - p.time <= c.maxGap;
    if (run == 1 && !nextJoined) // a lone point: a dot, or it would not show
      dots += fmt::format("<circle class=\"dot series-{}\" cx=\"{}\" cy=\"{}\" r=\"2\"/>", index,
                          coord(f.x(p.time)), coord(f.y(std::clamp(p.value, f.low, f.high))));
  }
  if (!d.empty()) out += fmt::format("<path class=\"line series-{}\" d=\"{}\"/>", index, d);
  out += dots;
}

void legend(std::string& out, const Frame& f, const ChartData& c, std::size_t drawn) {
  if (drawn < 2) return;
  double x = f.x0;
  out += "<g class=\"legend\">";
  for (std::size_t i = 0; i < drawn; ++i) {
    out += fmt::format("<rect class=\"key series-{}\" x=\"{}\" y=\"4\" width=\"12\" "
                       "height=\"4\"/><text x=\"{}\" y=\"10\">{}</text>",
                       i, coord(x), coord(x + 16), escaped(c.series[i].name));
    x += 28 + 8 * static_cast<double>(c.series[i].name.size());
  }
  out += "</g>";
}

std::string lastValue(const ChartSeries& s, const ChartData& c) {
  for (auto it = s.points.rbegin(); it != s.points.rend(); ++it)
    if (it->time >= c.from && it->time <= c.to && std::isfinite(it->value))
      return number(it->value);
  return {};
}

/// What the chart shows, in words, for screen readers.
std::string description(const ChartData& c, std::size_t drawn) {
  std::string out;
  const auto unit = c.unit.empty() ? std::string() : " " + c.unit;
  for (std::size_t i = 0; i < drawn; ++i) {
    const auto e = extentOf(c.series[i], c);
    if (e.empty()) continue;
    const auto name = c.series[i].name.empty() ? c.title : c.series[i].name;
    out += fmt::format("{}: from {} to {}{}, last {}{}. ", name, number(e.min), number(e.max), unit,
                       lastValue(c.series[i], c), unit);
  }
  if (out.empty()) out = "No data in this period. ";
  std::size_t marked = 0;
  for (const auto& b : c.bands)
    marked += b.to >= c.from && b.from <= c.to ? 1 : 0;
  if (marked > 0) out += fmt::format("{} outage{} marked.", marked, marked == 1 ? "" : "s");
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

} // namespace

std::string renderSvgChart(const ChartData& chart) {
  ChartData c = chart;
  c.width = std::clamp(c.width, 240, 1600);
  c.height = std::clamp(c.height, 120, 600);
  if (c.to <= c.from) c.to = c.from + 1;
  const std::size_t drawn = std::min(c.series.size(), kMaxSeries);
  const auto [low, high] = valueRange(c, drawn);
  const Frame f{kLeft,
                c.width - kRight,
                kTop + (drawn > 1 ? kLegend : 0),
                c.height - kBottom,
                c.from,
                c.to,
                low,
                high};
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" aria-label=\"{2}. {3}\">"
      "<title>{2}</title><desc>{3}</desc>",
      c.width, c.height, escaped(c.title), escaped(description(c, drawn)));
  bands(out, f, c);
  grid(out, f, c);
  legend(out, f, c, drawn);
  bool any = false;
  for (std::size_t i = 0; i < drawn; ++i) {
    any = any || !extentOf(c.series[i], c).empty();
    line(out, f, c, i);
  }
  if (!any)
    out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">No data "
                       "in this period</text>",
                       coord((f.x0 + f.x1) / 2), coord((f.y0 + f.y1) / 2));
  out += "</svg>\n";
  return out;
}

} // namespace hidupsd::serve
