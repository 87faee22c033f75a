// SPDX-License-Identifier: GPL-2.0-or-later
// The running daemon as a real process: signals, config reloads, the event log, --test-event.
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "notify/curl_global.hpp"
#include "src/event_log.hpp"
#include "src/event_router.hpp"
#include "src/notifier.hpp"
#include "src/shutdown_pipeline.hpp"
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/daemon_support.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

extern char** environ;

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace std::chrono_literals;

using namespace hidupsd::test::daemon;

namespace {

/// Started: the signal mask is set up and the event log open (the "started" line is written then).
void requireStarted(const fs::path& eventLog) {
  REQUIRE_MESSAGE(waitForContent(eventLog, " started"), "the daemon never wrote its start line");
}

/// SIGTERM, then it must end with 0 and say so.
void requireCleanStop(HidupsdProcess& daemon) {
  daemon.signal(SIGTERM);
  const auto code = daemon.waitExit();
  REQUIRE_MESSAGE(code.has_value(), "hung after SIGTERM");
  CHECK(*code == 0);
  CHECK(contains(daemon.err(), "SIGTERM received, stopping"));
  CHECK(contains(daemon.err(), "daemon: stopped"));
}

/// Every stdout line naming a destructive step says "would": nothing was done.
void checkNothingDestructiveDone(const std::string& out) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    // qm/pct list and config are read-only: a dry run runs them for real.
    bool destructive = contains(line, "poweroff") || contains(line, "kill-power");
    for (const char* verb : {"qm shutdown", "qm stop", "pct shutdown", "pct stop", "stopall"})
      destructive = destructive || contains(line, verb);
    if (destructive) CHECK_MESSAGE(contains(line, "would"), line);
  }
}

} // namespace

TEST_CASE("hidupsd --simulate tells the whole outage on stdout and exits 0") {
  TempDir dir;
  HidupsdProcess sim(dir, {"--simulate", "--speed", "20"});
  const auto code = sim.waitExit(15s);
  REQUIRE_MESSAGE(code.has_value(), "--simulate --speed 20 still runs after 15 s");
  CHECK(*code == 0);
  const std::string out = sim.out();
  CAPTURE(out);
  // The pipeline runs on its own thread, started before the event is logged
  // (the shutdown never waits for the log): its lines and the event's line
  // may interleave, so each sequence is checked on its own.
  CHECK(missingInOrder(out, {"onbatt", "lowbatt", "shutdown: UPS reports low battery"}) == "");
  CHECK(missingInOrder(out, {"onbatt", "shutdown pipeline started", "would run: systemctl poweroff",
                             "shutdown pipeline finished"}) == "");
  CHECK(contains(out, "nothing is executed"));
  checkNothingDestructiveDone(out);
}

TEST_CASE("hidupsd --simulate whose outage starts no shutdown ends with an error, not a hang") {
  TempDir dir;
  const auto config = dir / "hidupsd.toml";
  writeFile(config, "[policy]\nshutdown_on_low_battery = false\n[log]\n" +
                        logFileSection(dir / "events.log"));
  HidupsdProcess sim(dir, {"--simulate", "--speed", "20", "-c", config.string()});
  // 120 s of the simulation's clock: 6 s.
  const auto code = sim.waitExit(30s);
  REQUIRE_MESSAGE(code.has_value(), "--simulate without a shutdown still runs after 30 s");
  CHECK(*code == 1);
  CHECK_MESSAGE(contains(sim.err(), "the simulated power cut is over and no shutdown started "
                                    "after 120 s of the simulation"),
                sim.err());
  const auto events = readIfAny(dir / "events.log");
  CHECK_MESSAGE(missingInOrder(events, {"onbatt", "lowbatt", "online"}) == "", events);
  CHECK_FALSE(contains(events, "shutdown pipeline started"));
}

TEST_CASE("the daemon on a replay file logs onbatt and stops cleanly on SIGTERM") {
  TempDir dir;
  const auto replay = writeReplay(dir / "ups.replay", outageAt(1));
  const auto events = dir / "events.log";
  writeFile(dir / "hidupsd.toml", daemonConfig(replay, logFileSection(events)));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  CHECK_MESSAGE(waitForContent(events, "onbatt: on battery"), readIfAny(events));
  CHECK(daemon.running());
  requireCleanStop(daemon);
}

TEST_CASE("SIGHUP with a broken config keeps the running one") {
  TempDir dir;
  const auto replay = writeReplay(dir / "ups.replay", outageAt(3));
  const auto events = dir / "events.log";
  const auto config = dir / "hidupsd.toml";
  writeFile(config, daemonConfig(replay, logFileSection(events)));
  HidupsdProcess daemon(dir, {"-c", config.string()});
  requireStarted(events);

  writeFile(config, "[policy]\non_battery_delay = 1\nbogus_key = 3\n");
  daemon.signal(SIGHUP);
  CHECK_MESSAGE(waitForContent(daemon.errPath(), "keeping the running configuration"),
                daemon.err());
  CHECK(contains(daemon.err(), config.string() + ":3:1: in [policy]: unknown key 'bogus_key'"));
  CHECK(daemon.running());
  // The old config's event log and policy, and the monitor, still work.
  CHECK_MESSAGE(waitForContent(events, "onbatt: on battery"), readIfAny(events));
  CHECK(daemon.running());
  requireCleanStop(daemon);
}

TEST_CASE("SIGHUP with a valid config applies it: the next event goes to the new log file") {
  TempDir dir;
  const auto replay = writeReplay(dir / "ups.replay", outageAt(3));
  const auto first = dir / "first.log";
  const auto second = dir / "second.log";
  const auto config = dir / "hidupsd.toml";
  writeFile(config, daemonConfig(replay, logFileSection(first)));
  HidupsdProcess daemon(dir, {"-c", config.string()});
  requireStarted(first);

  writeFile(config, daemonConfig(replay, logFileSection(second)));
  daemon.signal(SIGHUP);
  CHECK_MESSAGE(waitForContent(daemon.errPath(), "configuration reloaded from"), daemon.err());
  CHECK_MESSAGE(waitForContent(second, "onbatt: on battery"), readIfAny(second));
  CHECK_FALSE(contains(readIfAny(first), "onbatt"));
  requireCleanStop(daemon);
}

TEST_CASE("a bad config at start: exit 1 and every error as FILE:LINE:COL") {
  TempDir dir;
  const auto config = dir / "hidupsd.toml";
  writeFile(config, "[policy]\non_battery_delay = 1\nbogus_key = 3\n[log]\nlevel = \"loud\"\n");
  HidupsdProcess daemon(dir, {"-c", config.string()});
  const auto code = daemon.waitExit();
  REQUIRE_MESSAGE(code.has_value(), "still runs with a bad config");
  CHECK(*code == 1);
  const std::string err = daemon.err();
  CAPTURE(err);
  CHECK(contains(err, config.string() + ":3:1: in [policy]: unknown key 'bogus_key'"));
  CHECK(contains(err, config.string() + ":5:9: in [log]: level = \"loud\""));
  CHECK(daemon.out().empty());
}

TEST_CASE("hidupsd --test-event sends one event now, with the UPS state") {
  TempDir dir;
  SUBCASE("onbatt on the simulated UPS") {
    HidupsdProcess p(dir, {"--test-event", "onbatt", "--simulate"});
    REQUIRE(p.waitExit() == 0);
    const std::string out = p.out();
    CAPTURE(out);
    CHECK(contains(out, "onbatt: manual test (hidupsd --test-event) | ups.status OL"));
    CHECK(contains(out, "battery.charge 100 %"));
    CHECK(contains(out, "input.voltage 229.0 V"));
  }
  SUBCASE("shutdown runs the pipeline, which only says what it would run") {
    HidupsdProcess p(dir, {"--test-event", "shutdown", "--simulate"});
    REQUIRE(p.waitExit() == 0);
    const std::string out = p.out();
    CAPTURE(out);
    CHECK(contains(out, "shutdown: manual test"));
    CHECK(missingInOrder(out, {"shutdown pipeline started", "would run: systemctl poweroff",
                               "shutdown pipeline finished"}) == "");
    checkNothingDestructiveDone(out);
  }
  SUBCASE("an unknown event is a usage error") {
    HidupsdProcess p(dir, {"--test-event", "nonsense"});
    REQUIRE(p.waitExit() == 2);
    CHECK(contains(p.err(), "unknown event 'nonsense'"));
  }
  SUBCASE("with [serve.nut] and no daemon there, the UPS itself is read") {
    const auto events = dir / "events.log";
    const auto config = dir / "hidupsd.toml";
    writeFile(config, "[device]\nreplay = \"" +
                          (t::fixturesDir() / "eaton-3s-700.replay").string() + "\"\n[log]\n" +
                          logFileSection(events) + "[serve.nut]\nlisten = \"127.0.0.1:" +
                          std::to_string(freeLoopbackPort()) + "\"\n");
    HidupsdProcess p(dir, {"--test-event", "onbatt", "-c", config.string()});
    REQUIRE(p.waitExit() == 0);
    CHECK(contains(p.err(), "reading the UPS itself"));
    const std::string log = readIfAny(events);
    CAPTURE(log);
    CHECK(contains(log, "onbatt: manual test (hidupsd --test-event) | ups.status OL"));
    CHECK(contains(log, "battery.charge 92 %"));
  }
  SUBCASE("--really with simulation = true in the config runs nothing destructive") {
    const auto events = dir / "events.log";
    const auto config = dir / "hidupsd.toml";
    writeFile(config, "[device]\nreplay = \"" +
                          (t::fixturesDir() / "eaton-3s-700.replay").string() +
                          "\"\n[policy]\nsimulation = true\n[log]\n" + logFileSection(events));
    HidupsdProcess p(dir, {"--test-event", "shutdown", "--really", "-c", config.string()});
    REQUIRE(p.waitExit() == 0);
    CHECK(contains(p.err(),
                   "--really, but simulation = true in the config: nothing destructive runs"));
    const std::string log = readIfAny(events);
    CAPTURE(log);
    // The shutdown's dry run sees the UPS as at a real low battery (its deadline is that one).
    CHECK(contains(log, "shutdown: manual test (hidupsd --test-event) | ups.status OB DISCHRG LB"));
    CHECK(contains(log, "would run: systemctl poweroff"));
    checkNothingDestructiveDone(log);
  }
}

TEST_CASE("an event log on a full disk: one error, the daemon and the pipeline carry on") {
  TempDir dir;
  const auto replay = writeReplay(dir / "ups.replay", outageAt(1) + lowBatteryAt(2));
  writeFile(dir / "hidupsd.toml",
            daemonConfig(replay, "file = \"/dev/full\"\nlevel = \"notice\"\n"));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  CHECK_MESSAGE(waitForContent(daemon.errPath(), "pipeline: shutdown pipeline finished"),
                daemon.err());
  CHECK(daemon.running());
  requireCleanStop(daemon);
  const std::string err = daemon.err();
  CAPTURE(err);
  // The pipeline runs on its own thread, started before the event is logged
  // (the shutdown never waits for the log): its lines and the event's line
  // may interleave, so each sequence is checked on its own.
  CHECK(missingInOrder(err, {"event: onbatt", "event: lowbatt", "event: shutdown"}) == "");
  CHECK(missingInOrder(err, {"event: lowbatt", "pipeline: would run: systemctl poweroff"}) == "");
  CHECK(countOf(err, "event-log:") == 1);
  CHECK(countOf(err, "cannot write to /dev/full: No space left on device") == 1);
}

// --- notifications, end to end ------------------------------------------------

namespace {

/// A pipeline that only records when it was started.
class RecordingPipeline final : public hidupsd::ShutdownPipeline {
public:
  void start(const hidupsd::core::Event&) noexcept override {
    if (!started_.exchange(true)) at = std::chrono::steady_clock::now();
  }
  bool started() const noexcept override { return started_.load(); }
  bool finished() const noexcept override { return started_.load(); }
  void wait() noexcept override {}
  std::chrono::steady_clock::time_point at{};

private:
  std::atomic<bool> started_{false};
};

} // namespace

TEST_CASE("--simulate delivers the on-battery message to a Discord receiver on loopback") {
  TempDir dir;
  t::HttpReceiver discord;
  const auto config = dir / "hidupsd.toml";
  writeFile(config, "[log]\nfile = \"" + (dir / "events.log").string() +
                        "\"\n[[notify]]\ntype = \"discord\"\nurl = \"" + discord.url() +
                        "\"\nevents = [\"onbatt\"]\n");
  HidupsdProcess daemon(dir, {"--simulate", "--speed", "10", "-c", config.string()});
  const auto code = daemon.waitExit();
  REQUIRE_MESSAGE(code.has_value(), "hung");
  CHECK(*code == 0);
  const auto bodies = discord.bodies();
  REQUIRE_MESSAGE(bodies.size() == 1, daemon.err());
  CHECK(contains(discord.targets()[0], "wait=true"));
  const auto json = nlohmann::json::parse(bodies[0]);
  const std::string all = json.dump();
  // The simulated Ellipse PRO at onbatt time (13 s): the old message's values.
  for (const char* value : {"90", "23", "29", "0.0", "228.4", "137", "OB", "Ellipse PRO"})
    CHECK_MESSAGE(contains(all, value), value << " missing in " << all);
  CHECK_FALSE(contains(daemon.err(), "secret-token")); // the webhook token is never logged
}

TEST_CASE("a hanging webhook does not delay the shutdown pipeline") {
  t::HttpReceiver hanging(t::HttpReceiver::Mode::Hang);
  hidupsd::NotifyConfig discord;
  discord.type = hidupsd::NotifyType::Discord;
  discord.url = hanging.url();
  discord.timeout = std::chrono::seconds(2);
  discord.retries = 0;
  hidupsd::EventLog eventLog("");
  RecordingPipeline pipeline;
  const hidupsd::notify::CurlGlobal curl; // main owns it in the daemon
  hidupsd::Notifier notifier({discord}, "pve1");
  hidupsd::EventRouter router(eventLog, pipeline);
  router.addNotifier(notifier);
  hidupsd::core::Event lowbatt;
  lowbatt.kind = hidupsd::core::EventKind::LowBattery;
  hidupsd::core::Event shutdown = lowbatt;
  shutdown.kind = hidupsd::core::EventKind::Shutdown;
  const auto before = std::chrono::steady_clock::now();
  router.onEvent(lowbatt); // its delivery now hangs on the receiver
  router.onEvent(shutdown);
  REQUIRE(pipeline.started());
  CHECK(pipeline.at - before < 100ms);
  notifier.stop(0ms);
}
