// SPDX-License-Identifier: GPL-2.0-or-later
// The /metrics text against the exposition format: our checker, then promtool's.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "serve/metrics.hpp"
#include "tests/serve/test_metrics_support.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

/// The renderer's output for states that stress different branches.
std::vector<std::pair<std::string, std::string>> renderedVariants() {
  std::vector<std::pair<std::string, std::string>> out;
  auto d = t::eaton5scMetricsData();
  out.emplace_back("eaton 5sc", serve::renderMetrics(d));
  auto odd = d;
  odd.upsName = "a\"b\\c\nd\xff";
  odd.version = "0.1.0-\"dirty\"";
  odd.snapshot.variables["ups.status"] = "OB LB WEIRD\"FLAG";
  odd.snapshot.variables["device.serial"] = "\xfe\xff\n\\";
  odd.snapshot.variables["outlet.1.power"] = "1e308";
  odd.snapshot.variables["weird.name\"x"] = "-0.0";
  odd.events["new\nevent"] = {1, {}};
  core::SinkHealth sink;
  sink.name = "exec \"#1\"\n\xff";
  sink.failuresInRow = 3;
  odd.sinks = {sink};
  sink.name = "ntfy #2"; // names are unique: "<type> #<position>"
  odd.sinks.push_back(sink);
  out.emplace_back("odd strings", serve::renderMetrics(odd));
  auto stale = d;
  stale.commOk = false;
  out.emplace_back("stale", serve::renderMetrics(stale));
  out.emplace_back("empty", serve::renderMetrics(serve::MetricsData{}));
  return out;
}

/// The line of `text` the checker complains about ("line 3: …").
std::string errorOf(const std::string& text) {
  try {
    t::parseExposition(text);
  } catch (const t::ExpositionError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("the checker rejects what the format forbids") {
  const std::string head = "# HELP a_total A.\n# TYPE a_total counter\n";
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"", "line 0: the text must end with a line feed"},
      {head + "a_total 1", "line 0: the text must end with a line feed"},
      {head + "9a 1\n", "line 3: bad metric name"},
      {"# HELP a A.\n# TYPE a counter\n", "line 2: counter a without _total"},
      {"# HELP b B.\nb 1\n", "line 2: sample of b before its HELP and TYPE"},
      {head + "a_total 1\n# TYPE a_total counter\n", "line 4: TYPE for a_total after its samples"},
      {head + "# HELP a_total again\n", "line 3: second HELP"},
      {head + "a_total{x=\"1\"} 1\na_total{x=\"1\"} 2\n", "line 4: duplicate series"},
      {head + "a_total{x=\"1\",x=\"2\"} 1\n", "line 3: label x twice"},
      {head + "a_total{__x=\"1\"} 1\n", "line 3: bad label name"},
      {head + "a_total{x=\"1\"y=\"2\"} 1\n", "line 3: label x not followed by , or }"},
      {head + "a_total{x=\"\\t\"} 1\n", "line 3: bad escape"},
      {head + "a_total{x=\"\xff\"} 1\n", "line 3: invalid UTF-8"},
      {head + "a_total{x=\"1} 1\n", "line 3: unterminated label value"},
      {head + "a_total 1.2.3\n", "line 3: bad value"},
      {head + "a_total nan\n", "line 3: bad value"},
      {head + "a_total\n", "line 3: no value"},
      {head + "# HELP b B.\n# TYPE b gauge\nb 1\na_total 1\n", "line 6: the lines of a_total"},
      {"# HELP h H.\n# TYPE h histogram\n", "line 2: unexpected type"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(errorOf(c.text).starts_with(c.error));
  }
  const auto ok = t::parseExposition(head + "a_total{x=\"q\\\"\\\\\\n\"} +Inf 1700000000000\n");
  REQUIRE(ok.samples.size() == 1);
  CHECK(ok.samples[0].labels.at("x") == "q\"\\\n");
}

TEST_CASE("every rendered variant passes the checker, each series labelled ups") {
  for (const auto& [name, text] : renderedVariants()) {
    CAPTURE(name);
    CAPTURE(text);
    const auto m = t::parseExposition(text);
    CHECK(m.samples.size() > 10);
    for (const auto& s : m.samples)
      CHECK(s.labels.count("ups") == 1);
  }
}

TEST_CASE("promtool check metrics accepts every rendered variant") {
  const char* promtool = "/usr/bin/promtool";
  if (::access(promtool, X_OK) != 0) {
    MESSAGE("skipped: no /usr/bin/promtool (Debian package prometheus); the checker test stands");
    return;
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("hidupsd-metrics-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : renderedVariants()) {
    CAPTURE(name);
    const auto file = dir / "metrics.prom";
    std::ofstream(file, std::ios::binary) << text;
    // promtool reads the exposition on stdin; exit 1 = invalid, 3 = lint problems.
    const auto r = t::runProcess(
        {"sh", "-c", std::string(promtool) + " check metrics < \"$0\"", file.string()});
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.status == 0);
  }
  std::filesystem::remove_all(dir);
}
