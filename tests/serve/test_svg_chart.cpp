// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's SVG charts: grid and time labels, gaps, bands, words for screen readers.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "serve/svg_chart.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::serve;
namespace t = hidupsd::test;

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kT0 = 1700006400; // 2023-11-15 00:00:00 UTC

std::size_t count(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

std::vector<std::string> texts(const std::vector<TimeTick>& ticks) {
  std::vector<std::string> out;
  for (const auto& tick : ticks)
    out.push_back(tick.text);
  return out;
}

/// Whether python3's XML parser takes `svg` (well-formed, entities right).
bool wellFormed(const std::string& svg) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("hidupsd-chart-" + std::to_string(::getpid()) + ".svg");
  std::ofstream(file) << svg;
  const auto r = t::runProcess({"python3", "-c",
                                "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
                                file.string()});
  std::filesystem::remove(file);
  return r.status == 0;
}

ChartData voltages() {
  ChartData c;
  c.title = "Voltage <in & out>";
  c.unit = "V";
  c.from = kT0;
  c.to = kT0 + kDay;
  c.maxGap = 600;
  ChartSeries in{"input", {}}, out{"output", {}};
  for (std::int64_t t = kT0; t < kT0 + kDay; t += 300) {
    if (t >= kT0 + 6 * 3600 && t < kT0 + 7 * 3600) continue; // no data for an hour
    in.points.push_back({t, t < kT0 + 12 * 3600 ? 230.0 : 220.0});
    out.points.push_back({t, 229.5});
  }
  in.points.push_back({kT0 + 2 * kDay, 999}); // outside the window: ignored
  c.series = {in, out};
  c.bands = {{kT0 + 10 * 3600, kT0 + 10 * 3600 + 420, "Outage 10:00–10:07, \"7 min\""}};
  return c;
}

} // namespace

TEST_CASE("time labels at round times of the viewer's zone, as many as fit") {
  CHECK(texts(timeTicks(kT0, kT0 + kDay, 0, 9)) ==
        std::vector<std::string>{"00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00",
                                 "21:00", "00:00"});
  // UTC+2: the first round hour after 02:00 local is 03:00 local, at kT0 + 1 h.
  const auto shifted = timeTicks(kT0, kT0 + kDay, 120, 9);
  CHECK(shifted.front().text == "03:00");
  CHECK(shifted.front().time == kT0 + 3600);
  // Days: every 5th day since the epoch (the labels stay put as the window slides).
  CHECK(texts(timeTicks(kT0, kT0 + 30 * kDay, 0, 7)) ==
        std::vector<std::string>{"19 Nov", "24 Nov", "29 Nov", "4 Dec", "9 Dec", "14 Dec"});
  const auto year = texts(timeTicks(kT0, kT0 + 365 * kDay, 0, 12));
  CHECK(year.front() == "Dec");
  CHECK(std::find(year.begin(), year.end(), "2024") != year.end()); // January says its year
  CHECK(year.size() <= 12);
  CHECK(timeTicks(kT0, kT0, 0, 5).empty());
}

TEST_CASE("value grid: 1, 2, 5 steps") {
  CHECK(valueTicks(0, 100, 5) == std::vector<double>{0, 50, 100});
  CHECK(valueTicks(0, 100, 6) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(valueTicks(219.3, 231.2, 5) == std::vector<double>{220, 225, 230});
  CHECK(valueTicks(5, 5, 5) == std::vector<double>{5});
}

TEST_CASE("a chart: lines broken at gaps, the outage as a band, its words for screen readers") {
  const auto svg = renderSvgChart(voltages());
  CHECK(wellFormed(svg));
  CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\""));
  CHECK(count(svg, "<path class=\"line series-0\"") == 1);
  CHECK(count(svg, "<path class=\"line series-1\"") == 1);
  // The hour without data splits each line in two pieces: two moves per path.
  const auto path0 = svg.substr(svg.find("<path class=\"line series-0\""));
  CHECK(count(path0.substr(0, path0.find("/>")), "M") == 2);
  CHECK(count(svg, "<rect class=\"band\"") == 1);
  CHECK(svg.find("<title>Outage 10:00–10:07, &quot;7 min&quot;</title>") != std::string::npos);
  CHECK(svg.find("<title>Voltage &lt;in &amp; out&gt;</title>") != std::string::npos);
  CHECK(svg.find("<desc>input: from 220 to 230 V, last 220 V. output: from 229.5 to 229.5 V, "
                 "last 229.5 V. 1 outage marked.</desc>") != std::string::npos);
  CHECK(count(svg, "class=\"key series-") == 2); // a legend: two lines
  CHECK(svg.find("style") == std::string::npos); // the page's stylesheet colours it
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("999") == std::string::npos);
}

TEST_CASE("fixed axis, one series, lone points as dots, size clamped, empty windows said") {
  ChartData c;
  c.title = "Battery charge";
  c.unit = "%";
  c.low = 0;
  c.high = 100;
  c.from = kT0;
  c.to = kT0 + 3600;
  c.width = 10;  // clamped to 240
  c.height = 99; // clamped to 120
  c.series = {{"charge", {{kT0 + 60, 100}, {kT0 + 1800, 40}, {kT0 + 1860, 38}}}};
  const auto svg = renderSvgChart(c);
  CHECK(wellFormed(svg));
  CHECK(svg.find("width=\"240\" height=\"120\"") != std::string::npos);
  CHECK(count(svg, "<circle class=\"dot series-0\"") == 1); // the first point stands alone
  CHECK(svg.find(">100%</text>") != std::string::npos);
  CHECK(svg.find(">0%</text>") != std::string::npos);
  CHECK(count(svg, "class=\"key") == 0); // one series: no legend
  c.series[0].points.clear();
  const auto empty = renderSvgChart(c);
  CHECK(wellFormed(empty));
  CHECK(empty.find("No data in this period") != std::string::npos);
  CHECK(empty.find("<desc>No data in this period.</desc>") != std::string::npos);
}
