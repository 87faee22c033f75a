// SPDX-License-Identifier: GPL-2.0-or-later
// GuestStopper: runs the shutdown plan — groups in order, guests in parallel, force stop, deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxmox/command_runner.hpp"
#include "proxmox/inventory.hpp"
#include "proxmox/shutdown_plan.hpp"

namespace hidupsd::proxmox {

enum class GuestOutcome : std::uint8_t {
  Stopped,        ///< shut down cleanly
  ForceStopped,   ///< did not shut down in time; qm/pct stop did it
  Failed,         ///< still running as far as we know (every attempt failed)
  LeftRunning,    ///< not stopped: its shutdown failed and force_stop is off
  AlreadyStopped, ///< in the plan, but stopped by the time its turn came: skipped
};
const char* nameOf(GuestOutcome outcome) noexcept;

/// What became of one guest.
struct GuestReport {
  Guest guest;
  GuestOutcome outcome = GuestOutcome::Stopped;
  std::chrono::milliseconds duration{0}; ///< from its first command to its last
  std::string detail;                    ///< why, when not Stopped
};

/// Called after each guest, from the guest's thread (calls are serialised):
/// the report, guests done so far and in all. Must not block long.
using GuestProgress =
    std::function<void(const GuestReport& report, std::size_t done, std::size_t total)>;
/// Called for each group before it starts and for each notable step
/// ("stopall failed: …, falling back to guests"): lines of the shutdown's own
/// record (the pipeline writes them to the event log), not daemon log lines.
/// Serialised with GuestProgress.
using StepReport = std::function<void(const std::string& line)>;

/// A later discovery to correct a stale plan with (the one the pipeline asks
/// for at low battery). Both are called on the stopper's thread.
struct Recheck {
  /// The fresh inventory if it has arrived, else nullptr. Must not block.
  std::function<std::shared_ptr<const Inventory>()> poll;
  /// Waits for it until the time given; nullptr if it did not come.
  std::function<std::shared_ptr<const Inventory>(std::chrono::steady_clock::time_point)> wait;
};

/// How long, once every planned group is done, the stopper waits for a
/// recheck that has not come yet (bounded by the deadline too): a discovery
/// takes a second or two, a hung one must not hold the host's power-off.
inline constexpr std::chrono::seconds kRecheckWait{10};

struct StopSummary {
  std::vector<GuestReport> reports; ///< in completion order
  bool deadlineReached = false;     ///< some guests were force-stopped (or left) for lack of time
  std::chrono::milliseconds elapsed{0};
  std::size_t count(GuestOutcome outcome) const noexcept;
};

/// Stops guests per StopRules before `deadline`. Thread rules: one call at a
/// time per stopper; it starts (and joins) one thread per guest of a group.
/// Never throws but std::bad_alloc / std::system_error (no thread).
class GuestStopper {
public:
  GuestStopper(CommandRunner& runner, StopRules rules, GuestProgress progress, StepReport steps);

  /// Strategy "guests": stopGroups(guests) one group after the other, each
  /// group's guests in parallel: `shutdown --timeout T` (T from
  /// shutdownTimeout), then, if that failed and forceStop, `stop`. A tool
  /// that says the guest is "not running" (pct) makes it AlreadyStopped. Once
  /// the deadline has passed, the guests of the groups left are force-stopped
  /// at once (forceStop) or left running.
  ///
  /// `guests` may come from a plan made earlier: with a `recheck`, the first
  /// group starts at once and, before each later group (and, if it has not
  /// come by then, up to kRecheckWait after the last one), the fresh
  /// inventory corrects what is left (correctPlan): guests stopped since are
  /// skipped (AlreadyStopped), guests started since are stopped too.
  StopSummary stopGuests(const std::vector<Guest>& guests,
                         std::chrono::steady_clock::time_point deadline,
                         const Recheck* recheck = nullptr);

  /// Strategy "stopall": `pvesh create /nodes/NODE/stopall` bounded by the
  /// deadline (`vms` = the guests given when some are excluded, else all).
  /// Then `rediscover` tells what still runs: what does (pvesh failed, timed
  /// out or left some) goes through stopGuests with the time left.
  StopSummary stopAll(const std::vector<Guest>& guests, bool someExcluded,
                      const std::function<std::vector<Guest>()>& rediscover,
                      std::chrono::steady_clock::time_point deadline);

private:
  /// The progress count ("3/7 guests stopped") starts again from 0 of `total`.
  void resetProgress(std::size_t total);
  void stopInGroups(const std::vector<Guest>& guests,
                    std::chrono::steady_clock::time_point deadline, StopSummary& summary,
                    const Recheck* recheck = nullptr);
  /// Applies a fresh inventory to the groups from `next` on; false if `fresh` is null.
  bool correct(const std::shared_ptr<const Inventory>& fresh, std::vector<StopGroup>& groups,
               std::size_t next, const std::vector<Guest>& started,
               const std::optional<std::optional<int>>& lastStarted, StopSummary& summary);
  GuestReport stopOne(const Guest& guest, std::chrono::steady_clock::time_point deadline,
                      bool deadlinePassed);
  GuestReport forceStop(GuestReport report, const std::string& why);
  void runGroup(const StopGroup& group, std::chrono::steady_clock::time_point deadline,
                StopSummary& summary);
  void report(const GuestReport& r, StopSummary& summary);

  CommandRunner& runner_;
  StopRules rules_;
  GuestProgress progress_;
  StepReport steps_;
  std::mutex mutex_;      // serialises progress_, steps_ and the summary
  std::size_t total_ = 0; // guarded
  std::size_t done_ = 0;  // guarded
};

} // namespace hidupsd::proxmox
