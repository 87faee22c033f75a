// SPDX-License-Identifier: GPL-2.0-or-later
// --status's text: every part of the state said once, in order, in the host's time zone.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "src/status_text.hpp"

using namespace hidupsd;

namespace {

core::WallTime at(std::int64_t s) {
  return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(s));
}

struct Utc {
  Utc() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

constexpr std::int64_t kT0 = 1796000000; // 2026-11-30 00:53:20 UTC

} // namespace

TEST_CASE("a running shutdown on battery, a failing sink: each said once, in order") {
  Utc utc;
  core::DaemonState s;
  s.version = "0.3.0";
  s.host = "pve1";
  s.startedAt = at(kT0);
  s.ups.everRead = true;
  s.ups.commOk = true;
  s.ups.variables = {{"ups.status", "OB DISCHRG LB"},
                     {"battery.charge", "18"},
                     {"ups.load", "29"},
                     {"battery.runtime", "168"}};
  s.ups.onBatterySince = at(kT0 + 60);
  s.pipeline.phase = core::PipelineState::Phase::Running;
  s.pipeline.startedAt = at(kT0 + 200);
  s.pipeline.reason = "UPS reports low battery";
  s.pipeline.step = "2/4 VM 101 (web) stopped after 3.1 s";
  s.pipeline.guestsDone = 2;
  s.pipeline.guestsTotal = 4;
  s.pipeline.deadlineSeconds = 108;
  s.readiness = core::ReadinessState{true, at(kT0 + 5), {}, {"simulation is on"}};
  s.lastEvents = {{"onbatt", at(kT0 + 65), "on battery", "reason.on_battery"}};
  core::SinkHealth bad;
  bad.name = "discord #1";
  bad.failed = 2;
  bad.lastFailure = at(kT0 + 201);
  bad.lastError = "HTTP 404";
  bad.failuresInRow = 2;
  s.notifications = {bad};
  core::HistoryView h;
  h.writable = true;
  h.transfers = 3;
  h.blips = 1;
  h.onBatterySeconds = 412;
  h.since = at(kT0 - 86400);
  h.lastOutage = at(kT0 - 3600);
  h.lastOutageSeconds = 95;
  h.lastOutageReason = "mains lost";
  h.healthScore = 42;
  h.replaceBattery = true;
  s.history = h;
  const auto text = statusText(s, at(kT0 + 228));
  CHECK(text == "hidupsd 0.3.0 on pve1, running since 2026-11-30 00:53:20 UTC (3 min 48 s ago)\n"
                "SIMULATION: the shutdown only says what it would do\n"
                "UPS \"ups\": OB DISCHRG LB\n"
                "  on battery since 2026-11-30 00:54:20 UTC (2 min 48 s ago)\n"
                "  charge 18 %, load 29 %, runtime 2 min 48 s\n"
                "Shutdown: RUNNING, since 2026-11-30 00:56:40 UTC (28 s ago)\n"
                "  why: UPS reports low battery\n"
                "  guests: 2 of 4 done, deadline 108 s\n"
                "  last step: 2/4 VM 101 (web) stopped after 3.1 s\n"
                "Shutdown readiness: ready (checked 2026-11-30 00:53:25 UTC)\n"
                "  warning: simulation is on\n"
                "Last events (oldest first):\n"
                "  2026-11-30 00:54:25 UTC  onbatt: on battery\n"
                "Notifications:\n"
                "  discord #1: 0 delivered, 2 given up; last failure 2026-11-30 00:56:41 UTC: "
                "HTTP 404 — FAILING (2 in a row)\n"
                "History: 3 transfers to battery (1 blip), 6 min 52 s on battery in total, since "
                "2026-11-29 00:53:20 UTC\n"
                "  last outage 2026-11-29 23:53:20 UTC for 1 min 35 s (mains lost)\n"
                "  battery health: 42 / 100 — REPLACE THE BATTERY\n");
}

TEST_CASE("a daemon just started: nothing read, nothing checked, no sinks") {
  Utc utc;
  core::DaemonState s;
  s.version = "0.3.0";
  s.host = "pve1";
  s.simulation = false;
  const auto text = statusText(s, at(kT0));
  CHECK(text == "hidupsd 0.3.0 on pve1\n"
                "UPS \"ups\": not read yet\n"
                "Shutdown: not started\n"
                "Shutdown readiness: not checked yet\n"
                "Last events: none since the daemon started\n"
                "Notifications: none configured ([[notify]])\n"
                "History: off ([history] file = \"\")\n");
}

TEST_CASE("read without the daemon: only the UPS, and where it was read") {
  core::DaemonState s;
  s.source = "nut";
  s.ups.everRead = true;
  s.ups.commOk = true;
  s.ups.variables = {{"ups.status", "OL"}};
  CHECK(statusText(s, at(kT0)) ==
        "(the daemon's control socket did not answer: read through the NUT server)\n"
        "UPS \"ups\": OL\n");
}

TEST_CASE("several UPSes: each by name, then the host's supplies") {
  Utc utc;
  core::DaemonState s;
  s.version = "0.3.0";
  s.host = "pve1";
  s.simulation = false;
  s.ups.name = "left";
  s.ups.everRead = true;
  s.ups.commOk = true;
  s.ups.variables = {{"ups.status", "OB LB"}};
  core::UpsView right;
  right.name = "right";
  right.everRead = true;
  right.commOk = true;
  right.variables = {{"ups.status", "OL"}, {"battery.charge", "100"}};
  s.moreUps = {right};
  s.supplies = "1 of 2 power supplies still fed (min_supplies = 1): the host keeps running";
  const auto text = statusText(s, at(kT0));
  CHECK(text.starts_with("hidupsd 0.3.0 on pve1\n"
                         "UPS \"left\": OB LB\n"
                         "UPS \"right\": OL\n"
                         "  charge 100 %\n"
                         "Supplies: 1 of 2 power supplies still fed (min_supplies = 1): the host "
                         "keeps running\n"
                         "Shutdown: not started\n"));
}
