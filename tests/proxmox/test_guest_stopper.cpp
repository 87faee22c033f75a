// SPDX-License-Identifier: GPL-2.0-or-later
// The runner and the stopper against fake qm/pct/pvesh processes (tests/support/fake_pve.py).
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "proxmox/command_runner.hpp"
#include "proxmox/guest_stopper.hpp"
#include "tests/support/fake_pve.hpp"

namespace hidupsd::proxmox {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using test::FakePve;

Json guest(const char* type, int id, const char* shutdown, const char* startup = "",
           const char* stop = "0.1") {
  Json g{{"type", type},
         {"id", id},
         {"name", std::string(type) + std::to_string(id)},
         {"status", "running"},
         {"shutdown", shutdown},
         {"stop", stop}};
  if (*startup != '\0') g["startup"] = startup;
  return g;
}

std::string node(const Json& guests, const char* stopall = "ok") {
  return Json{{"node", "pve1"}, {"guests", guests}, {"stopall", stopall}}.dump();
}

StopRules rulesFor(const FakePve& pve) {
  StopRules r;
  r.qm = pve.qm();
  r.pct = pve.pct();
  r.pvesh = pve.pvesh();
  r.node = "pve1";
  r.guestTimeout = 30s;
  r.toolGrace = 5s; // the fakes are Python: slow to start on a loaded machine
  return r;
}

DiscoveryOptions discoveryFor(const FakePve& pve) {
  DiscoveryOptions o;
  o.qm = pve.qm();
  o.pct = pve.pct();
  return o;
}

/// A stopper that records its progress calls.
struct Recorder {
  std::vector<std::string> lines;
  std::vector<std::pair<std::size_t, std::size_t>> counts;
  GuestProgress progress() {
    return [this](const GuestReport& r, std::size_t done, std::size_t total) {
      lines.push_back(label(r.guest) + " " + nameOf(r.outcome));
      counts.emplace_back(done, total);
    };
  }
  StepReport steps() {
    return [this](const std::string& line) { lines.push_back(line); };
  }
};

TEST_CASE("runner: exit codes, stdout and stderr apart, a missing program, a timeout") {
  ProcessRunner runner(500ms);
  auto r = runner.run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 5s);
  CHECK(r.status == CommandResult::Status::Exited);
  CHECK(r.exitCode == 3);
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
  CHECK(r.describe() == "exit 3: err");
  r = runner.run({"/nonexistent/qm", "list"}, 5s);
  CHECK(r.status == CommandResult::Status::NotStarted);
  CHECK(r.describe() == "cannot start: No such file or directory");
  // A program that ignores SIGTERM: SIGKILL after the grace, its group too.
  const auto t0 = SteadyClock::now();
  r = runner.run({"/bin/sh", "-c", "trap '' TERM; sleep 30 & sleep 30; wait"}, 300ms);
  CHECK(r.status == CommandResult::Status::TimedOut);
  CHECK(SteadyClock::now() - t0 < 10s);
  CHECK(r.describe().rfind("timed out after 0.", 0) == 0);
}

TEST_CASE("dry run: read-only commands run, the others are only reported") {
  ProcessRunner real;
  std::vector<std::string> would;
  DryRunRunner dry(real, isReadOnlyCommand, [&](const std::vector<std::string>& argv) {
    would.push_back(commandLine(argv));
  });
  FakePve pve(node(Json::array({guest("vm", 100, "1")})));
  auto r = dry.run({pve.qm(), "list"}, 5s);
  CHECK(r.ok());
  CHECK(r.out.find("vm100") != std::string::npos);
  r = dry.run({pve.qm(), "shutdown", "100", "--timeout", "10"}, 5s);
  CHECK(r.ok());
  CHECK(would == std::vector<std::string>{pve.qm() + " shutdown 100 --timeout 10"});
  CHECK(pve.started("qm shutdown").empty());
  CHECK(pve.status("vm", 100) == "running");
  CHECK(commandLine({"systemctl", "it's", "a b"}) == "systemctl 'it'\\''s' 'a b'");
}

TEST_CASE("discovery: running guests, startup orders, exclusions, containers") {
  Json stopped = guest("vm", 101, "1");
  stopped["status"] = "stopped";
  FakePve pve(node(Json::array({guest("vm", 100, "1", "order=2,down=60"), stopped,
                                guest("ct", 200, "1", "order=1"), guest("vm", 102, "1")})));
  ProcessRunner runner;
  auto o = discoveryFor(pve);
  o.exclude = {102};
  auto d = discoverGuests(runner, o);
  CHECK(d.problems.empty());
  REQUIRE(d.guests.size() == 2);
  CHECK(d.guests[0].id == 100);
  CHECK(d.guests[0].startup == Startup{2, {}, 60});
  CHECK(d.guests[1].type == GuestType::Container);
  CHECK(d.guests[1].startup.order == 1);
  REQUIRE(d.excluded.size() == 1);
  CHECK(d.excluded[0].id == 102);
  o.containers = false;
  d = discoverGuests(runner, o);
  CHECK(d.guests.size() == 1);
  o.qm = "/nonexistent/qm";
  d = discoverGuests(runner, o);
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0] == "qm list: cannot start: No such file or directory");
}

TEST_CASE("20 guests that take 2 s each stop in parallel, not one after the other") {
  FakePve pve(test::uniformVms(20, 2.0));
  ProcessRunner runner;
  Recorder rec;
  GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
  auto d = discoverGuests(runner, discoveryFor(pve));
  REQUIRE(d.guests.size() == 20);
  const auto summary = stopper.stopGuests(d.guests, SteadyClock::now() + 120s);
  CHECK(summary.count(GuestOutcome::Stopped) == 20);
  CHECK_FALSE(summary.deadlineReached);
  // Every shutdown began before the first one ended: they overlapped.
  const auto begun = pve.started("qm shutdown");
  const auto ended = pve.finished("qm", "shutdown");
  REQUIRE(begun.size() == 20);
  REQUIRE(ended.size() == 20);
  const double lastStart = std::max_element(begun.begin(), begun.end(), [](auto& a, auto& b) {
                             return a.time < b.time;
                           })->time;
  const double firstEnd = std::min_element(ended.begin(), ended.end(), [](auto& a, auto& b) {
                            return a.time < b.time;
                          })->time;
  CHECK(lastStart < firstEnd);
  MESSAGE("20 guests x 2 s stopped in " << summary.elapsed.count() << " ms");
  CHECK(summary.elapsed < 20s); // sequential would be 40 s
  REQUIRE(rec.counts.size() == 20);
  CHECK(rec.counts.back() == std::pair<std::size_t, std::size_t>{20, 20});
  for (int id = 100; id < 120; ++id)
    CHECK(pve.status("vm", id) == "stopped");
}

TEST_CASE("order groups: each group is down before the next one starts") {
  FakePve pve(
      node(Json::array({guest("vm", 100, "0.3", "order=1"), guest("vm", 101, "0.3"),
                        guest("ct", 200, "0.3", "order=2"), guest("vm", 102, "0.3", "order=2"),
                        guest("vm", 103, "0.3", "order=1")})));
  ProcessRunner runner;
  Recorder rec;
  GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
  const auto d = discoverGuests(runner, discoveryFor(pve));
  const auto summary = stopper.stopGuests(d.guests, SteadyClock::now() + 120s);
  CHECK(summary.count(GuestOutcome::Stopped) == 5);
  auto startOf = [&](const std::string& words) { return pve.started(words).at(0).time; };
  auto endOf = [&](const std::string& tool, const std::string& args) {
    return pve.finished(tool, args).at(0).time;
  };
  // No order (101) first, then order 2 (102, CT 200), then order 1 (100, 103).
  CHECK(endOf("qm", "shutdown 101") < startOf("qm shutdown 102"));
  CHECK(endOf("qm", "shutdown 101") < startOf("pct shutdown 200"));
  CHECK(endOf("qm", "shutdown 102") < startOf("qm shutdown 100"));
  CHECK(endOf("pct", "shutdown 200") < startOf("qm shutdown 103"));
  CHECK(rec.lines.front() == "stopping no startup order: VM 101 (vm101)");
}

TEST_CASE("per-guest timeout, force stop, a hung qm, a failing one, force_stop off") {
  FakePve pve(node(Json::array({guest("vm", 100, "never", "down=1"), guest("vm", 101, "hang"),
                                guest("vm", 102, "fail", "", "fail"), guest("ct", 200, "0.2")})));
  ProcessRunner runner(500ms);
  auto rules = rulesFor(pve);
  rules.guestTimeout = 2s;
  Recorder rec;
  GuestStopper stopper(runner, rules, rec.progress(), rec.steps());
  const auto d = discoverGuests(runner, discoveryFor(pve));
  const auto summary = stopper.stopGuests(d.guests, SteadyClock::now() + 120s);
  auto outcome = [&](int id) {
    for (const auto& r : summary.reports)
      if (r.guest.id == id) return r;
    FAIL("no report for " << id);
    return GuestReport{};
  };
  CHECK(pve.started("qm shutdown 100 --timeout 1").size() == 1); // its down=1
  CHECK(outcome(100).outcome == GuestOutcome::ForceStopped);
  CHECK(outcome(100).detail == "shutdown: exit 255: VM quit/powerdown failed - got timeout");
  // 101's qm hangs: killed at its timeout (2 s) + the tool grace, then qm stop.
  CHECK(outcome(101).outcome == GuestOutcome::ForceStopped);
  CHECK(outcome(101).detail.rfind("shutdown: timed out after", 0) == 0);
  CHECK(outcome(102).outcome == GuestOutcome::Failed);
  CHECK(outcome(102).detail.find("stop: exit 2: can't lock file") != std::string::npos);
  CHECK(outcome(200).outcome == GuestOutcome::Stopped);
  CHECK(pve.status("vm", 101) == "stopped");
  CHECK(pve.status("vm", 102) == "running");

  FakePve again(node(Json::array({guest("vm", 100, "never", "down=1")})));
  rules = rulesFor(again);
  rules.forceStop = false;
  GuestStopper gentle(runner, rules, nullptr, nullptr);
  const auto left = gentle.stopGuests(discoverGuests(runner, discoveryFor(again)).guests,
                                      SteadyClock::now() + 60s);
  REQUIRE(left.reports.size() == 1);
  CHECK(left.reports[0].outcome == GuestOutcome::LeftRunning);
  CHECK(again.started("qm stop").empty());
}

TEST_CASE("the deadline: shutdown timeouts cut short, later groups force-stopped at once") {
  // 100's shutdown times out (1 s) and its force stop takes 2 s: 101's turn
  // comes after the 2.5 s deadline.
  FakePve pve(
      node(Json::array({guest("vm", 100, "never", "", "2"), guest("vm", 101, "0.1", "order=1")})));
  ProcessRunner runner(500ms);
  auto rules = rulesFor(pve);
  rules.guestTimeout = 180s;
  Recorder rec;
  GuestStopper stopper(runner, rules, rec.progress(), rec.steps());
  const auto d = discoverGuests(runner, discoveryFor(pve));
  const auto t0 = SteadyClock::now();
  const auto summary = stopper.stopGuests(d.guests, t0 + 2500ms);
  // 2.5 s left, 10 s kept for the force stop: the shutdown gets the 1 s minimum.
  CHECK(pve.started("qm shutdown 100 --timeout 1").size() == 1);
  CHECK(pve.started("qm shutdown 101").empty()); // its turn came after the deadline
  CHECK(pve.started("qm stop 101").size() == 1);
  CHECK(summary.deadlineReached);
  CHECK(summary.count(GuestOutcome::ForceStopped) == 2);
  CHECK(SteadyClock::now() - t0 < 10s);
  CHECK(std::find(rec.lines.begin(), rec.lines.end(),
                  "deadline reached, force-stopping startup order 1: VM 101 (vm101)") !=
        rec.lines.end());
}

TEST_CASE("stopall: pvesh does it; when it fails the guests are stopped one by one") {
  ProcessRunner runner(500ms);
  {
    FakePve pve(node(Json::array({guest("vm", 100, "1"), guest("ct", 200, "1")}), "ok"));
    Recorder rec;
    GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
    const auto opts = discoveryFor(pve);
    const auto d = discoverGuests(runner, opts);
    const auto summary = stopper.stopAll(
        d.guests, false, [&] { return discoverGuests(runner, opts).guests; },
        SteadyClock::now() + 60s);
    CHECK(summary.count(GuestOutcome::Stopped) == 2);
    CHECK(pve.started("pvesh create /nodes/pve1/stopall --timeout 30 --force-stop 1").size() == 1);
    CHECK(pve.started("qm shutdown").empty());
  }
  {
    FakePve pve(node(Json::array({guest("vm", 100, "0.2"), guest("ct", 200, "0.2")}), "fail"));
    Recorder rec;
    GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
    auto opts = discoveryFor(pve);
    const auto d = discoverGuests(runner, opts);
    const auto summary = stopper.stopAll(
        d.guests, true, [&] { return discoverGuests(runner, opts).guests; },
        SteadyClock::now() + 60s);
    CHECK(summary.count(GuestOutcome::Stopped) == 2);
    CHECK(pve.started("pvesh create /nodes/pve1/stopall --timeout 30 --force-stop 1 --vms 100,200")
              .size() == 1);
    CHECK(pve.started("qm shutdown 100").size() == 1);
    CHECK(pve.started("pct shutdown 200").size() == 1);
    CHECK(std::any_of(rec.lines.begin(), rec.lines.end(), [](const std::string& l) {
      return l.rfind("stopall failed (exit 255: can't lock file", 0) == 0;
    }));
  }
}

} // namespace
} // namespace hidupsd::proxmox
