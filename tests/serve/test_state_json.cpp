// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon state's one JSON form: every field there and back, nulls, and what is refused.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "serve/state_json.hpp"

using namespace hidupsd;
using core::WallTime;

namespace {

WallTime at(std::int64_t unixSeconds) {
  return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(unixSeconds));
}

core::DaemonState everything() {
  core::DaemonState s;
  s.version = "0.3.0";
  s.host = "pve1";
  s.startedAt = at(1796000000);
  s.simulation = false;
  s.ups.name = "eaton";
  s.ups.everRead = true;
  s.ups.commOk = true;
  s.ups.variables = {
      {"ups.status", "OB DISCHRG"}, {"battery.runtime", "168"}, {"ups.mfr", "É\"\n"}};
  s.ups.onBatterySince = at(1796000100);
  s.pipeline.phase = core::PipelineState::Phase::Running;
  s.pipeline.startedAt = at(1796000200);
  s.pipeline.reason = "UPS reports low battery";
  s.pipeline.step = "2/4 VM 101 (web) stopped after 3.1 s";
  s.pipeline.guestsDone = 2;
  s.pipeline.guestsTotal = 4;
  s.pipeline.deadlineSeconds = 108;
  s.readiness = core::ReadinessState{true, at(1796000050), {}, {"simulation is on"}};
  s.lastEvents = {{"onbatt", at(1796000105), "on battery", "reason.on_battery"},
                  {"lowbatt", at(1796000200), "UPS reports low battery", "reason.low_battery"}};
  core::SinkHealth sink;
  sink.name = "discord #1";
  sink.delivered = 3;
  sink.failed = 1;
  sink.lastSuccess = at(1796000201);
  sink.lastFailure = at(1796000150);
  sink.lastError = "HTTP 404";
  sink.failuresInRow = 0;
  s.notifications = {sink};
  s.notificationsDropped = 2;
  core::HistoryView h;
  h.writable = true;
  h.transfers = 3;
  h.blips = 1;
  h.onBatterySeconds = 412.5;
  h.since = at(1790000000);
  h.lastOutage = at(1795990000);
  h.lastOutageSeconds = 301.2;
  h.lastOutageReason = "low line voltage (180 V < 184 V)";
  h.healthScore = 87;
  h.lastTest = at(1795000000);
  h.lastTestResult = "Done and passed";
  s.history = h;
  return s;
}

} // namespace

TEST_CASE("every field of the state goes to JSON and comes back the same") {
  const auto s = everything();
  const auto text = serve::stateJson(s);
  CHECK(serve::parseStateJson(text) == s);
  const auto j = nlohmann::json::parse(text);
  CHECK(j["format"] == 1);
  CHECK(j["history"]["transfers"] == 3);
  CHECK(j["history"]["last_outage"] == "2026-11-29T22:06:40Z");
  CHECK(j["history"]["health_score"] == 87);
  CHECK(j["ups"]["on_battery_since"] == "2026-11-30T00:55:00Z");
  CHECK(j["ups"]["variables"]["ups.mfr"] == "É\"\n");
  CHECK(j["pipeline"]["phase"] == "running");
  CHECK(j["pipeline"]["deadline_seconds"] == 108);
  CHECK(j["readiness"]["warnings"][0] == "simulation is on");
  CHECK(j["last_events"][1]["reason_key"] == "reason.low_battery");
  CHECK(j["notifications"][0]["last_error"] == "HTTP 404");
  // One line for scripts that read line by line.
  CHECK(serve::stateJson(s, -1).find('\n') == serve::stateJson(s, -1).size() - 1);
}

TEST_CASE("what is not known is null, and comes back unset") {
  core::DaemonState s; // the daemon just started: nothing read, nothing checked
  const auto j = nlohmann::json::parse(serve::stateJson(s));
  CHECK(j["started_at"].is_null());
  CHECK(j["readiness"].is_null());
  CHECK(j["ups"]["on_battery_since"].is_null());
  CHECK(j["pipeline"]["deadline_seconds"].is_null());
  CHECK(j["last_events"].empty());
  CHECK(serve::parseStateJson(serve::stateJson(s)) == s);
}

TEST_CASE("a UPS string that is not UTF-8 does not break the JSON") {
  core::DaemonState s;
  s.ups.variables["ups.model"] = std::string("Ellipse\xff\xfe");
  const auto text = serve::stateJson(s);
  CHECK(nlohmann::json::parse(text)["ups"]["variables"]["ups.model"] ==
        "Ellipse\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("another format, a missing key, a bad time or no JSON at all is refused, saying what") {
  auto j = nlohmann::json::parse(serve::stateJson(everything()));
  j["format"] = 2;
  CHECK_THROWS_WITH_AS(serve::parseStateJson(j.dump()), doctest::Contains("format 2"),
                       serve::StateJsonError);
  j["format"] = 1;
  j["started_at"] = "yesterday";
  CHECK_THROWS_WITH_AS(serve::parseStateJson(j.dump()), doctest::Contains("yesterday"),
                       serve::StateJsonError);
  j.erase("started_at");
  CHECK_THROWS_WITH_AS(serve::parseStateJson(j.dump()), doctest::Contains("started_at"),
                       serve::StateJsonError);
  CHECK_THROWS_AS(serve::parseStateJson("error: busy, try again\n"), serve::StateJsonError);
  // A newer daemon's extra keys are ignored.
  auto extra = nlohmann::json::parse(serve::stateJson(everything()));
  extra["dashboard"] = {{"theme", "dark"}};
  extra["history"]["outages_by_month"] = {1, 2};
  CHECK(serve::parseStateJson(extra.dump()) == everything());
}

TEST_CASE("the history part: null when off, absent from an older daemon's answer") {
  auto s = everything();
  s.history.reset();
  auto j = nlohmann::json::parse(serve::stateJson(s));
  CHECK(j["history"].is_null());
  CHECK(serve::parseStateJson(j.dump()) == s);
  j.erase("history"); // a format-1 daemon from before the history
  CHECK_FALSE(serve::parseStateJson(j.dump()).history);
  s = everything();
  s.history->healthScore.reset(); // not known yet: null, and back
  s.history->lastOutageSeconds.reset();
  j = nlohmann::json::parse(serve::stateJson(s));
  CHECK(j["history"]["health_score"].is_null());
  CHECK(serve::parseStateJson(j.dump()) == s);
  j["history"]["transfers"] = "three";
  CHECK_THROWS_AS(serve::parseStateJson(j.dump()), serve::StateJsonError);
}

TEST_CASE("several UPSes: the others and the supplies go to JSON and back; absent with one") {
  auto s = everything();
  CHECK(nlohmann::json::parse(serve::stateJson(s)).count("more_ups") == 0);
  core::UpsView right;
  right.name = "right";
  right.everRead = true;
  right.variables = {{"ups.status", "OB LB"}};
  s.moreUps = {right};
  s.supplies = "1 of 2 power supplies still fed (min_supplies = 1): the host keeps running";
  const auto text = serve::stateJson(s);
  CHECK(serve::parseStateJson(text) == s);
  const auto j = nlohmann::json::parse(text);
  CHECK(j["more_ups"][0]["name"] == "right");
  CHECK(j["more_ups"][0]["comm_ok"] == false);
}
