// SPDX-License-Identifier: GPL-2.0-or-later
// Every real descriptor in ../shared/fixtures parses to the layout NUT's rules give.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "hid/report_descriptor.hpp"
#include "hid/usage_tables.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
namespace t = hidupsd::test;

namespace {

std::string extent(const std::optional<std::int64_t>& v) {
  return v ? std::to_string(*v) : std::string("-");
}

/// Our field in the fields.txt format: path|type|id|offset|size|lmin|lmax|pmin|pmax|unit|exp|flags
std::string fieldLine(const Field& f, Dialect d) {
  return fmt::format("{}|{}|0x{:02x}|{}|{}|{}|{}|{}|{}|0x{:08x}|{}|0x{:02x}",
                     pathToString(f.path, d), nameOf(f.type), f.reportId, f.bitOffset, f.bitSize,
                     f.logicalMin, f.logicalMax, extent(f.physicalMin), extent(f.physicalMax),
                     f.unit, f.unitExponent, f.flags);
}

std::vector<std::string> expectedLines(const std::string& fixture) {
  std::istringstream in(t::readFile(t::fixturesDir() / (fixture + ".fields.txt")));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(line);
  return out;
}

} // namespace

TEST_CASE("every fixture descriptor parses to the field layout of its .fields.txt") {
  for (const auto& name : t::fixtureNames()) {
    CAPTURE(name);
    const auto bytes = t::descriptorOfReplay(t::fixturesDir() / (name + ".replay"));
    REQUIRE_FALSE(bytes.empty());
    const auto d = ReportDescriptor::parse(bytes);
    const Dialect dialect = dialectForVendor(t::fixtureVendor(name));
    std::vector<std::string> ours;
    for (const auto& f : d.fields())
      ours.push_back(fieldLine(f, dialect));
    auto theirs = expectedLines(name);
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    CHECK(ours.size() == theirs.size());
    std::vector<std::string> onlyOurs, onlyTheirs;
    std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(),
                        std::back_inserter(onlyOurs));
    std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(),
                        std::back_inserter(onlyTheirs));
    for (const auto& l : onlyOurs)
      CHECK_MESSAGE(false, "only ours:   " << l);
    for (const auto& l : onlyTheirs)
      CHECK_MESSAGE(false, "only theirs: " << l);
  }
}

TEST_CASE("the odd 33-byte Ellipse ECO descriptor parses with NUT's LogMax fix") {
  const auto d = ReportDescriptor::parse(
      t::descriptorOfReplay(t::fixturesDir() / "eaton-ellipse-eco.iface-33byte.replay"));
  CHECK(d.fields().size() == 2);
  CHECK(d.warnings().size() == 2);
  for (const auto& f : d.fields())
    CHECK(f.logicalMax == 255);
}
