// SPDX-License-Identifier: GPL-2.0-or-later
// Whole outage stories: replayed UPS → reader → monitor → events, at exact times.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "tests/support/test_support.hpp"
#include "ups/device_reader.hpp"
#include "ups/engine.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;

namespace {

constexpr auto kAcPresent = "UPS.PowerSummary.PresentStatus.ACPresent";

/// Records "event@seconds" for each event; the seconds as %g.
class Recorder final : public EventSink {
public:
  void onEvent(const core::Event& e) noexcept override {
    const double at = core::Seconds(e.time.time_since_epoch()).count();
    events.push_back(fmt::format("{}@{:g}", core::eventName(e.kind), at));
    reasons.push_back(e.reason);
  }
  std::string joined() const {
    std::string out;
    for (const auto& e : events)
      out += (out.empty() ? "" : " ") + e;
    return out;
  }
  std::vector<std::string> events;
  std::vector<core::Phrase> reasons;
};

/// The Eaton 3S 700 capture plus a timeline, read by the real reader on a
/// manual clock (the accelerated time of these tests), judged by the real
/// monitor through the Engine.
struct Story {
  Story(const std::string& timeline, PolicyOptions policy = {})
      : device(std::make_shared<hid::ReplayDevice>(
            hid::parseReplay(t::readFile(t::fixturesDir() / "eaton-3s-700.replay") + "\n" +
                                 timeline,
                             "eaton-3s-700+story"),
            clock, std::chrono::milliseconds(250))),
        engine(policy, clock, recorder),
        reader([this] { return std::make_unique<hid::SharedDevice>(device); }, clock, engine) {}

  std::string runUntil(double seconds) {
    reader.runUntil(core::Clock::time_point{} +
                    std::chrono::duration_cast<core::Clock::duration>(core::Seconds(seconds)));
    return recorder.joined();
  }

  core::ManualClock clock;
  std::shared_ptr<hid::ReplayDevice> device;
  Recorder recorder;
  Engine engine;
  DeviceReader reader;
};

std::string outage(double from, double to) {
  return fmt::format("at {} set {} 0\nat {} set {} 1\n", from, kAcPresent, to, kAcPresent);
}

} // namespace

TEST_CASE("a 2 s blip gives no event at all") {
  Story s(outage(10, 12));
  CHECK(s.runUntil(60) == "");
}

TEST_CASE("a long outage that ends before low battery: onbatt, then online") {
  Story s(outage(10, 40));
  CHECK(s.runUntil(60) == "onbatt@15 online@45");
}

TEST_CASE("an outage down to low battery: onbatt, lowbatt and shutdown") {
  Story s(fmt::format("at 10 set {} 0\n"
                      "at 30 set UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit 1\n",
                      kAcPresent));
  CHECK(s.runUntil(60) == "onbatt@15 lowbatt@30 shutdown@30");
  CHECK(s.recorder.reasons.back() == core::Phrase("reason.low_battery"));
  CHECK(s.engine.shutdownStarted());
}

TEST_CASE("the charge threshold starts the shutdown") {
  PolicyOptions p;
  p.shutdownChargeBelow = 50;
  Story s(
      fmt::format("at 10 set {} 0\nat 20 set UPS.PowerSummary.RemainingCapacity 40\n", kAcPresent),
      p);
  CHECK(s.runUntil(60) == "onbatt@15 shutdown@20");
  CHECK(s.recorder.reasons.back() ==
        core::Phrase("reason.charge_below").with("charge", "40").with("limit", "50"));
}

TEST_CASE("the runtime threshold starts the shutdown") {
  PolicyOptions p;
  p.shutdownRuntimeBelow = std::chrono::seconds(300);
  Story s(
      fmt::format("at 10 set {} 0\nat 25 set UPS.PowerSummary.RunTimeToEmpty 200\n", kAcPresent),
      p);
  CHECK(s.runUntil(60) == "onbatt@15 shutdown@25");
  CHECK(s.recorder.reasons.back() ==
        core::Phrase("reason.runtime_below").with("runtime", "200").with("limit", "300"));
}

TEST_CASE("the time-on-battery threshold starts the shutdown at its exact deadline") {
  PolicyOptions p;
  p.shutdownAfterOnBattery = std::chrono::seconds(30);
  Story s(outage(10, 100), p);
  CHECK(s.runUntil(60) == "onbatt@15 shutdown@40");
}

TEST_CASE("comms lost on mains: commbad, then commok; no shutdown") {
  // The last answer before the unplug is the poll at 10 s: commbad 15 s later.
  Story s("at 10.5 disconnect\nat 40 reconnect\n");
  CHECK(s.runUntil(60) == "commbad@25 commok@41.5");
  CHECK_FALSE(s.engine.shutdownStarted());
}

TEST_CASE("comms lost on battery: commbad and the fail-safe shutdown") {
  Story s(fmt::format("at 4 set {} 0\nat 10.5 disconnect\n", kAcPresent));
  CHECK(s.runUntil(60) == "onbatt@9 commbad@25 shutdown@25");
  CHECK(s.recorder.reasons.back() == core::Phrase("reason.unreachable_on_battery"));
}

TEST_CASE("replace battery is said once however long it lasts") {
  Story s("at 10 set UPS.PowerSummary.PresentStatus.NeedReplacement 1\n");
  CHECK(s.runUntil(60) == "replbatt@10");
}

TEST_CASE("overload is said once when it appears") {
  Story s("at 10 set UPS.PowerSummary.PresentStatus.Overload 1\n"
          "at 20 set UPS.PowerSummary.PresentStatus.Overload 0\n");
  CHECK(s.runUntil(60) == "overload@10");
}

TEST_CASE("flapping mains give one onbatt/online pair, not a storm") {
  Story s(fmt::format("at 10 set {0} 0\nat 20 set {0} 1\nat 22 set {0} 0\nat 32 set {0} 1\n"
                      "at 34 set {0} 0\nat 44 set {0} 1\n",
                      kAcPresent));
  CHECK(s.runUntil(80) == "onbatt@15 online@49");
}

TEST_CASE("a reload through the engine takes effect without losing the outage") {
  Story s(outage(10, 100));
  CHECK(s.runUntil(12) == "");
  PolicyOptions shorter;
  shorter.onBatteryDelay = std::chrono::seconds(1);
  s.engine.requestPolicy(shorter);
  // Applied at the next step after 12 s; the deadline it derives (10 + 1) is
  // already past, so onbatt fires at once, stamped with that deadline.
  CHECK(s.runUntil(20) == "onbatt@11");
}
