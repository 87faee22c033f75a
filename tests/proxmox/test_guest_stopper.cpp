// SPDX-License-Identifier: GPL-2.0-or-later
// The runner and the stopper against fake qm/pct/pvesh processes (tests/support/fake_pve.py).
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "proxmox/command_runner.hpp"
#include "proxmox/discovery.hpp"
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
  o.pmxcfs = pve.pmxcfs();
  o.node = "pve1";
  return o;
}

/// The running guests a discovery finds now (nothing excluded).
std::vector<Guest> running(CommandRunner& runner, const DiscoveryOptions& o) {
  return stopSet(discoverInventory(runner, o), {}).guests;
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

TEST_CASE("20 guests that take 2 s each stop in parallel, not one after the other") {
  FakePve pve(test::uniformVms(20, 2.0));
  ProcessRunner runner;
  Recorder rec;
  GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
  const auto guests = running(runner, discoveryFor(pve));
  REQUIRE(guests.size() == 20);
  const auto summary = stopper.stopGuests(guests, SteadyClock::now() + 120s);
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
  const auto summary =
      stopper.stopGuests(running(runner, discoveryFor(pve)), SteadyClock::now() + 120s);
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
  const auto summary =
      stopper.stopGuests(running(runner, discoveryFor(pve)), SteadyClock::now() + 120s);
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
  const auto left =
      gentle.stopGuests(running(runner, discoveryFor(again)), SteadyClock::now() + 60s);
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
  const auto guests = running(runner, discoveryFor(pve));
  const auto t0 = SteadyClock::now();
  const auto summary = stopper.stopGuests(guests, t0 + 2500ms);
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
    const auto summary = stopper.stopAll(
        running(runner, opts), false, [&] { return running(runner, opts); },
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
    const auto summary = stopper.stopAll(
        running(runner, opts), true, [&] { return running(runner, opts); },
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

/// A fresh inventory that comes once the first group has started, as the one
/// the pipeline asks for at low battery does.
Recheck recheckAfterFirstGroup(std::shared_ptr<const Inventory> fresh) {
  auto polls = std::make_shared<int>(0);
  return {[fresh, polls] { return ++*polls > 1 ? fresh : nullptr; },
          [fresh](SteadyClock::time_point) { return fresh; }};
}

TEST_CASE("a stale plan corrected: started since stopped too, stopped since skipped") {
  // The plan knew 100 (order 2) and 101, 102 (order 1); since then 101 stopped and 103
  // (order 1) and CT 200 (no order, its turn long past) started.
  Json g103 = guest("vm", 103, "0.1", "order=1");
  g103["status"] = "stopped";
  FakePve pve(
      node(Json::array({guest("vm", 100, "0.2", "order=2"), guest("vm", 101, "0.1", "order=1"),
                        guest("vm", 102, "0.1", "order=1"), g103, guest("ct", 200, "0.1")})));
  pve.setStatus("ct", 200, "stopped");
  ProcessRunner runner;
  const auto plan = running(runner, discoveryFor(pve));
  REQUIRE(plan.size() == 3);
  pve.setStatus("vm", 101, "stopped");
  pve.setStatus("vm", 103, "running");
  pve.setStatus("ct", 200, "running");
  auto fresh = std::make_shared<const Inventory>(discoverInventory(runner, discoveryFor(pve)));
  Recorder rec;
  GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
  const auto recheck = recheckAfterFirstGroup(fresh);
  const auto summary = stopper.stopGuests(plan, SteadyClock::now() + 60s, &recheck);
  CHECK(summary.count(GuestOutcome::Stopped) == 4);
  CHECK(summary.count(GuestOutcome::AlreadyStopped) == 1);
  CHECK(pve.started("qm shutdown 101").empty());
  for (const auto& [type, id] : {std::pair{"vm", 100}, {"vm", 102}, {"vm", 103}, {"ct", 200}})
    CHECK(pve.status(type, id) == "stopped");
  // CT 200 joined the next group to run, with 102 and 103, after 100's group.
  CHECK(pve.finished("qm", "shutdown 100").at(0).time < pve.started("pct shutdown 200").at(0).time);
  CHECK(std::find(rec.lines.begin(), rec.lines.end(),
                  "started since the plan was made, stopped too: VM 103 (vm103), CT 200 (ct200)") !=
        rec.lines.end());
  CHECK(std::find(rec.lines.begin(), rec.lines.end(), "VM 101 (vm101) already stopped") !=
        rec.lines.end());
  REQUIRE_FALSE(rec.counts.empty());
  CHECK(rec.counts.back() == std::pair<std::size_t, std::size_t>{5, 5});
}

TEST_CASE("a container stopped before its turn in the first group: skipped, not forced") {
  FakePve pve(node(Json::array({guest("ct", 200, "0.1"), guest("vm", 100, "0.1")})));
  ProcessRunner runner;
  const auto plan = running(runner, discoveryFor(pve));
  pve.setStatus("ct", 200, "stopped");
  pve.setStatus("vm", 100, "stopped");
  Recorder rec;
  GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
  const auto summary = stopper.stopGuests(plan, SteadyClock::now() + 60s);
  // pct says "CT 200 not running"; qm's shutdown of a stopped VM succeeds as a no-op.
  CHECK(summary.count(GuestOutcome::AlreadyStopped) == 1);
  CHECK(summary.count(GuestOutcome::Stopped) == 1);
  CHECK(pve.started("pct stop").empty());
  CHECK(pve.started("qm stop").empty());
}

TEST_CASE("a recheck that never comes: the plan is stopped, the wait is bounded") {
  FakePve pve(node(Json::array({guest("vm", 100, "0.1")})));
  ProcessRunner runner;
  const auto plan = running(runner, discoveryFor(pve));
  Recorder rec;
  GuestStopper stopper(runner, rulesFor(pve), rec.progress(), rec.steps());
  int polls = 0;
  SteadyClock::time_point waitedUntil{};
  const Recheck never{[&] {
                        ++polls;
                        return std::shared_ptr<const Inventory>();
                      },
                      [&](SteadyClock::time_point until) {
                        waitedUntil = until;
                        return std::shared_ptr<const Inventory>();
                      }};
  const auto t0 = SteadyClock::now();
  const auto summary = stopper.stopGuests(plan, t0 + 3s, &never);
  CHECK(summary.count(GuestOutcome::Stopped) == 1);
  CHECK(polls >= 1);
  CHECK(waitedUntil <= t0 + 3s); // the deadline bounds the wait for it
  CHECK(rec.lines.back() == "the guest list asked for at the start of the shutdown did not come "
                            "in time: stopped the guests the plan knew");
}

} // namespace
} // namespace hidupsd::proxmox
