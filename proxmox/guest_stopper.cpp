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
                                     SteadyClock::time_point deadline) {
  const auto t0 = SteadyClock::now();
  StopSummary summary;
  resetProgress(guests.size());
  stopInGroups(guests, deadline, summary);
  summary.elapsed = since(t0);
  return summary;
}

void GuestStopper::stopInGroups(const std::vector<Guest>& guests, SteadyClock::time_point deadline,
                                StopSummary& summary) {
  for (const auto& group : stopGroups(guests))
    runGroup(group, deadline, summary);
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
