// SPDX-License-Identifier: GPL-2.0-or-later
// The fault matrix, shutdown side: bad webhooks, bad qm, signals and a broken config mid-outage.
#include <doctest/doctest.h>
#include <signal.h>

#include <string>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/fault_support.hpp"
#include "tests/support/http_receiver.hpp"

namespace {

namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace hidupsd::test::faults;
using Mode = t::HttpReceiver::Mode;

/// A Discord webhook answering as `mode` says, during an outage with low
/// battery at 2 s and three 1-s guests: the host command must not wait on it.
void notificationsFail(Mode mode, const char* expectedInLog) {
  t::HttpReceiver discord(mode, std::chrono::seconds(30));
  ScenarioOptions o;
  o.timeline = outageAt(1) + lowBatteryAt(2);
  o.extraConfig = "[[notify]]\ntype = \"discord\"\nurl = \"" + discord.url() +
                  "\"\ntimeout = 2\nretries = 10\n";
  Scenario s(vmsBehaving({"1", "1", "1"}), o);
  s.start();
  checkPowerOffWithin(s, 2, kQuickPowerOff);
  const auto calls = pipelineCalls(s.pve);
  const auto requests = discord.times();
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.front() < *calls.powerOff); // the webhook was failing during the shutdown
  MESSAGE(requests.size() << " webhook requests so far");
  const double stopTook = requireAliveThenStop(*s.daemon);
  MESSAGE("SIGTERM -> exit: " << stopTook << " s");
  const std::string err = s.daemon->err();
  CAPTURE(err);
  CHECK(contains(err, expectedInLog));
  CHECK_FALSE(contains(err, "secret-token"));
  CHECK(s.log.lostLines() == "");
}

} // namespace

TEST_CASE("fault: a webhook that hangs during the shutdown: the host command on time") {
  notificationsFail(Mode::Hang, "notify: discord #1: ");
}

TEST_CASE("fault: a 429 storm during the shutdown: the host command on time") {
  notificationsFail(Mode::TooManyRequests, "discord #1: HTTP 429");
}

TEST_CASE("fault: a webhook answering 500 during the shutdown: the host command on time") {
  notificationsFail(Mode::ServerError, "discord #1: HTTP 500");
}

// guest_timeout 2: qm shutdown 100 never returns (killed by the runner),
// qm shutdown 101 fails at once; both are force-stopped (qm stop: 0.1 s).
TEST_CASE("fault: a qm shutdown that hangs and one that fails: force stop, host command in time") {
  ScenarioOptions o;
  o.timeline = outageAt(1) + lowBatteryAt(2);
  Scenario s(vmsBehaving({"hang", "fail", "1"}), o);
  s.start();
  checkPowerOffWithin(s, 2, kDeadline + kDeadlineSlack);
  const auto calls = pipelineCalls(s.pve);
  MESSAGE("first qm list -> host command: " << *calls.powerOff - *calls.firstList << " s");
  CHECK(*calls.powerOff - *calls.firstList <= kDeadline + kDeadlineSlack);
  // The hung qm is killed in time for its force stop to fit the deadline's
  // last 10 s (it used to be killed at its timeout + 15 s: past the deadline).
  const auto forced = s.pve.started("qm stop 100");
  REQUIRE(forced.size() == 1);
  MESSAGE("first qm list -> qm stop 100: " << forced[0].time - *calls.firstList << " s");
  CHECK(forced[0].time - *calls.firstList <= kDeadline - 10 + kDeadlineSlack);
  CHECK(s.pve.started("qm stop 101").size() == 1);
  CHECK(s.pve.started("qm stop 102").empty());
  CHECK(s.pve.status("vm", 100) == "stopped");
  CHECK(s.pve.status("vm", 101) == "stopped");
  const std::string text = s.log.read();
  CAPTURE(text);
  CHECK(contains(text, "VM 100 (vm100) force-stopped"));
  CHECK(contains(text, "VM 101 (vm101) force-stopped"));
  CHECK(contains(text, "guests: 1 of 3 stopped cleanly, 2 force-stopped, 0 failed"));
  CHECK(missingInOrder(text, {"shutdown pipeline started", "force-stopped", "powering off the host",
                              "shutdown pipeline finished"}) == "");
  requireAliveThenStop(*s.daemon);
  CHECK(s.log.lostLines() == "");
}

// The new file would change the event log and the host command, but has an
// unknown key: nothing of it may apply.
TEST_CASE("fault: SIGHUP with a broken config mid-outage: the running config shuts down") {
  ScenarioOptions o;
  o.timeline = outageAt(1) + lowBatteryAt(4);
  Scenario s(vmsBehaving({"1"}), o);
  s.start();
  REQUIRE_MESSAGE(s.log.waitFor("onbatt"), s.daemon->err());
  const auto other = s.dir / "other.log";
  writeFile(s.config, "[policy]\nbogus_key = 1\n[shutdown]\nhost_command = [\"/bin/true\"]\n"
                      "[log]\nfile = \"" +
                          other.string() + "\"\n");
  s.daemon->signal(SIGHUP);
  REQUIRE_MESSAGE(waitForContent(s.daemon->errPath(), "keeping the running configuration"),
                  s.daemon->err());
  checkPowerOffWithin(s, 4, kQuickPowerOff);
  const std::string err = s.daemon->err();
  CAPTURE(err);
  // The reload was refused before the low battery came.
  CHECK(missingInOrder(err, {"keeping the running configuration", "event: lowbatt"}) == "");
  CHECK(contains(err, s.config.string() + ":2:1: in [policy]: unknown key 'bogus_key'"));
  CHECK_FALSE(fs::exists(other));
  CHECK(contains(s.log.read(), "powering off the host: " + s.pve.poweroff()));
  requireAliveThenStop(*s.daemon);
  CHECK(s.log.lostLines() == "");
}

TEST_CASE("fault: SIGTERM during the pipeline: the host command runs, then exit 0") {
  ScenarioOptions o;
  o.timeline = outageAt(1) + lowBatteryAt(2);
  Scenario s(vmsBehaving({"1.5", "1.5"}), o); // under guest_timeout = 2: clean stops
  s.start();
  REQUIRE_MESSAGE(waitForContent(s.pve.dir() / "calls.log", "qm shutdown", kScenarioWait),
                  s.daemon->err());
  const double sigterm = t::monotonicSeconds();
  s.daemon->signal(SIGTERM);
  const auto code = s.daemon->waitExit();
  const double exited = t::monotonicSeconds();
  REQUIRE_MESSAGE(code.has_value(), "hung after SIGTERM: " << s.daemon->err());
  CHECK(*code == 0);
  const auto calls = pipelineCalls(s.pve);
  REQUIRE_MESSAGE(calls.powerOff.has_value(), "exited without the host command: " << s.log.read());
  MESSAGE("SIGTERM -> host command: " << *calls.powerOff - sigterm << " s; -> exit "
                                      << exited - sigterm << " s");
  CHECK(sigterm < *calls.powerOff); // the pipeline was still running
  CHECK(*calls.powerOff < exited);
  const std::string err = s.daemon->err();
  CAPTURE(err);
  CHECK(missingInOrder(err, {"SIGTERM received, stopping",
                             "the shutdown pipeline is running: letting it finish first",
                             "shutdown pipeline finished", "daemon: stopped"}) == "");
  CHECK(contains(s.log.read(), "guests: 2 of 2 stopped cleanly"));
  CHECK(s.log.lostLines() == "");
}
