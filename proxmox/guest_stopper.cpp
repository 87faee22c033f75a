// SPDX-License-Identifier: GPL-2.0-or-later
// GuestStopper: one thread per guest of a group; every command bounded by the deadline.
#include "proxmox/guest_stopper.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <thread>

namespace hidupsd::proxmox {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(SteadyClock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - t0);
}

milliseconds left(SteadyClock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
}

std::string names(const std::vector<Guest>& guests) {
  std::string out;
  for (const auto& g : guests)
    out += (out.empty() ? "" : ", ") + label(g);
  return out;
}

/// pct shutdown/stop of a stopped container die with "CT 200 not running"
/// (pve-container API2/LXC/Status.pm); qm's are no-ops that succeed.
bool saysNotRunning(const CommandResult& r) {
  return r.status == CommandResult::Status::Exited && r.exitCode != 0 &&
         (r.err.find(" not running") != std::string::npos ||
          r.out.find(" not running") != std::string::npos);
}

std::string groupTitle(const StopGroup& g) {
  std::string names;
  for (const auto& guest : g.guests)
    names += (names.empty() ? "" : ", ") + label(guest);
  return g.order ? fmt::format("startup order {}: {}", *g.order, names)
                 : fmt::format("no startup order: {}", names);
}

} // namespace

const char* nameOf(GuestOutcome o) noexcept {
  switch (o) {
  case GuestOutcome::Stopped: return "stopped";
  case GuestOutcome::ForceStopped: return "force-stopped";
  case GuestOutcome::Failed: return "failed";
  case GuestOutcome::LeftRunning: return "left running";
  case GuestOutcome::AlreadyStopped: return "already stopped";
  }
  return "?";
}

std::size_t StopSummary::count(GuestOutcome outcome) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      reports.begin(), reports.end(), [&](const GuestReport& r) { return r.outcome == outcome; }));
}

GuestStopper::GuestStopper(CommandRunner& runner, StopRules rules, GuestProgress progress,
                           StepReport steps)
    : runner_(runner), rules_(std::move(rules)), progress_(std::move(progress)),
      steps_(std::move(steps)) {}

void GuestStopper::resetProgress(std::size_t total) {
  const std::lock_guard lock(mutex_);
  total_ = total;
  done_ = 0;
}

StopSummary GuestStopper::stopGuests(const std::vector<Guest>& guests,
                                     SteadyClock::time_point deadline, const Recheck* recheck) {
  const auto t0 = SteadyClock::now();
  StopSummary summary;
  resetProgress(guests.size());
  stopInGroups(guests, deadline, summary, recheck);
  summary.elapsed = since(t0);
  return summary;
}

void GuestStopper::stopInGroups(const std::vector<Guest>& guests, SteadyClock::time_point deadline,
                                StopSummary& summary, const Recheck* recheck) {
  auto groups = stopGroups(guests);
  std::vector<Guest> started;
  std::optional<std::optional<int>> lastStarted;
  bool rechecked = recheck == nullptr;
  for (std::size_t next = 0;; ++next) {
    if (!rechecked)
      rechecked = correct(recheck->poll(), groups, next, started, lastStarted, summary);
    if (next == groups.size() && !rechecked) {
      rechecked = true;
      const auto until = std::min(deadline, SteadyClock::now() + kRecheckWait);
      if (!correct(recheck->wait(until), groups, next, started, lastStarted, summary) && steps_)
        steps_("the guest list asked for at the start of the shutdown did not come in time: "
               "stopped the guests the plan knew");
    }
    if (next == groups.size()) return;
    runGroup(groups[next], deadline, summary);
    started.insert(started.end(), groups[next].guests.begin(), groups[next].guests.end());
    lastStarted = groups[next].order;
  }
}

bool GuestStopper::correct(const std::shared_ptr<const Inventory>& fresh,
                           std::vector<StopGroup>& groups, std::size_t next,
                           const std::vector<Guest>& started,
                           const std::optional<std::optional<int>>& lastStarted,
                           StopSummary& summary) {
  if (!fresh) return false;
  const std::vector<StopGroup> pending(groups.begin() + static_cast<std::ptrdiff_t>(next),
                                       groups.end());
  auto c = correctPlan(pending, started, lastStarted, *fresh, rules_.exclude);
  groups.resize(next);
  groups.insert(groups.end(), c.pending.begin(), c.pending.end());
  {
    const std::lock_guard lock(mutex_);
    total_ += c.startedSince.size();
    if (steps_ && !c.startedSince.empty())
      steps_("started since the plan was made, stopped too: " + names(c.startedSince));
  }
  for (const auto& g : c.alreadyStopped)
    report({g, GuestOutcome::AlreadyStopped, {}, "stopped before its turn"}, summary);
  return true;
}

void GuestStopper::runGroup(const StopGroup& group, SteadyClock::time_point deadline,
                            StopSummary& summary) {
  const bool passed = SteadyClock::now() >= deadline;
  {
    const std::lock_guard lock(mutex_);
    if (passed) summary.deadlineReached = true;
    if (steps_)
      steps_(fmt::format("{}{}", passed ? "deadline reached, force-stopping " : "stopping ",
                         groupTitle(group)));
  }
  std::vector<std::thread> threads;
  threads.reserve(group.guests.size());
  for (const auto& guest : group.guests)
    threads.emplace_back([this, &guest, deadline, passed, &summary] {
      report(stopOne(guest, deadline, passed), summary);
    });
  for (auto& t : threads)
    t.join();
}

GuestReport GuestStopper::stopOne(const Guest& guest, SteadyClock::time_point deadline,
                                  bool deadlinePassed) {
  const auto t0 = SteadyClock::now();
  GuestReport r{guest, GuestOutcome::Stopped, {}, {}};
  std::string why = "the deadline was reached before its turn";
  if (!deadlinePassed) {
    const auto remaining = left(deadline);
    const auto timeout = shutdownTimeout(guest, rules_, remaining);
    const auto result = runner_.run(shutdownArgv(guest, rules_, timeout),
                                    shutdownKillAfter(timeout, rules_, remaining));
    r.duration = since(t0);
    if (result.ok()) return r;
    if (saysNotRunning(result)) {
      r.outcome = GuestOutcome::AlreadyStopped;
      return r;
    }
    why = "shutdown: " + result.describe();
  }
  r = forceStop(std::move(r), why);
  r.duration = since(t0);
  return r;
}

GuestReport GuestStopper::forceStop(GuestReport r, const std::string& why) {
  if (!rules_.forceStop) {
    r.outcome = GuestOutcome::LeftRunning;
    r.detail = why + " (force_stop is off)";
    return r;
  }
  const auto result = runner_.run(
      stopArgv(r.guest, rules_), std::chrono::duration_cast<milliseconds>(rules_.forceStopTimeout));
  if (saysNotRunning(result)) { // it ended on its own meanwhile
    r.outcome = GuestOutcome::Stopped;
    r.detail = why + "; it had stopped by the force stop";
    return r;
  }
  r.outcome = result.ok() ? GuestOutcome::ForceStopped : GuestOutcome::Failed;
  r.detail = result.ok() ? why : why + "; stop: " + result.describe();
  return r;
}

void GuestStopper::report(const GuestReport& r, StopSummary& summary) {
  const std::lock_guard lock(mutex_);
  summary.reports.push_back(r);
  ++done_;
  if (progress_) progress_(r, done_, total_);
}

StopSummary GuestStopper::stopAll(const std::vector<Guest>& guests, bool someExcluded,
                                  const std::function<std::vector<Guest>()>& rediscover,
                                  SteadyClock::time_point deadline) {
  const auto t0 = SteadyClock::now();
  StopSummary summary;
  resetProgress(guests.size());
  std::vector<int> vms;
  if (someExcluded)
    for (const auto& g : guests)
      vms.push_back(g.id);
  // pvesh applies the timeout per guest; ours bounds the whole call.
  const auto perGuest = shutdownTimeout(Guest{}, rules_, left(deadline));
  const auto argv = stopAllArgv(rules_, perGuest, vms);
  if (steps_) steps_("running " + commandLine(argv));
  const auto result = runner_.run(argv, std::max(left(deadline), milliseconds(1000)));
  std::vector<Guest> still = rediscover();
  // pvesh may return once its task is queued: give the guests the time left.
  while (result.ok() && !still.empty() && left(deadline) > rules_.forceStopTimeout / 6) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    still = rediscover();
  }
  std::set<int> running;
  for (const auto& g : still)
    running.insert(g.id);
  for (const auto& g : guests)
    if (!running.count(g.id)) report({g, GuestOutcome::Stopped, since(t0), {}}, summary);
  if (!result.ok() || !still.empty()) {
    if (steps_)
      steps_(fmt::format("stopall {}: {} guest(s) still running, stopping them one by one",
                         result.ok() ? "returned" : "failed (" + result.describe() + ")",
                         still.size()));
    stopInGroups(still, deadline, summary);
  }
  summary.elapsed = since(t0);
  return summary;
}

} // namespace hidupsd::proxmox
