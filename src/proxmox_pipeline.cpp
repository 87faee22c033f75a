// SPDX-License-Identifier: GPL-2.0-or-later
// ProxmoxPipeline: each step bounded and caught, so that the host command always runs.
#include "src/proxmox_pipeline.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>

#include "hidupsd_config.hpp"
#include "lib/durable_file.hpp"
#include "lib/log.hpp"
#include "notify/catalogue.hpp"
#include "proxmox/bounded_runner.hpp"
#include "proxmox/guests.hpp"
#include "proxmox/inventory.hpp"
#include "src/comeback.hpp"
#include "src/preflight.hpp"

namespace hidupsd {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr std::chrono::seconds kHostCommandTimeout{60};
/// How often the pipeline looks whether load shedding has stopped the guests left to it.
constexpr milliseconds kSheddingPoll{200};
/// The longest wait for a first guest list when no plan was made ahead.
constexpr std::chrono::seconds kFirstListWait{60};
/// The longest wait for the record to reach the disk before the host command.
constexpr std::chrono::seconds kRecordFlush{5};
constexpr std::string_view kGuestsDomain = "guests";

milliseconds since(SteadyClock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - t);
}

std::string secondsText(std::chrono::milliseconds d) {
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

std::string names(const std::vector<proxmox::Guest>& guests) {
  std::string out;
  for (const auto& g : guests)
    out += (out.empty() ? "" : ", ") + proxmox::label(g);
  return out;
}

/// "12.3": seconds with one decimal, for a phrase ("… after {duration} s").
std::string seconds(std::chrono::milliseconds d) {
  return fmt::format("{:.1f}", static_cast<double>(d.count()) / 1000.0);
}

std::string_view outcomeKey(proxmox::GuestOutcome outcome, bool simulation) {
  using O = proxmox::GuestOutcome;
  switch (outcome) {
  case O::Stopped: return simulation ? "progress.guest.would_stop" : "progress.guest.stopped";
  case O::AlreadyStopped: return "progress.guest.already_stopped";
  case O::ForceStopped: return "progress.guest.force_stopped";
  case O::Failed: return "progress.guest.failed";
  case O::LeftRunning: return "progress.guest.left_running";
  }
  return "progress.guest.failed";
}

core::Phrase guestPhrase(const proxmox::GuestReport& r, std::size_t done, std::size_t total,
                         bool simulation) {
  return core::Phrase(std::string(outcomeKey(r.outcome, simulation)))
      .with("done", std::to_string(done))
      .with("total", std::to_string(total))
      .with("guest", proxmox::label(r.guest))
      .with("duration", seconds(r.duration))
      .with("detail", r.detail);
}

/// The summary; guests that stopped by themselves before their turn are counted apart
/// (", 2 already stopped"), never as stopped by us.
core::Phrase summaryPhrase(const proxmox::StopSummary& s, bool simulation) {
  using O = proxmox::GuestOutcome;
  const auto skipped = s.count(O::AlreadyStopped);
  const auto ours = std::to_string(s.reports.size() - skipped);
  auto already = [&](core::Phrase phrase) {
    if (skipped == 0) return std::move(phrase).with("already", std::string());
    return std::move(phrase).with(
        "already", core::Phrase("progress.already_stopped").with("count", std::to_string(skipped)));
  };
  if (simulation) return already(core::Phrase("progress.summary_dry").with("count", ours));
  return already(core::Phrase(s.deadlineReached ? "progress.summary_deadline" : "progress.summary")
                     .with("stopped", std::to_string(s.count(O::Stopped)))
                     .with("total", ours)
                     .with("forced", std::to_string(s.count(O::ForceStopped)))
                     .with("failed", std::to_string(s.count(O::Failed)))
                     .with("left", std::to_string(s.count(O::LeftRunning)))
                     .with("elapsed", seconds(s.elapsed)));
}

std::string english(const core::Phrase& phrase) {
  return notify::say(phrase, notify::Language::En);
}

/// "VM 100 (web) running, CT 200 stopped": what a discovery found, to see a change.
std::string statuses(const proxmox::Inventory& inventory) {
  std::string out;
  for (const auto& g : inventory.guests)
    out += (out.empty() ? "" : ", ") + proxmox::label(g) + " " +
           (g.status.empty() ? std::string("unknown") : g.status);
  return out;
}

/// The keeper's report: new problems as warnings, a changed list at info, the rest at debug.
void logDiscovery(const proxmox::Inventory& fresh, const proxmox::Inventory* previous) {
  for (const auto& p : fresh.problems)
    if (!previous || std::find(previous->problems.begin(), previous->problems.end(), p) ==
                         previous->problems.end())
      log::warning(kGuestsDomain, "{}", p);
  if (previous && !previous->problems.empty() && fresh.problems.empty())
    log::notice(kGuestsDomain, "guest discovery works again");
  const bool changed = !previous || statuses(*previous) != statuses(fresh);
  const auto list = statuses(fresh);
  log::log(
      changed ? log::Level::Info : log::Level::Debug, kGuestsDomain, "{} in {}{}{}",
      proxmox::describe(fresh),
      secondsText(std::chrono::duration_cast<milliseconds>(fresh.finishedAt - fresh.startedAt)),
      list.empty() ? "" : ": ", list);
}

std::string budgetLine(std::chrono::seconds budget, std::optional<double> runtime,
                       const ShutdownConfig& s) {
  if (!runtime)
    return fmt::format("guest deadline: {} s (deadline; battery.runtime unknown)", budget.count());
  return fmt::format("guest deadline: {} s (deadline {} s, battery.runtime {:.0f} s - margin {} s, "
                     "at least {} s)",
                     budget.count(), s.deadline.count(), *runtime, s.deadlineMargin.count(),
                     proxmox::kMinimumDeadline.count());
}

} // namespace

ProxmoxPipeline::ProxmoxPipeline(const Config& config, std::string node,
                                 std::unique_ptr<proxmox::CommandRunner> runner,
                                 PipelineOutput output,
                                 std::shared_ptr<proxmox::InventoryKeeper> keeper,
                                 std::chrono::milliseconds commandOverrun)
    : shutdown_(config.shutdown), proxmox_(config.proxmox), comeback_(config.comeback),
      config_(config), simulation_(config.policy.simulation), node_(std::move(node)),
      realRunner_(std::move(runner)), output_(std::move(output)),
      keeper_(keeper ? std::move(keeper) : makeInventoryKeeper(config, node_, realRunner_)) {
  boundedRunner_ = std::make_unique<proxmox::BoundedRunner>(
      *realRunner_, commandOverrun, [this](const std::string& line) { say(line); });
  dryRunner_ = std::make_unique<proxmox::DryRunRunner>(
      *boundedRunner_, proxmox::isReadOnlyCommand, [this](const std::vector<std::string>& argv) {
        say("would run: " + proxmox::commandLine(argv));
      });
  runner_ = simulation_ ? dryRunner_.get() : boundedRunner_.get();
}

ProxmoxPipeline::~ProxmoxPipeline() { wait(); }

void ProxmoxPipeline::start(const core::Event& event) noexcept {
  if (started_.exchange(true)) return;
  try {
    thread_ = std::thread([this, event] { run(event); });
  } catch (...) {
    // No thread: run here rather than never. The caller is the device
    // thread, which then waits, but the host goes down all the same.
    run(event);
  }
}

void ProxmoxPipeline::wait() noexcept {
  if (thread_.joinable()) thread_.join();
}

core::PipelineState ProxmoxPipeline::state() const {
  const std::lock_guard lock(stateMutex_);
  return state_;
}

void ProxmoxPipeline::update(const std::function<void(core::PipelineState&)>& change) noexcept {
  try {
    const std::lock_guard lock(stateMutex_);
    change(state_);
  } catch (...) {
    // Out of memory: --status shows an older step; the pipeline goes on.
  }
}

void ProxmoxPipeline::say(const std::string& line) noexcept {
  update([&](core::PipelineState& s) { s.step = line; });
  try {
    if (output_.log) output_.log(line);
  } catch (...) {
    // Out of memory: the line is lost, the pipeline goes on (it must reach the host command).
    log::error("pipeline", "a line of the shutdown record was lost (out of memory)");
  }
}

void ProxmoxPipeline::flushRecord() noexcept {
  try {
    if (output_.flush && !output_.flush(SteadyClock::now() + kRecordFlush))
      log::error("pipeline", "the shutdown record did not reach the disk within {} s: going on",
                 kRecordFlush.count());
  } catch (...) {
    log::error("pipeline", "the shutdown record could not be flushed: going on");
  }
}

void ProxmoxPipeline::tell(const core::Event& event, const core::Phrase& what) noexcept {
  try {
    say(english(what));
    if (output_.notify) output_.notify(event, what);
  } catch (...) {
    // Out of memory: that notification is lost, the pipeline goes on.
    log::error("pipeline", "a notification of the shutdown was lost (out of memory)");
  }
}

void ProxmoxPipeline::run(const core::Event& event) noexcept {
  const auto t0 = SteadyClock::now();
  const std::string reason = event.reason.empty() ? "requested" : english(event.reason);
  update([&](core::PipelineState& s) {
    s.phase = core::PipelineState::Phase::Running;
    s.startedAt = std::chrono::system_clock::now();
    s.reason = reason;
  });
  say(fmt::format("shutdown pipeline started{}: {}",
                  simulation_ ? " (simulation: nothing is executed)" : "", reason));
  const auto runtime = event.snapshot.number("battery.runtime");
  const auto budget =
      proxmox::guestPhaseBudget(runtime, shutdown_.deadline, shutdown_.deadlineMargin);
  update([&](core::PipelineState& s) { s.deadlineSeconds = budget.count(); });
  say(budgetLine(budget, runtime, shutdown_));
  try {
    preflightCheck(event);
  } catch (const std::exception& e) {
    say(fmt::format("preflight check failed: {}", e.what()));
  }
  std::vector<proxmox::Guest> stopped;
  try {
    stopped = stopGuests(event, t0 + budget);
    awaitShedding(event, t0 + budget);
  } catch (const std::exception& e) {
    tell(event, core::Phrase("progress.stop_failed").with("error", e.what()));
  }
  writeComebackRecord(stopped);
  try {
    if (output_.beforePowerOff) output_.beforePowerOff();
  } catch (const std::exception& e) {
    say(fmt::format("waiting for NUT secondaries failed: {}", e.what()));
  }
  const auto devices = allDevices(config_);
  const bool anyLocal =
      std::any_of(devices.begin(), devices.end(), [](const DeviceConfig& d) { return !d.nut; });
  if (!anyLocal)
    say(fmt::format("no kill-power flag: the UPS is {}'s, whose primary powers it off (this "
                    "host follows it over the NUT protocol)",
                    lib::nutAddressText(*config_.device.nut)));
  else if (shutdown_.upsShutdownReturn)
    writeKillPowerFlag();
  powerOff(event);
  say(fmt::format(
      "shutdown pipeline finished{} after {}", simulation_ ? " (simulation)" : "",
      secondsText(std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t0))));
  update([](core::PipelineState& s) {
    s.phase = core::PipelineState::Phase::Finished;
    s.finishedAt = std::chrono::system_clock::now();
  });
  flushRecord();
  finished_.store(true);
  try {
    if (output_.finished) output_.finished();
  } catch (...) {
    log::error("pipeline", "the end of the shutdown pipeline could not be signalled");
  }
}

proxmox::StopRules ProxmoxPipeline::stopRules() const {
  proxmox::StopRules r;
  r.qm = proxmox_.qm.string();
  r.pct = proxmox_.pct.string();
  r.pvesh = proxmox_.pvesh.string();
  r.node = node_;
  r.guestTimeout = shutdown_.guestTimeout;
  r.forceStop = shutdown_.forceStop;
  r.exclude = proxmox_.exclude;
  // Guests a [[shed]] tier is stopping: neither planned nor added by the recheck (VMIDs
  // are unique in a cluster, VMs and CTs alike).
  for (const auto& g : leftToShedding_)
    r.exclude.push_back(g.id);
  return r;
}

/// The tools' files only (instant): a broken one is said at once, and the pipeline still
/// tries everything (the guest listing below is the real test of qm).
void ProxmoxPipeline::preflightCheck(const core::Event& event) {
  PreflightOptions o;
  o.listGuests = false;
  const auto report = preflight(config_, *runner_, o);
  for (const auto& p : report.problems)
    if (p.error) tell(event, core::Phrase("progress.preflight").with("problem", p.phrase));
}

std::vector<proxmox::Guest> ProxmoxPipeline::stopGuests(const core::Event& event,
                                                        SteadyClock::time_point deadline) {
  // The fresh look begins now, beside the stops: it corrects the groups still to come.
  const auto ticket = keeper_->refreshNow();
  bool fresh = false;
  const auto known = plan(event, ticket, deadline, fresh);
  if (!known) return {};
  std::string problems;
  for (const auto& problem : known->problems) {
    say("guest discovery: " + problem);
    problems += (problems.empty() ? "" : "; ") + problem;
  }
  // A list that failed is not an empty one: never "no running guests" then.
  if (known->listFailed())
    tell(event, core::Phrase("progress.cannot_list").with("problems", problems));
  auto set = proxmox::stopSet(*known, proxmox_.exclude);
  if (!set.excluded.empty()) say("left running (exclude): " + names(set.excluded));
  leaveToShedding(set.guests);
  if (set.guests.empty() && fresh) {
    if (!known->listFailed()) say("no running guests to stop");
    return {};
  }
  say(set.guests.empty() ? std::string("no running guests in the plan; checking again")
                         : fmt::format("running guests: {}", names(set.guests)));
  if (simulation_ && shutdown_.strategy != ShutdownStrategy::StopAll && !set.guests.empty())
    sayWorstCases(set.guests, deadline);
  const proxmox::Recheck recheck{
      [this, ticket] { return keeper_->ready(ticket); },
      [this, ticket](SteadyClock::time_point until) { return keeper_->waitFor(ticket, until); }};
  const auto summary =
      stop(set.guests, !set.excluded.empty(), fresh ? nullptr : &recheck, event, deadline);
  if (summary.reports.empty())
    say("no running guests to stop");
  else
    tell(event, summaryPhrase(summary, simulation_));
  std::vector<proxmox::Guest> stopped;
  for (const auto& r : summary.reports)
    if (r.outcome == proxmox::GuestOutcome::Stopped ||
        r.outcome == proxmox::GuestOutcome::ForceStopped)
      stopped.push_back(r.guest);
  return stopped;
}

void ProxmoxPipeline::leaveToShedding(std::vector<proxmox::Guest>& guests) {
  if (!output_.shedding.sheddingNow) return;
  const auto shedding = output_.shedding.sheddingNow();
  if (shedding.empty()) return;
  std::vector<proxmox::Guest> left;
  std::erase_if(guests, [&](const proxmox::Guest& g) {
    const bool busy = std::any_of(shedding.begin(), shedding.end(),
                                  [&](const auto& o) { return proxmox::sameGuest(o, g); });
    if (busy) left.push_back(g);
    return busy;
  });
  if (!left.empty()) say("being stopped by load shedding, left to it: " + names(left));
  leftToShedding_ = std::move(left);
}

void ProxmoxPipeline::awaitShedding(const core::Event& event, SteadyClock::time_point deadline) {
  if (leftToShedding_.empty() || !output_.shedding.sheddingNow) return;
  auto busy = [this] {
    std::vector<proxmox::Guest> still;
    const auto now = output_.shedding.sheddingNow();
    for (const auto& g : leftToShedding_)
      if (std::any_of(now.begin(), now.end(),
                      [&](const auto& o) { return proxmox::sameGuest(o, g); }))
        still.push_back(g);
    return still;
  };
  auto still = busy();
  while (!still.empty() && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(kSheddingPoll);
    still = busy();
  }
  if (still.empty()) {
    say("load shedding has stopped " + names(leftToShedding_));
    return;
  }
  // Shedding's own timeout runs past the guest deadline: the pipeline forces them now.
  tell(event, core::Phrase("progress.shed_forced").with("guests", names(still)));
  leftToShedding_.clear();
  stop(still, false, nullptr, event, SteadyClock::now());
}

void ProxmoxPipeline::writeComebackRecord(const std::vector<proxmox::Guest>& stopped) {
  if (!comeback_.enabled) return;
  std::vector<ComebackEntry> entries;
  try {
    if (output_.shedding.shedSoFar)
      for (const auto& s : output_.shedding.shedSoFar())
        entries.push_back(
            {s.restartOnMains ? ComebackEntry::Why::Shed : ComebackEntry::Why::ShedKept,
             s.guest.type, s.guest.id});
    for (const auto& g : stopped)
      entries.push_back({ComebackEntry::Why::Stopped, g.type, g.id});
  } catch (const std::exception& e) {
    say(fmt::format("the comeback record could not be made: {}", e.what()));
    return;
  }
  // With peers to wake the record is written even empty: it says a UPS shutdown happened.
  if (entries.empty() && comeback_.wake.empty()) return;
  const auto& file = comeback_.stateFile;
  if (simulation_) {
    say(fmt::format("would record {} guest(s) for the comeback in {}", entries.size(),
                    file.string()));
    return;
  }
  try {
    writeComeback(file, entries);
    say(fmt::format("recorded {} guest(s) for the comeback in {}", entries.size(), file.string()));
  } catch (const std::exception& e) {
    say(fmt::format("cannot write the comeback record {}: {}", file.string(), e.what()));
  }
}

std::shared_ptr<const proxmox::Inventory> ProxmoxPipeline::plan(const core::Event& event,
                                                                std::uint64_t ticket,
                                                                SteadyClock::time_point deadline,
                                                                bool& fresh) {
  if (auto latest = keeper_->latest()) {
    say(fmt::format("guest plan made {} ago: {}", secondsText(since(latest->finishedAt)),
                    proxmox::describe(*latest)));
    return latest;
  }
  fresh = true;
  const auto wait = std::min<milliseconds>(
      std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()) / 2, kFirstListWait);
  say(fmt::format("no guest plan yet: listing the guests now ({} at most)", secondsText(wait)));
  if (auto listed = keeper_->waitFor(ticket, SteadyClock::now() + wait)) return listed;
  tell(event, core::Phrase("progress.no_guest_list").with("wait", seconds(wait)));
  return nullptr;
}

proxmox::StopSummary ProxmoxPipeline::stop(const std::vector<proxmox::Guest>& guests,
                                           bool someExcluded, const proxmox::Recheck* recheck,
                                           const core::Event& event,
                                           SteadyClock::time_point deadline) {
  auto progress = [this, &event](const proxmox::GuestReport& r, std::size_t done,
                                 std::size_t total) {
    using O = proxmox::GuestOutcome;
    update([&](core::PipelineState& s) {
      s.guestsDone = done;
      s.guestsTotal = total;
    });
    const auto line = guestPhrase(r, done, total, simulation_);
    if (r.outcome == O::Stopped || r.outcome == O::AlreadyStopped)
      say(english(line));
    else
      tell(event, line);
  };
  proxmox::GuestStopper stopper(*runner_, stopRules(), progress,
                                [this](const std::string& line) { say(line); });
  if (shutdown_.strategy != ShutdownStrategy::StopAll)
    return stopper.stopGuests(guests, deadline, recheck);
  // stopall asks again after pvesh: bounded, a hung discovery means "still running".
  auto rediscover = [&] {
    const auto ticket = keeper_->refreshNow();
    const auto until = std::min(deadline, SteadyClock::now() + proxmox::kRecheckWait);
    const auto again = keeper_->waitFor(ticket, until);
    return again ? proxmox::stopSet(*again, proxmox_.exclude).guests : guests;
  };
  return stopper.stopAll(guests, someExcluded, rediscover, deadline);
}

/// The dry run's answer to "would the guests stop in time?": each group's worst case against
/// the deadline, and a warning for the first one that would end past it.
void ProxmoxPipeline::sayWorstCases(const std::vector<proxmox::Guest>& guests,
                                    SteadyClock::time_point deadline) {
  const auto budget =
      std::chrono::ceil<std::chrono::seconds>(deadline - SteadyClock::now()).count();
  for (const auto& w : proxmox::worstCases(guests, stopRules())) {
    const std::string group =
        w.group.order ? fmt::format("order {}", *w.group.order) : std::string("no order");
    say(fmt::format("worst case, group {} ({}): {} s, all done by {} s of the {} s deadline", group,
                    names(w.group.guests), w.worst.count(), w.endsBy.count(), budget));
    if (w.endsBy.count() <= budget) continue;
    const auto warning = fmt::format(
        "WARNING: the guests may not fit the deadline: group {} could end {} s past it, and "
        "what is still running then is force-stopped (lower guest_timeout or the guests' "
        "down=, or stop fewer guests)",
        group, w.endsBy.count() - budget);
    say(warning);
    return;
  }
}

void ProxmoxPipeline::writeKillPowerFlag() {
  const auto& flag = shutdown_.killPowerFlag;
  const auto what = fmt::format("the UPS cuts its output {} s after the host halts and restores "
                                "it once mains are back",
                                shutdown_.upsOffDelay.count());
  if (simulation_) {
    say(fmt::format("would write the kill-power flag {}: {}", flag.string(), what));
    return;
  }
  try {
    std::time_t now = std::time(nullptr);
    lib::writeDurably(flag, fmt::format("hidupsd {} kill-power requested at {}", HIDUPSD_VERSION,
                                        static_cast<long long>(now)));
    say(fmt::format("kill-power flag written to {}: {}", flag.string(), what));
  } catch (const std::exception& e) {
    say(fmt::format("cannot write the kill-power flag {}: {}; the UPS will not power-cycle the "
                    "host",
                    flag.string(), e.what()));
  }
}

void ProxmoxPipeline::powerOff(const core::Event& event) {
  const auto line = proxmox::commandLine(shutdown_.hostCommand);
  if (!simulation_) tell(event, core::Phrase("progress.power_off").with("command", line));
  flushRecord();
  const auto result = runner_->run(shutdown_.hostCommand, kHostCommandTimeout);
  if (!result.ok())
    tell(event, core::Phrase("progress.host_command_failed")
                    .with("command", line)
                    .with("error", result.describe()));
}

void clearStaleKillPowerFlag(const std::filesystem::path& flag) {
  std::error_code ec;
  if (!std::filesystem::exists(flag, ec)) return;
  if (std::filesystem::remove(flag, ec))
    log::notice("pipeline", "removed the kill-power flag {} left by the last shutdown",
                flag.string());
  else
    log::error("pipeline", "cannot remove the stale kill-power flag {}: {}", flag.string(),
               ec.message());
}

proxmox::DiscoveryOptions discoveryOptions(const Config& config, const std::string& node) {
  proxmox::DiscoveryOptions o;
  o.qm = config.proxmox.qm.string();
  o.pct = config.proxmox.pct.string();
  o.containers = config.proxmox.containers;
  o.pmxcfs = config.proxmox.pmxcfs;
  o.node = node;
  return o;
}

std::shared_ptr<proxmox::InventoryKeeper>
makeInventoryKeeper(const Config& config, const std::string& node,
                    std::shared_ptr<proxmox::CommandRunner> runner) {
  proxmox::InventoryKeeper::Options options;
  options.onBatteryRefresh = config.proxmox.planRefresh;
  return std::make_shared<proxmox::InventoryKeeper>(
      [runner = std::move(runner), o = discoveryOptions(config, node)] {
        return proxmox::discoverInventory(*runner, o);
      },
      options, logDiscovery);
}

std::string nodeName(const Config& config) {
  return config.proxmox.node.empty() ? localNodeName() : config.proxmox.node;
}

std::string localNodeName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  std::string node(name);
  if (const auto dot = node.find('.'); dot != std::string::npos) node.resize(dot);
  return node;
}

} // namespace hidupsd
