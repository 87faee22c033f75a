// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the fault matrix: one daemon per fault on a replayed UPS and fake Proxmox tools.
#pragma once

#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"

namespace hidupsd::test::faults {

namespace fs = std::filesystem;

/// The effective guest deadline of every scenario: deadline = 10 and
/// deadline_margin = 0 give the pipeline's floor of 15 s.
inline constexpr double kDeadline = 15.0;
/// Slack on "the host command came inside the deadline": Python fakes
/// starting on a loaded two-core machine, a sanitizer build.
inline constexpr double kDeadlineSlack = 3.0;
/// With 1-s guests, low battery to the host command: at most this long.
inline constexpr double kQuickPowerOff = 8.0;
/// Functional waits (never asserted on): a scenario that gets there takes far less.
inline constexpr std::chrono::seconds kScenarioWait{45};

/// guests.json: VMs 100, 101, ... with these `shutdown` behaviours
/// ("1" = stops after 1 s, "hang", "fail"; see tests/support/fake_pve.py).
std::string vmsBehaving(std::initializer_list<std::string> shutdowns);

struct ScenarioOptions {
  std::string timeline;      ///< `at T ...` lines after the Eaton 3S 700 capture
  int commsLostTimeout = 15; ///< [policy] comms_lost_timeout, s
  std::string extraConfig;   ///< appended to the config, in [log] (level =, [[notify]] tables)
  fs::path logFile;          ///< the event log; empty: events.log in the scenario's dir
};

/// The config of a fault scenario: the replay, simulation off, onbatt and
/// online at once, the fake tools, guest_timeout 2, the 15-s deadline, the
/// kill-power flag and event log in `dir`.
std::string faultConfig(const daemon::TempDir& dir, const FakePve& pve, const fs::path& replay,
                        const ScenarioOptions& options);

/// The event log, watched: every read is kept, so that a line written
/// before a fault and lost after it is seen.
class EventLogWatch {
public:
  explicit EventLogWatch(fs::path path) : path_(std::move(path)) {}
  /// Reads the file now (and keeps what it read).
  std::string read();
  /// Waits until the file contains `needle`; true if it came.
  bool waitFor(std::string_view needle, std::chrono::milliseconds limit = kScenarioWait);
  /// "" when every earlier read is still the start of the file, else what is missing.
  std::string lostLines();
  void setPath(fs::path path) { path_ = std::move(path); }

private:
  fs::path path_;
  std::vector<std::string> seen_;
};

/// From calls.log: when the pipeline listed the guests and when it ran the host command.
struct PipelineCalls {
  std::optional<double> firstList; ///< the first `qm list` (monotonic s)
  std::optional<double> powerOff;  ///< the host command (monotonic s)
  std::size_t powerOffs = 0;       ///< how often the host command ran
};
PipelineCalls pipelineCalls(const FakePve& pve);
/// Waits until the host command ran; its time (monotonic s), or nothing.
std::optional<double> waitPowerOff(const FakePve& pve,
                                   std::chrono::milliseconds limit = kScenarioWait);

/// "shutdown pipeline finished after 4.2 s" → 4.2.
std::optional<double> pipelineSeconds(const std::string& log);
/// "guest deadline: 15 s" → 15.
std::optional<double> guestDeadline(const std::string& log);
/// Lines of `text` containing `needle`.
std::size_t linesWith(const std::string& text, std::string_view needle);

/// One fault scenario: a temp dir, the fake node, the replay, the config,
/// the watched event log and the daemon once started.
struct Scenario {
  Scenario(const std::string& guestsJson, const ScenarioOptions& options);
  /// Spawns the daemon (through `wrapper` if given) and notes when.
  void start(std::vector<std::string> wrapper = {});
  /// Replay time `t` as a monotonic time: an upper bound of when the UPS
  /// said it (the replay starts after the spawn, never before).
  double atReplay(double t) const { return spawned + t; }

  daemon::TempDir dir;
  FakePve pve;
  fs::path replay;
  fs::path config;
  EventLogWatch log;
  double spawned = 0; ///< monotonic s
  std::optional<daemon::HidupsdProcess> daemon;
};

/// The host command after `lowBattery` (replay time): ran exactly once,
/// after it, within `bound` s of it, and the pipeline said it finished
/// within the deadline. Returns low battery → host command (an upper bound).
double checkPowerOffWithin(Scenario& s, double lowBattery, double bound);

/// Asserts that the daemon still runs, then SIGTERM: exit 0 within
/// daemon::kExitWait. Returns how long the exit took (s).
double requireAliveThenStop(daemon::HidupsdProcess& daemon);

} // namespace hidupsd::test::faults
