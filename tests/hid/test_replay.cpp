// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for the replay file parser and the replay device.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "hid/device.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
using namespace std::chrono_literals;
using hidupsd::core::ManualClock;
using hidupsd::test::hexBytes;
using Bytes = std::vector<std::uint8_t>;

namespace {

// Usage Page 0x84, UPS, Collection Application, Report ID 1, Usage Page
// 0x85, RemainingCapacity, 8 bits x 1, logical 0..255, Feature; same usage
// Input; End Collection. Path UPS.RemainingCapacity, Feature and Input 1.
constexpr std::string_view kHeader =
    "device vendor=0463 product=ffff\n"
    "descriptor 05 84 09 04 a1 01 85 01 05 85 09 66 75 08 95 01 15 00 26 ff 00 b1 02 09 66 81 02 "
    "c0\n";
constexpr std::size_t kHeaderLines = 2;

std::string withHeader(std::string_view body) { return std::string(kHeader) + std::string(body); }

ReplayScript parse(std::string_view text, const ReplayLimits& limits = {}) {
  return parseReplay(text, "t.replay", limits);
}

std::string parseError(std::string_view text, const ReplayLimits& limits = {}) {
  try {
    parse(text, limits);
  } catch (const ReplayError& e) {
    return e.what();
  }
  return "no error";
}

std::string deviceError(std::string_view text) {
  ManualClock clock;
  try {
    ReplayDevice device(parse(text), clock);
  } catch (const ReplayError& e) {
    return e.what();
  }
  return "no error";
}

/// The kind of DeviceError `call` throws, by name: doctest cannot print the
/// enum itself (its nameOf() meets ours by ADL).
template <typename F> std::string errorKind(F&& call) {
  try {
    call();
  } catch (const DeviceError& e) {
    return nameOf(e.kind());
  }
  return "no DeviceError";
}

/// A manual clock that counts its sleeps: readInput must not spin.
class CountingClock final : public hidupsd::core::Clock {
public:
  time_point now() const noexcept override { return inner_.now(); }
  void sleepFor(duration d) noexcept override {
    ++sleeps;
    slept += d;
    inner_.advance(d);
  }
  void advance(duration d) noexcept { inner_.advance(d); }
  int sleeps = 0;
  duration slept{};

private:
  ManualClock inner_;
};

} // namespace

TEST_CASE("replay: every fixture parses and plays") {
  for (const auto& name : hidupsd::test::fixtureNames()) {
    CAPTURE(name);
    const auto path = hidupsd::test::fixturesDir() / (name + ".replay");
    const auto script = loadReplay(path);
    CHECK(script.source == path.string());
    CHECK(script.device.vendorId != 0);
    CHECK(script.descriptor == hidupsd::test::descriptorOfReplay(path));
    ManualClock clock;
    ReplayDevice device(script, clock);
    CHECK(device.info().path == path.string());
    for (const auto& f : script.features)
      CHECK(device.getFeatureReport(f.front()).size() > 0);
    for (const auto& in : script.inputs)
      CHECK(device.readInput(0ms) == in);
    CHECK_FALSE(device.readInput(0ms).has_value());
  }
}

TEST_CASE("replay: device line") {
  const auto s = parse("device vendor=0463 product=FFFF release=0202 manufacturer=\"EA\\\"TON\" "
                       "product_name=\"Ellipse # PRO\" serial=\"G3\\\\55\"   # comment\n"
                       "descriptor 05 84\n");
  CHECK(s.device.vendorId == 0x0463);
  CHECK(s.device.productId == 0xffff);
  CHECK(s.device.releaseNumber == 0x0202);
  CHECK(s.device.manufacturer == "EA\"TON");
  CHECK(s.device.product == "Ellipse # PRO");
  CHECK(s.device.serial == "G3\\55");
  CHECK(s.device.path == "t.replay");
  CHECK(s.deviceLine == 1);
}

TEST_CASE("replay: descriptor lines are concatenated") {
  const auto s =
      parse("# head\ndevice vendor=1 product=2\ndescriptor 05 84\n\ndescriptor 09 04 a1 01 # c\n");
  CHECK(s.descriptor == Bytes{0x05, 0x84, 0x09, 0x04, 0xa1, 0x01});
}

TEST_CASE("replay: string") {
  const auto s = parse(withHeader("string 5 \"Ellipse PRO 850\"\nstring 0 \"\"\n"));
  REQUIRE(s.strings.size() == 2);
  CHECK(s.strings.at(5) == "Ellipse PRO 850");
  ManualClock clock;
  ReplayDevice device(s, clock);
  CHECK(device.indexedString(5) == "Ellipse PRO 850");
  CHECK(device.indexedString(6).empty());
}

TEST_CASE("replay: feature") {
  ManualClock clock;
  ReplayDevice device(parse(withHeader("feature 01 64\nfeature 0c 01 02\nfeature 0c 05\n")), clock);
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64});
  CHECK(device.getFeatureReport(0x0c) == Bytes{0x0c, 0x05}); // the later line wins
  CHECK(errorKind([&] { device.getFeatureReport(2); }) == "no such report");
}

TEST_CASE("replay: input reports come first, in file order") {
  CountingClock clock;
  ReplayDevice device(parse(withHeader("input 01 0d\ninput 01 0c\n")), clock);
  CHECK(device.readInput(1s) == Bytes{0x01, 0x0d});
  CHECK(device.readInput(1s) == Bytes{0x01, 0x0c});
  CHECK(clock.sleeps == 0);
  CHECK_FALSE(device.readInput(1500ms).has_value());
  CHECK(clock.sleeps == 1);
  CHECK(clock.slept == 1500ms);
}

TEST_CASE("replay: at T input, sorted stably by time") {
  CountingClock clock;
  ReplayDevice device(
      parse(withHeader("at 5.0 input 01 02\nat 2.5 input 01 01\nat 5 input 01 03\n")), clock);
  CHECK_FALSE(device.readInput(1s).has_value());
  CHECK(device.readInput(10s) == Bytes{0x01, 0x01}); // waits 1.5 s, not 10
  CHECK(clock.slept == 2500ms);
  CHECK(device.readInput(10s) == Bytes{0x01, 0x02});
  CHECK(device.readInput(0ms) == Bytes{0x01, 0x03});
  CHECK(clock.sleeps == 3);
  CHECK(clock.slept == 5s);
}

TEST_CASE("replay: at T feature") {
  ManualClock clock;
  ReplayDevice device(parse(withHeader("feature 01 64\nat 5 feature 01 5a\nat 6 feature 02 01\n")),
                      clock);
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64});
  clock.advance(4999ms);
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64});
  CHECK(errorKind([&] { device.getFeatureReport(2); }) == "no such report");
  clock.advance(1ms);
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x5a});
  clock.advance(1s);
  CHECK(device.getFeatureReport(2) == Bytes{0x02, 0x01});
}

TEST_CASE("replay: at T set writes every report with the path and sends the input") {
  ManualClock clock;
  const auto s = parse(withHeader("feature 01 64\nat 2 set UPS.RemainingCapacity 42\n"));
  REQUIRE(s.timeline.size() == 1);
  CHECK(s.timeline[0].path == "UPS.RemainingCapacity");
  CHECK(s.timeline[0].value == 42);
  ReplayDevice device(s, clock);
  CHECK_FALSE(device.readInput(1s).has_value());
  CHECK(device.readInput(5s) == Bytes{0x01, 0x2a}); // Input 1 created zero-filled, then set
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x2a});
}

TEST_CASE("replay: set on a real Eaton descriptor (ACPresent in Feature and Input 0x01)") {
  const auto path = hidupsd::test::fixturesDir() / "eaton-3s-700.replay";
  const auto text =
      hidupsd::test::readFile(path) + "at 7.5 set UPS.PowerSummary.PresentStatus.ACPresent 0\n";
  ManualClock clock;
  ReplayDevice device(parseReplay(text, "3s.replay"), clock);
  for (int i = 0; i < 4; ++i)
    CHECK(device.readInput(0ms).has_value()); // the initial inputs
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x25, 0x00, 0x00});
  CHECK(device.readInput(10s) == Bytes{0x01, 0x24, 0x00, 0x00}); // bit 0 cleared, sent at 7.5 s
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x24, 0x00, 0x00});
}

TEST_CASE("replay: set values are decimal, may be negative") {
  const auto s = parse(withHeader("at 1 set UPS.RemainingCapacity -3.5\nat 1 set A 0.25\n"));
  CHECK(s.timeline[0].value == -3.5);
  CHECK(s.timeline[1].value == 0.25);
}

TEST_CASE("replay: disconnect and reconnect") {
  ManualClock clock;
  ReplayDevice device(
      parse(withHeader("feature 01 64\ninput 01 01\nat 9 disconnect\nat 10 input 01 02\n"
                       "at 12 reconnect\nat 13 input 01 03\n")),
      clock);
  clock.advance(9s);
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "disconnected");
  CHECK(errorKind([&] { device.readInput(0ms); }) == "disconnected");
  CHECK(errorKind([&] { device.reportDescriptor(); }) == "disconnected");
  CHECK(device.info().vendorId == 0x0463);
  clock.advance(3s);
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64});
  CHECK(device.readInput(5s) == Bytes{0x01, 0x03}); // the queue and 01 02 were lost
}

TEST_CASE("replay: a disconnect during a wait ends readInput") {
  CountingClock clock;
  ReplayDevice device(parse(withHeader("at 3 disconnect\n")), clock);
  CHECK(errorKind([&] { device.readInput(10s); }) == "disconnected");
  CHECK(clock.slept == 3s);
}

TEST_CASE("replay: fail N") {
  ManualClock clock;
  ReplayDevice device(parse(withHeader("feature 01 64\nstring 1 \"x\"\nat 1 fail 3\n")), clock);
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64});
  clock.advance(1s);
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "I/O error");
  CHECK(errorKind([&] { device.indexedString(1); }) == "I/O error");
  CHECK(errorKind([&] { device.readInput(0ms); }) == "I/O error");
  CHECK(device.indexedString(1) == "x");
}

TEST_CASE("replay: stall S") {
  CountingClock clock;
  ReplayDevice device(parse(withHeader("feature 01 64\nat 14 stall 10\n")), clock, 2s);
  CHECK(device.callTimeout() == 2s);
  clock.advance(14s);
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "timeout");
  CHECK(clock.slept == 2s);
  CHECK(errorKind([&] { device.readInput(5s); }) == "timeout");
  CHECK(clock.slept == 7s);
  clock.advance(2999ms); // t = 23.999
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "timeout");
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64}); // t = 25.999
}

TEST_CASE("replay: wedge hangs calls until a USB port reset, which a stall ignores") {
  CountingClock clock;
  ReplayDevice device(parse(withHeader("feature 01 64\ninput 01 01\nat 5 wedge\n"
                                       "at 20 stall 10\nat 40 disconnect\n")),
                      clock, 2s);
  device.resetPort(); // a reset of a healthy device: counted, nothing else
  CHECK(device.resets() == 1);
  CHECK_FALSE(device.readInput(0ms)); // the queued input report went with it
  clock.advance(5s);
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "timeout");
  clock.advance(10s); // t = 17: a wedge does not end by itself
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "timeout");
  device.resetPort();
  CHECK(device.getFeatureReport(1) == Bytes{0x01, 0x64});
  clock.advance(3s); // t = 22 (19 + the stalled call's 2 s): a stall runs its course
  device.resetPort();
  CHECK(errorKind([&] { device.getFeatureReport(1); }) == "timeout");
  clock.advance(20s); // t = 44
  CHECK(errorKind([&] { device.resetPort(); }) == "disconnected");
  CHECK(device.resets() == 3);
}

TEST_CASE("replay: setFeatureReport is stored and logged") {
  ManualClock clock;
  ReplayDevice device(parse(withHeader("feature 01 64\n")), clock);
  const Bytes write{0x01, 0x1e};
  device.setFeatureReport(write);
  CHECK(device.getFeatureReport(1) == write);
  REQUIRE(device.writes().size() == 1);
  CHECK(device.writes()[0] == write);
  const Bytes unknown{0x07, 0x00};
  CHECK(errorKind([&] { device.setFeatureReport(unknown); }) == "no such report");
  CHECK(errorKind([&] { device.setFeatureReport({}); }) == "no such report");
  CHECK(device.writes().size() == 1);
}

TEST_CASE("replay: device error names") {
  CHECK(std::string(nameOf(DeviceError::Kind::Disconnected)) == "disconnected");
  CHECK(std::string(nameOf(DeviceError::Kind::Io)) == "I/O error");
  CHECK(std::string(nameOf(DeviceError::Kind::Timeout)) == "timeout");
  CHECK(std::string(nameOf(DeviceError::Kind::NoSuchReport)) == "no such report");
}

TEST_CASE("replay: errors name the file and line") {
  CHECK(kHeaderLines == 2);
  CHECK(parseError(withHeader("feature 0c zz\n")) == "t.replay:3: bad hex byte 'zz'");
  CHECK(parseError(withHeader("feature 0c 123\n")) == "t.replay:3: bad hex byte '123'");
  CHECK(parseError(withHeader("\n# x\nbogus 1 2\n")) == "t.replay:5: unknown statement 'bogus'");
  CHECK(parseError("device vendor=0463 product=ffff serial=\"G35 # x\n") ==
        "t.replay:1: unterminated quote");
  CHECK(parseError("# nothing\ndescriptor 05 84\n") == "t.replay:1: no device line");
  CHECK(parseError("\ndevice vendor=1 product=2\n") == "t.replay:2: no descriptor line");
  CHECK(parseError(withHeader("at -1 input 01 00\n")) ==
        "t.replay:3: bad time '-1': expected seconds >= 0");
  CHECK(parseError(withHeader("at soon input 01 00\n")) ==
        "t.replay:3: bad time 'soon': expected seconds >= 0");
  CHECK(parseError(withHeader("at 1e3 input 01 00\n")) ==
        "t.replay:3: bad time '1e3': expected seconds >= 0");
  CHECK(parseError(withHeader("at 1 stall -2\n")) ==
        "t.replay:3: bad duration '-2': expected seconds >= 0");
  CHECK(parseError(withHeader("at 1 explode\n")) ==
        "t.replay:3: unknown timed statement 'explode'");
  CHECK(parseError(withHeader("at 1 set UPS.X one\n")) ==
        "t.replay:3: bad value 'one': expected a number");
  CHECK(parseError(withHeader("at 1 fail x\n")) ==
        "t.replay:3: bad count 'x': expected a whole number of calls");
  CHECK(parseError(withHeader("at 1 disconnect now\n")) == "t.replay:3: unexpected 'now'");
  CHECK(parseError(withHeader("feature\n")) ==
        "t.replay:3: report without bytes (the report ID comes first)");
  CHECK(parseError("device vendor=0463 product=ffff colour=\"red\"\n") ==
        "t.replay:1: unknown device field 'colour'");
  CHECK(parseError("device vendor=0463\n") == "t.replay:1: device line needs vendor= and product=");
  CHECK(parseError("device vendor=12345 product=1\n") ==
        "t.replay:1: bad vendor '12345': expected 1 to 4 hex digits");
  CHECK(parseError(withHeader("string 1 \"a\\n\"\n")) ==
        "t.replay:3: unknown escape '\\n' (only \\\" and \\\\)");
}

TEST_CASE("replay: an unknown set path fails at device construction") {
  CHECK(deviceError(withHeader("at 1 set UPS.NoSuchUsageAnywhere 1\n")) ==
        "t.replay:3: unknown path 'UPS.NoSuchUsageAnywhere'");
  CHECK(deviceError(withHeader("\nat 1 set UPS.PowerSummary.RemainingCapacity 1\n")) ==
        "t.replay:4: no Feature or Input field has path 'UPS.PowerSummary.RemainingCapacity'");
}

TEST_CASE("replay: limits") {
  std::string big = "feature 01";
  for (int i = 0; i < 4096; ++i)
    big += " 00";
  CHECK(parseError(withHeader(big + "\n")) == "t.replay:3: report longer than 4096 bytes");
  ReplayLimits small;
  small.maxDescriptorBytes = 4;
  CHECK(parseError("device vendor=1 product=2\ndescriptor 05 84 09\ndescriptor 04 a1\n", small) ==
        "t.replay:3: descriptor longer than 4 bytes");
  small.maxStatements = 3;
  CHECK(parseError("device vendor=1 product=2\n# c\n\ndescriptor 05\nfeature 01\nfeature 02\n",
                   small) == "t.replay:6: more than 3 statements");
}

TEST_CASE("replay: loadReplay names an unreadable file") {
  const std::string message = [] {
    try {
      loadReplay("/nonexistent/x.replay");
    } catch (const ReplayError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  }();
  CHECK(message.rfind("/nonexistent/x.replay: cannot read: ", 0) == 0);
}
