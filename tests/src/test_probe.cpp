// SPDX-License-Identifier: GPL-2.0-or-later
// --probe on every real fixture gives the values NUT's own log gave.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "hid/hidraw_device.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/replay_hidraw.hpp"
#include "src/probe.hpp"
#include "tests/support/test_support.hpp"
#include "ups/simulated_device.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

/// Where our value differs from the NUT log of the fixture, and why. Each
/// entry is checked both ways: ours must be `ours`, NUT's log must say `nut`.
struct KnownDeviation {
  const char* fixture;
  const char* path;
  const char* nut;
  const char* ours;
  const char* why;
};
constexpr KnownDeviation kDeviations[] = {
    // The APC declares Logical 75..140 (a 120 V range) on a 230 V unit and sends 230 and
    // 226. The NUT of that log read the 1-byte Logical Maximum 0x8c as -116 (before NUT's
    // LogMax<LogMin fix) and masked to 7 bits: 102 and 98. Today's NUT, like us, applies
    // apc_fix_report_desc() (ranges 75..255 and 0..560) and reads the true voltages.
    {"apc-back-ups-xs-1400u", "UPS.Input.ConfigVoltage", "102", "230", "APC fix-up, old NUT"},
    {"apc-back-ups-xs-1400u", "UPS.Input.Voltage", "98", "226", "APC fix-up, old NUT"},
    // ff ff ff ff with Logical Minimum -1 is -1 ("no shutdown pending"): NUT 2.8.4's log of
    // the 3S says -1 for the same bytes; the older NUT of the 5SC log overflowed to 0.
    {"eaton-5sc-750", "UPS.PowerSummary.DelayBeforeShutdown", "0", "-1", "old NUT 32-bit overflow"},
    {"eaton-5sc-750", "UPS.PowerSummary.DelayBeforeStartup", "0", "-1", "old NUT 32-bit overflow"},
};

const KnownDeviation* deviation(const std::string& fixture, const std::string& path) {
  for (const auto& d : kDeviations)
    if (fixture == d.fixture && path == d.path) return &d;
  return nullptr;
}

std::string key(const std::string& path, const std::string& type, unsigned id, unsigned offset) {
  return path + "|" + type + "|" + std::to_string(id) + "|" + std::to_string(offset);
}

/// Our "Path: ..." lines, keyed by path, type, report ID and offset → value.
std::map<std::string, std::string> ourValues(const Probe& probe) {
  std::map<std::string, std::string> out;
  for (const auto& f : probe.descriptor().fields()) {
    const auto v = probe.state().physical(f);
    out[key(hid::pathToString(f.path, probe.dialect()), hid::nameOf(f.type), f.reportId,
            f.bitOffset)] = v ? formatNutValue(*v) : "(none)";
  }
  return out;
}

hid::ReplayScript script(const std::string& fixture) {
  return hid::loadReplay(t::fixturesDir() / (fixture + ".replay"));
}

} // namespace

TEST_CASE("probe values equal NUT's logged values on every fixture that has them") {
  for (const auto& name : t::fixturesWithExpected()) {
    CAPTURE(name);
    core::ManualClock clock;
    hid::ReplayDevice device(script(name), clock);
    const Probe probe(device);
    const auto ours = ourValues(probe);
    std::size_t matched = 0;
    for (const auto& e : t::readExpected(t::fixturesDir() / (name + ".expected.txt"))) {
      CAPTURE(e.path);
      const auto it = ours.find(key(e.path, e.type, e.reportId, e.offset));
      REQUIRE_MESSAGE(it != ours.end(), "NUT's path is missing from ours: " << e.path);
      // NUT logs %g; the fixture spells large values out (1.56117e+09 as 1561170000).
      const double nut = std::strtod(e.value.c_str(), nullptr);
      const double mine = std::strtod(it->second.c_str(), nullptr);
      if (const auto* d = deviation(name, e.path)) {
        CHECK(e.value == d->nut);
        CHECK(it->second == d->ours);
        continue;
      }
      CHECK(mine == nut);
      ++matched;
    }
    CHECK(matched > 60);
  }
}

TEST_CASE("the hidraw backend's code path probes every fixture as the replay path does") {
  for (const auto& name : t::fixtureNames()) {
    CAPTURE(name);
    core::ManualClock clock;
    hid::ReplayDevice direct(script(name), clock);
    const Probe expected(direct);
    auto shared = std::make_shared<hid::ReplayDevice>(script(name), clock);
    hid::HidrawEntry entry;
    entry.hid.info = shared->info();
    entry.node = "/dev/hidraw0";
    hid::HidrawDevice device(entry, std::make_unique<hid::ReplayHidraw>(shared),
                             std::make_unique<hid::ReplayUsbSide>(shared));
    const Probe probe(device);
    CHECK(ourValues(probe) == ourValues(expected));
    CHECK(probe.snapshot().variables == expected.snapshot().variables);
    // The same reports refused; the messages name each backend's call.
    REQUIRE(probe.notes().size() == expected.notes().size());
    const auto head = [](const std::string& note) { return note.substr(0, note.find(": ")); };
    for (std::size_t i = 0; i < probe.notes().size(); ++i)
      CHECK(head(probe.notes()[i]) == head(expected.notes()[i]));
  }
}

TEST_CASE("the built-in simulated Ellipse PRO probes with every value of the old Discord message") {
  core::ManualClock clock;
  auto device = makeSimulatedEllipsePro(clock);
  const Probe probe(*device);
  const auto& s = probe.snapshot();
  for (const char* name : {"battery.charge", "battery.runtime", "ups.load", "input.voltage",
                           "output.voltage", "ups.power", "ups.status", "ups.model"})
    CHECK_MESSAGE(s.get(name).has_value(), name);
  CHECK(s.get("ups.power.nominal") == "850");
  CHECK(s.hasStatus("OL"));
  CHECK(probe.info().product == "Ellipse PRO");
}

TEST_CASE("hidupsd --probe --replay prints NUT-style path lines and the variables") {
  const auto r = t::runProcess({t::hidupsdBinary().string(), "--probe", "--replay",
                                (t::fixturesDir() / "eaton-3s-700.replay").string()});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x06, "
                   "Offset: 0, Size: 8, Value: 92") != std::string::npos);
  CHECK(r.out.find("battery.charge: ") != std::string::npos);
}

TEST_CASE("hidupsd --probe --json prints {device, variables, paths}") {
  const auto r = t::runProcess({t::hidupsdBinary().string(), "--probe", "--json", "--replay",
                                (t::fixturesDir() / "eaton-protection-station.replay").string()});
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["device"]["vendor_id"] == "0463");
  CHECK(j["device"]["product_id"] == "ffff");
  CHECK(j["variables"].is_object());
  REQUIRE(j["paths"].is_array());
  REQUIRE(j["paths"].size() == 66);
  const auto& first = j["paths"][0];
  for (const char* k : {"path", "type", "report_id", "offset", "size", "value"})
    CHECK_MESSAGE(first.contains(k), k);
}

TEST_CASE("hidupsd reports bad use and bad files clearly, never crashing") {
  const auto bin = t::hidupsdBinary().string();
  auto r = t::runProcess({bin, "--frobnicate"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown option '--frobnicate'") != std::string::npos);
  r = t::runProcess({bin, "--probe", "--replay", "/nonexistent/x.replay"});
  CHECK(r.status == 1);
  CHECK(r.err.find("/nonexistent/x.replay") != std::string::npos);
  r = t::runProcess({bin, "--version"});
  CHECK(r.status == 0);
  CHECK(r.out.rfind("hidupsd ", 0) == 0);
}

TEST_CASE("a malformed descriptor in a replay file is an error naming the byte") {
  const auto path = std::filesystem::temp_directory_path() / "hidupsd-test-bad.replay";
  {
    std::ofstream f(path);
    f << "device vendor=0463 product=ffff\n"
         "descriptor 05 84 09 04 a1 01 09 24 a1 00 c0\n";
  }
  const auto r = t::runProcess({t::hidupsdBinary().string(), "--probe", "--replay", path.string()});
  CHECK(r.status == 1);
  CHECK(r.err.find("report descriptor byte 4: 1 collection(s) not closed") != std::string::npos);
  std::filesystem::remove(path);
}
