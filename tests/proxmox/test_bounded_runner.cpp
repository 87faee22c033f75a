// SPDX-License-Identifier: GPL-2.0-or-later
// BoundedRunner and discovery deadlines: no wait on a command is longer than its bound.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "proxmox/bounded_runner.hpp"
#include "proxmox/guests.hpp"

namespace hidupsd::proxmox {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Hangs every call until released (a runner stuck below: posix_spawn on a hung mount, a
/// child SIGKILL cannot end); counts the calls that ended.
class HangingRunner final : public CommandRunner {
public:
  CommandResult run(const std::vector<std::string>&, std::chrono::milliseconds) override {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [this] { return free_; });
    ++ended_;
    return {};
  }
  void release() {
    std::lock_guard lock(mutex_);
    free_ = true;
    released_.notify_all();
  }
  int ended() {
    std::lock_guard lock(mutex_);
    return ended_;
  }

private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool free_ = false;
  int ended_ = 0;
};

/// Answers at once; records the timeout of each call.
class TimeoutRecorder final : public CommandRunner {
public:
  CommandResult run(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout) override {
    std::lock_guard lock(mutex_);
    calls.emplace_back(commandLine(argv), timeout);
    CommandResult r;
    if (argv[1] == "list")
      r.out = "VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID\n100 a running 1 1 1\n";
    return r;
  }
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::chrono::milliseconds>> calls;
};

} // namespace

TEST_CASE("a command that never returns is left behind after its timeout and the grace") {
  HangingRunner stuck;
  std::vector<std::string> said;
  BoundedRunner bounded(stuck, 300ms, [&](const std::string& line) { said.push_back(line); });
  const auto t0 = Clock::now();
  const auto r = bounded.run({"/usr/sbin/qm", "shutdown", "100"}, 200ms);
  const auto took = Clock::now() - t0;
  CHECK(r.status == CommandResult::Status::TimedOut);
  CHECK(r.abandoned);
  CHECK(r.describe() == "timed out after 0.5 s and left behind (it did not end even killed)");
  CHECK(took >= 500ms);
  CHECK(took < 5s);
  REQUIRE(said.size() == 1);
  CHECK(said[0].starts_with("/usr/sbin/qm shutdown 100 did not end 0.5 s after it was started"));
  stuck.release(); // the left-behind call ends on its own thread
  for (int i = 0; i < 500 && stuck.ended() == 0; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(stuck.ended() == 1);
}

TEST_CASE("a command that returns in time is passed through") {
  TimeoutRecorder quick;
  BoundedRunner bounded(quick, 1s);
  const auto r = bounded.run({"qm", "list"}, 2s);
  CHECK(r.ok());
  CHECK_FALSE(r.abandoned);
  CHECK(r.out.starts_with("VMID"));
}

} // namespace hidupsd::proxmox
