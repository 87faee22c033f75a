// SPDX-License-Identifier: GPL-2.0-or-later
// src/nut_reader: LIST VAR as a snapshot; a server that is not there: back-off, then commbad.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "src/nut_reader.hpp"
#include "tests/support/daemon_support.hpp"

using namespace hidupsd;

namespace {

struct Recorder final : ReaderListener {
  std::vector<std::string> calls;
  std::vector<core::Clock::time_point> at;
  core::Clock* clock = nullptr;
  void onSnapshot(const core::Snapshot&) noexcept override { note("snapshot"); }
  void onCommLost(std::string reason) noexcept override { note("lost: " + reason); }
  void onCommRestored() noexcept override { note("restored"); }
  void note(std::string what) {
    calls.push_back(std::move(what));
    at.push_back(clock->now());
  }
};

} // namespace

TEST_CASE("nut_reader: LIST VAR as the snapshot a local UPS gives") {
  const core::Clock::time_point t{std::chrono::seconds(42)};
  const auto s = remoteSnapshot({{"battery.charge", "87"},
                                 {"ups.status", "OB DISCHRG LB"},
                                 {"driver.name", "usbhid-ups"},
                                 {"battery.runtime", "312"}},
                                t);
  CHECK(s.time == t);
  CHECK(s.variables.size() == 4);
  CHECK(s.number("battery.charge") == 87);
  CHECK(s.statusFlags() == std::vector<std::string>{"OB", "DISCHRG", "LB"});
  CHECK(remoteSnapshot({{"ups.status", "FSD OL"}}, t).hasStatus("FSD"));
  // No status (or an empty one) is no answer: the UPS cannot be followed from it.
  CHECK_THROWS_AS(remoteSnapshot({{"battery.charge", "87"}}, t), std::runtime_error);
  CHECK_THROWS_AS(remoteSnapshot({{"ups.status", ""}}, t), std::runtime_error);
}

TEST_CASE("nut_reader: no server: reconnects with back-off, commbad at comms_lost_timeout") {
  core::ManualClock clock;
  Recorder listener;
  listener.clock = &clock;
  NutReaderOptions o;
  o.address = lib::NutAddress{"ups", "127.0.0.1", test::daemon::freeLoopbackPort()};
  o.timeout = std::chrono::milliseconds(500);
  o.commsLostTimeout = std::chrono::seconds(10);
  NutReader reader(o, clock, listener);
  const auto start = clock.now();
  while (clock.now() - start < std::chrono::seconds(40))
    reader.step();
  REQUIRE(listener.calls.size() == 1);
  CHECK(listener.calls[0].starts_with("lost: ups@127.0.0.1:"));
  CHECK(listener.calls[0].find("cannot connect") != std::string::npos);
  CHECK(listener.at[0] - start == std::chrono::seconds(10));
  CHECK_FALSE(reader.connected());
  CHECK(reader.commLost());
  CHECK(reader.commands().empty());
  // A posted task (a command) is told at once that no UPS is here.
  bool none = false;
  reader.post([&](DeviceAccess* access) { none = access == nullptr; });
  CHECK(none);
}
