// SPDX-License-Identifier: GPL-2.0-or-later
// core/: event names (the words of upssched-cmd scripts), snapshot reading, the clocks.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/snapshot.hpp"

namespace hidupsd::core {

using namespace std::chrono_literals;

TEST_CASE("every event name reads back as its kind; unknown names do not") {
  for (std::size_t i = 0; i < kEventNames.size(); ++i) {
    const auto kind = static_cast<EventKind>(i);
    CHECK(eventKind(eventName(kind)) == kind);
  }
  CHECK(eventName(EventKind::OnBattery) == "onbatt");
  CHECK(eventName(EventKind::ReplaceBattery) == "replbatt");
  CHECK_FALSE(eventKind("ONBATT").has_value());
  CHECK_FALSE(eventKind("").has_value());
  CHECK(isCritical(EventKind::LowBattery));
  CHECK(isCritical(EventKind::Shutdown));
  CHECK(isCritical(EventKind::Fsd));
  CHECK_FALSE(isCritical(EventKind::OnBattery));
}

TEST_CASE("a snapshot: values, numbers, status flags") {
  Snapshot s;
  s.variables = {{"battery.charge", "46"}, {"ups.load", "12.5 "}, {"ups.status", "OB DISCHRG LB"}};
  CHECK(s.get("battery.charge") == "46");
  CHECK_FALSE(s.get("battery.runtime").has_value());
  CHECK(s.number("battery.charge") == 46.0);
  CHECK_FALSE(s.number("ups.load").has_value()); // trailing text: not a number
  CHECK_FALSE(s.number("ups.status").has_value());
  CHECK(s.statusFlags() == std::vector<std::string>{"OB", "DISCHRG", "LB"});
  CHECK(s.hasStatus("LB"));
  CHECK_FALSE(s.hasStatus("OL"));
  CHECK(Snapshot{}.statusFlags().empty());
}

TEST_CASE("the manual clock moves only when told; the scaled clock runs faster") {
  ManualClock manual;
  const auto t0 = manual.now();
  manual.sleepFor(5s);
  manual.advance(250ms);
  CHECK(manual.now() - t0 == 5250ms);

  ScaledClock scaled(1000);
  CHECK(scaled.speed() == 1000);
  const auto s0 = scaled.now();
  scaled.sleepFor(2s); // 2 ms of real time
  CHECK(scaled.now() - s0 >= 2s);
  CHECK(ScaledClock(0).speed() == 1); // nonsense speeds run at real time
}

} // namespace hidupsd::core
