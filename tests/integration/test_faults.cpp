// SPDX-License-Identifier: GPL-2.0-or-later
// The fault matrix, device side: unplugs, I/O errors, stalls and bad reports during an outage.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/fault_support.hpp"

namespace {

using namespace hidupsd::test::daemon;
using namespace hidupsd::test::faults;

/// Two guests that stop in 1 s: the pipeline's own work stays small.
std::string twoQuickVms() { return vmsBehaving({"1", "1"}); }

} // namespace

// Retries after the unplug at 2.5 s: 3.5, 5.5, 9.5 (1 s doubling);
// commbad 2 s after the last answer (2 to 2.5 s); replugged at 7: the
// retry at 9.5 finds it. Every step has a second or more of margin.
TEST_CASE("fault: unplugged after low battery: the pipeline completes, commbad, then commok") {
  ScenarioOptions o;
  o.timeline = outageAt(1) + lowBatteryAt(2) + "at 2.5 disconnect\nat 7 reconnect\n";
  o.commsLostTimeout = 2;
  Scenario s(twoQuickVms(), o);
  s.start();
  REQUIRE_MESSAGE(s.log.waitFor("lowbatt"), s.daemon->err());
  checkPowerOffWithin(s, 2, kQuickPowerOff);
  REQUIRE_MESSAGE(s.log.waitFor("commbad"), s.log.read());
  REQUIRE_MESSAGE(s.log.waitFor("commok"), s.log.read());
  const std::string text = s.log.read();
  CAPTURE(text);
  CHECK(missingInOrder(text, {"onbatt", "lowbatt", "commbad", "commok"}) == "");
  CHECK(linesWith(text, "shutdown: ") == 1); // the unreachable UPS adds no second shutdown
  CHECK(contains(s.daemon->err(), "disconnected"));
  requireAliveThenStop(*s.daemon);
  CHECK(s.log.lostLines() == "");
}

// Unplugged at 2 s on battery, no low battery ever seen: commbad 2 s after
// the last answer (1 to 2 s) and, as upsmon does with an unreachable UPS on
// battery, the shutdown. Replugged at 6: the retry at 9 (3, 5, 9) finds it.
TEST_CASE("fault: unplugged on battery before low battery: commbad shuts down, commok after") {
  ScenarioOptions o;
  o.timeline = outageAt(1) + "at 2 disconnect\nat 6 reconnect\n";
  o.commsLostTimeout = 2;
  Scenario s(twoQuickVms(), o);
  s.start();
  REQUIRE_MESSAGE(s.log.waitFor("onbatt"), s.daemon->err());
  // commbad at 4 s at the latest: the shutdown starts then.
  checkPowerOffWithin(s, 4, kQuickPowerOff);
  REQUIRE_MESSAGE(s.log.waitFor("commok"), s.log.read());
  const std::string text = s.log.read();
  CAPTURE(text);
  CHECK(missingInOrder(text, {"onbatt", "commbad", "shutdown: UPS unreachable while on battery",
                              "commok"}) == "");
  CHECK(missingInOrder(text, {"shutdown pipeline started", "guests: 2 of 2 stopped cleanly",
                              "powering off the host", "shutdown pipeline finished"}) == "");
  CHECK_FALSE(contains(text, "lowbatt"));
  requireAliveThenStop(*s.daemon);
  CHECK(s.log.lostLines() == "");
}

// Three calls fail with an I/O error from 1.5 s, every call made from 2.5
// to 4.5 s stalls (1-s call timeouts): the low battery the UPS sends at
// 3.5 s is read once the stall is over (a read begun before 2.5 s ends by
// 3.5 s, whatever the read slice). Comms are never lost for 15 s: no
// commbad. The daemon logs at debug level: every failed call is in stderr.
TEST_CASE("fault: I/O errors and a stall during the outage: the low battery still shuts down") {
  ScenarioOptions o;
  o.timeline = outageAt(1) + "at 1.5 fail 3\nat 2.5 stall 2\n" +
               "at 3.5 set UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit 1\n";
  o.extraConfig = "level = \"debug\"\n";
  Scenario s(twoQuickVms(), o);
  s.start();
  REQUIRE_MESSAGE(s.log.waitFor("onbatt"), s.daemon->err());
  const double stallEnd = 4.5;
  checkPowerOffWithin(s, stallEnd, kQuickPowerOff);
  const auto powerOff = pipelineCalls(s.pve).powerOff;
  REQUIRE(powerOff.has_value());
  CHECK(*powerOff > s.atReplay(stallEnd)); // the low battery came after the stall, not before
  const std::string text = s.log.read();
  CAPTURE(text);
  CHECK(missingInOrder(text, {"onbatt", "lowbatt", "shutdown: UPS reports low battery"}) == "");
  CHECK_FALSE(contains(text, "commbad"));
  CHECK_FALSE(contains(text, "online"));
  const std::string err = s.daemon->err();
  CAPTURE(err);
  CHECK(linesWith(err, "I/O error") >= 3);
  CHECK(linesWith(err, "device: timeout") >= 2);
  requireAliveThenStop(*s.daemon);
  CHECK(s.log.lostLines() == "");
}

// Report 0x01 (PresentStatus) is 4 bytes: one byte of it would read as
// ACPresent = 0 if padded; 0x99 and 0xfe are no Input report of this UPS.
TEST_CASE("fault: garbage, short and unknown-ID input reports: dropped, counted, LB still seen") {
  ScenarioOptions o;
  o.timeline = outageAt(1) +
               "at 1.5 input 01\n"
               "at 1.6 input 99 01 02\n"
               "at 1.7 input fe ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff\n"
               "at 1.8 input 01 00\n" +
               lowBatteryAt(3);
  Scenario s(twoQuickVms(), o);
  s.start();
  REQUIRE_MESSAGE(s.log.waitFor("onbatt"), s.daemon->err());
  checkPowerOffWithin(s, 3, kQuickPowerOff);
  const std::string err = s.daemon->err();
  CAPTURE(err);
  // One warning per bad report ID and connection; the second short 0x01 is debug only.
  CHECK(linesWith(err, "dropped [") == 3);
  CHECK(contains(err, "Input report 0x01: 1 bytes, the descriptor says 4: dropped [01]"));
  CHECK_FALSE(contains(err, "dropped [01 00]"));
  CHECK(contains(err, "0x99"));
  CHECK(contains(err, "0xfe"));
  const std::string text = s.log.read();
  CAPTURE(text);
  CHECK(missingInOrder(text, {"onbatt", "lowbatt", "shutdown: UPS reports low battery"}) == "");
  CHECK_FALSE(contains(text, "online")); // no bad report flipped the status back
  requireAliveThenStop(*s.daemon);
  CHECK(s.log.lostLines() == "");
}
