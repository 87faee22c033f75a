// SPDX-License-Identifier: GPL-2.0-or-later
// ProxmoxPipeline against fake qm/pct/pvesh/poweroff processes: simulation, for real, failures.
#include <doctest/doctest.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "notify/catalogue.hpp"
#include "src/proxmox_pipeline.hpp"
#include "tests/src/pipeline_support.hpp"
#include "tests/support/fake_pve.hpp"

namespace hidupsd {
namespace {

using namespace std::chrono_literals;
using namespace test::pipeline;
using Json = nlohmann::json;
using test::FakePve;
namespace fs = std::filesystem;

TEST_CASE("simulation: guests listed for real, nothing stopped, no flag, no power-off") {
  FakePve pve(node(Json::array({guest("vm", 100, "1"), guest("ct", 200, "1", "order=1")})));
  Recorded rec;
  ProxmoxPipeline pipeline(configFor(pve, true), "pve1", std::make_unique<proxmox::ProcessRunner>(),
                           rec.output());
  run(pipeline, shutdownEvent(1200));
  CHECK(pve.started("qm shutdown").empty());
  CHECK(pve.started("pct shutdown").empty());
  CHECK(pve.started("poweroff").empty());
  CHECK(pve.started("qm list").size() == 1);
  CHECK(pve.started("pct config").empty()); // read in pmxcfs
  CHECK_FALSE(fs::exists(pve.dir() / "flag" / "killpower"));
  CHECK(rec.said("shutdown pipeline started (simulation: nothing is executed)"));
  CHECK(rec.said("no guest plan yet: listing the guests now"));
  CHECK(rec.said("running guests: VM 100 (vm100), CT 200 (ct200)"));
  CHECK(rec.said("would run: " + pve.qm() + " shutdown 100 --timeout 30"));
  CHECK(rec.said("would run: " + pve.pct() + " shutdown 200 --timeout 30"));
  CHECK(rec.said("would write the kill-power flag " + (pve.dir() / "flag" / "killpower").string()));
  CHECK(rec.said("would run: " + pve.poweroff() + " --now"));
  CHECK(rec.said("guests: 2 would be stopped"));
  CHECK(rec.said("shutdown pipeline finished (simulation)"));
}

TEST_CASE("for real: guests in order, then the flag, then the host command") {
  FakePve pve(node(Json::array({guest("vm", 100, "0.5", "order=1"), guest("vm", 101, "0.5"),
                                guest("ct", 200, "0.5", "order=2")})));
  Recorded rec;
  ProxmoxPipeline pipeline(configFor(pve, false), "pve1",
                           std::make_unique<proxmox::ProcessRunner>(), rec.output());
  run(pipeline, shutdownEvent(std::nullopt));
  for (const auto& [type, id] : {std::pair{"vm", 100}, {"vm", 101}, {"ct", 200}})
    CHECK(pve.status(type, id) == "stopped");
  const auto power = pve.started("poweroff --now");
  REQUIRE(power.size() == 1);
  for (const auto& done : pve.finished("qm", "shutdown"))
    CHECK(done.time < power[0].time);
  CHECK(fs::exists(pve.dir() / "flag" / "killpower"));
  CHECK(rec.said("guest deadline: 600 s (deadline; battery.runtime unknown)"));
  CHECK(rec.said("guests: 3 of 3 stopped cleanly, 0 force-stopped, 0 failed, 0 left running"));
  CHECK(rec.said("kill-power flag written to "));
  CHECK(std::find(rec.notified.begin(), rec.notified.end(),
                  "powering off the host: " + pve.poweroff() + " --now") != rec.notified.end());
  CHECK(rec.notified.size() == 2); // the summary and the power-off: clean stops are not news
}

TEST_CASE("the deadline comes from the runtime left; forced guests are notified") {
  FakePve pve(node(Json::array({guest("vm", 100, "never")})));
  Recorded rec;
  auto config = configFor(pve, false);
  config.shutdown.deadlineMargin = 60s;
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(),
                           rec.output());
  run(pipeline, shutdownEvent(80)); // 80 s - 60 s = 20 s; 10 s kept for the force stop
  CHECK(rec.said("guest deadline: 20 s (deadline 600 s, battery.runtime 80 s - margin 60 s"));
  // Discovery took a little of the 20 s: the timeout is 10 s or just under.
  const auto shutdowns = pve.started("qm shutdown 100 --timeout ");
  REQUIRE(shutdowns.size() == 1);
  const int timeout = std::stoi(shutdowns[0].line.substr(shutdowns[0].line.rfind(' ')));
  CHECK(timeout <= 10);
  CHECK(timeout >= 7);
  CHECK(pve.started("qm stop 100").size() == 1);
  REQUIRE_FALSE(rec.notified.empty());
  CHECK(rec.notified[0].rfind("1/1 VM 100 (vm100) force-stopped after ", 0) == 0);
  CHECK(pve.started("poweroff").size() == 1);
}

TEST_CASE("nothing stops the host command: no qm, an unwritable flag, a failing command") {
  FakePve pve(node(Json::array()));
  Recorded rec;
  auto config = configFor(pve, false);
  config.proxmox.qm = "/nonexistent/qm";
  config.proxmox.pct = "/nonexistent/pct";
  config.shutdown.killPowerFlag = "/proc/hidupsd-cannot-write-here/killpower";
  config.shutdown.hostCommand = {"/bin/sh", "-c", "echo 'Failed to connect to bus' >&2; exit 1"};
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(),
                           rec.output());
  run(pipeline, shutdownEvent(600));
  CHECK(rec.said("guest discovery: qm list: cannot start: No such file or directory"));
  CHECK(rec.said("preflight: qm = /nonexistent/qm cannot run") == false); // not a Proxmox node
  CHECK(rec.said("cannot list guests: qm list: cannot start: No such file or directory"));
  CHECK_FALSE(rec.said("no running guests to stop"));
  CHECK(rec.said("cannot write the kill-power flag /proc/hidupsd-cannot-write-here/killpower"));
  CHECK(rec.said("the host command failed: /bin/sh -c 'echo '\\''Failed to connect to bus'\\'' "
                 ">&2; exit 1': exit 1: Failed to connect to bus"));
  CHECK(rec.said("shutdown pipeline finished after "));
}

TEST_CASE("stopall, excluded guests, ups_shutdown_return off") {
  FakePve pve(node(Json::array({guest("vm", 100, "1"), guest("vm", 101, "1")}), "ok"));
  Recorded rec;
  auto config = configFor(pve, false);
  config.shutdown.strategy = ShutdownStrategy::StopAll;
  config.shutdown.upsShutdownReturn = false;
  config.proxmox.exclude = {101};
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(),
                           rec.output());
  run(pipeline, shutdownEvent(3600));
  CHECK(pve.started("pvesh create /nodes/pve1/stopall --timeout 30 --force-stop 1 --vms 100")
            .size() == 1);
  CHECK(pve.status("vm", 100) == "stopped");
  CHECK(pve.status("vm", 101) == "running");
  CHECK(rec.said("left running (exclude): VM 101 (vm101)"));
  CHECK_FALSE(fs::exists(pve.dir() / "flag" / "killpower"));
  CHECK(pve.started("poweroff").size() == 1);
}

TEST_CASE("a stale kill-power flag is removed; a missing one is fine") {
  FakePve pve(node(Json::array()));
  const auto flag = pve.dir() / "killpower";
  std::ofstream(flag) << "old";
  clearStaleKillPowerFlag(flag);
  CHECK_FALSE(fs::exists(flag));
  clearStaleKillPowerFlag(flag);
  CHECK(localNodeName().find('.') == std::string::npos);
  CHECK_FALSE(localNodeName().empty());
}

TEST_CASE("a dry run whose qm list fails says it cannot list guests, never 'no running guests'") {
  // main: "no running guests to stop" after a failing qm list (pmxcfs down, a broken qm).
  FakePve pve(node(Json::array({guest("vm", 100, "1")}), "ok", "fail"));
  Recorded rec;
  ProxmoxPipeline pipeline(configFor(pve, true), "pve1", std::make_unique<proxmox::ProcessRunner>(),
                           rec.output());
  run(pipeline, shutdownEvent(1200));
  CHECK(rec.said("cannot list guests: qm list: exit 2: ipcc_send_rec[1] failed: Connection "
                 "refused"));
  CHECK_FALSE(rec.said("no running guests to stop"));
  CHECK(std::any_of(rec.notified.begin(), rec.notified.end(),
                    [](const std::string& t) { return t.starts_with("cannot list guests"); }));
  CHECK(rec.said("would run: " + pve.poweroff() + " --now"));
}

TEST_CASE("a host command that is not there is said as the pipeline starts; it is tried anyway") {
  FakePve pve(node(Json::array()));
  Recorded rec;
  auto config = configFor(pve, false);
  config.shutdown.hostCommand = {"/sbin/shutdwn"};
  ProxmoxPipeline pipeline(config, "pve1", std::make_unique<proxmox::ProcessRunner>(),
                           rec.output());
  run(pipeline, shutdownEvent(600));
  CHECK(rec.said("preflight: host_command: /sbin/shutdwn cannot run: No such file or directory"));
  CHECK(rec.said("the host command failed: /sbin/shutdwn: cannot start: No such file or "
                 "directory"));
}

/// The real runner, except that `qm shutdown 100` never returns (a qm stuck in the kernel on a
/// hung pmxcfs: SIGKILL cannot end it, waitpid never returns) until released.
class StuckRunner final : public proxmox::CommandRunner {
public:
  proxmox::CommandResult run(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout) override {
    if (argv.size() > 2 && argv[1] == "shutdown" && argv[2] == "100") {
      std::unique_lock lock(mutex_);
      released_.wait(lock, [this] { return free_; });
      ++leftBehindEnded_;
      return {};
    }
    return real_.run(argv, timeout);
  }
  void release() {
    std::lock_guard lock(mutex_);
    free_ = true;
    released_.notify_all();
  }
  bool leftBehindEnded() {
    std::lock_guard lock(mutex_);
    return leftBehindEnded_ > 0;
  }

private:
  proxmox::ProcessRunner real_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool free_ = false;
  int leftBehindEnded_ = 0;
};

TEST_CASE("a command that never ends, even killed, is left behind: the host still powers off") {
  // main: the pipeline waited for it forever (waitpid after SIGKILL): no flag, no power-off.
  FakePve pve(node(Json::array({guest("vm", 100, "1"), guest("vm", 101, "0.2")})));
  Recorded rec;
  auto config = configFor(pve, false);
  config.shutdown.guestTimeout = 2s;
  config.shutdown.deadline = 10s; // the guest phase's shortest: our limit on qm stays short
  auto stuck = std::make_unique<StuckRunner>();
  auto* runner = stuck.get();
  {
    ProxmoxPipeline pipeline(config, "pve1", std::move(stuck), rec.output(), nullptr, 1s);
    const auto t0 = std::chrono::steady_clock::now();
    run(pipeline, shutdownEvent(std::nullopt));
    const auto took = std::chrono::steady_clock::now() - t0;
    MESSAGE("pipeline with a stuck qm shutdown: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    CHECK(took < 60s);
    CHECK(rec.said(pve.qm() + " shutdown 100 --timeout 2 did not end "));
    CHECK(pve.started("qm stop 100").size() == 1); // force-stopped after it was left behind
    CHECK(pve.status("vm", 101) == "stopped");
    CHECK(pve.started("poweroff --now").size() == 1);
    CHECK(fs::exists(pve.dir() / "flag" / "killpower"));
    runner->release(); // the stuck call ends at last, on its own thread
    for (int i = 0; i < 500 && !runner->leftBehindEnded(); ++i)
      std::this_thread::sleep_for(10ms);
    CHECK(runner->leftBehindEnded());
  }
}

} // namespace
} // namespace hidupsd
