// SPDX-License-Identifier: GPL-2.0-or-later
// PowerWatch: everything reaches the engine first; OB gained or lost is told once each time.
#include <doctest/doctest.h>

#include <vector>

#include "src/power_watch.hpp"

namespace hidupsd {
namespace {

struct Inner final : ReaderListener {
  std::vector<std::string> calls;
  void onSnapshot(const core::Snapshot& s) noexcept override {
    calls.push_back("snapshot " + s.get("ups.status").value_or(""));
  }
  void onCommLost(std::string reason) noexcept override { calls.push_back("lost " + reason); }
  void onCommRestored() noexcept override { calls.push_back("restored"); }
  void onIdle(core::Clock::time_point) noexcept override { calls.push_back("idle"); }
  std::optional<core::Clock::time_point> wakeAt() const noexcept override {
    return core::Clock::time_point{} + std::chrono::seconds(7);
  }
};

core::Snapshot status(const char* flags) {
  core::Snapshot s;
  s.variables["ups.status"] = flags;
  return s;
}

TEST_CASE("OB gained and lost is told once each; a reading without OL or OB changes nothing") {
  Inner inner;
  std::vector<bool> told;
  PowerWatch watch(inner, [&](bool onBattery) { told.push_back(onBattery); });
  for (const char* flags : {"OL CHRG", "OL", "OB DISCHRG", "OB DISCHRG LB", "", "OL CHRG", "OB"})
    watch.onSnapshot(status(flags));
  CHECK(told == std::vector<bool>{false, true, false, true});
  watch.onCommLost("gone");
  watch.onCommRestored();
  watch.onIdle({});
  CHECK(watch.wakeAt() == inner.wakeAt());
  REQUIRE(inner.calls.size() == 10);
  CHECK(inner.calls[2] == "snapshot OB DISCHRG");
  CHECK(inner.calls[7] == "lost gone");
  CHECK(inner.calls[9] == "idle");
}

} // namespace
} // namespace hidupsd
