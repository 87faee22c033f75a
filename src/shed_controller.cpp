// SPDX-License-Identifier: GPL-2.0-or-later
// ShedController: the planner's thread, the tier and restart workers, the comeback.
#include "src/shed_controller.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "lib/wake_on_lan.hpp"
#include "notify/catalogue.hpp"
#include "proxmox/bounded_runner.hpp"
#include "proxmox/guest_stopper.hpp"
#include "proxmox/guests.hpp"
#include "src/comeback.hpp"

namespace hidupsd {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::string_view kDomain = "shed";
/// The longest a `qm start` / `pct start` may take (a VM with a big RAM to allocate).
constexpr std::chrono::seconds kStartTimeout{120};
/// How long a command may overrun its timeout before it is left behind (as the pipeline's).
constexpr std::chrono::seconds kCommandOverrun{15};
/// How long the comeback waits for Proxmox's own start of its onboot guests, and how often
/// it looks (a `qm list` each time), each look bounded by kListWait.
constexpr std::chrono::seconds kProxmoxStartWait{600};
constexpr std::chrono::seconds kProxmoxStartPoll{3};
constexpr std::chrono::seconds kListWait{30};
/// The longest up= wait honoured between two starts.
constexpr std::chrono::seconds kMaxUpWait{600};
/// How long a step waits for the readings that show its effect (two fresh ones: the first
/// may come from a poll that began before the last guest stopped).
constexpr std::chrono::seconds kFreshWait{10};
constexpr std::uint64_t kFreshReadings = 2;

std::string names(const std::vector<proxmox::Guest>& guests) {
  std::string out;
  for (const auto& g : guests)
    out += (out.empty() ? "" : ", ") + proxmox::label(g);
  return out.empty() ? "none" : out;
}

core::Phrase runtimePhrase(const std::optional<double>& runtime) {
  if (!runtime) return core::Phrase("shed.unknown");
  return core::Phrase("shed.runtime").with("seconds", fmt::format("{:.0f}", *runtime));
}

/// `phrase` with {guests}: their labels, or the catalogue's "none".
core::Phrase withGuests(core::Phrase phrase, const std::vector<proxmox::Guest>& guests) {
  if (guests.empty()) return std::move(phrase).with("guests", core::Phrase("shed.none"));
  return std::move(phrase).with("guests", names(guests));
}

/// The labels of `guests`, "" for none (a history column).
std::string labels(const std::vector<proxmox::Guest>& guests) {
  return guests.empty() ? std::string() : names(guests);
}

double orNone(const std::optional<double>& v) { return v.value_or(history::kNone); }

double wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// What a shedding step is measured by: the readings before and after it.
struct Measure {
  std::optional<double> runtime, load, charge;
  std::uint64_t readings = 0; ///< how many readings had been observed then
};

core::Phrase simulationMark(bool simulation) {
  return simulation ? core::Phrase("shed.simulation") : core::Phrase();
}

} // namespace

struct ShedController::Shared {
  // Set at construction, read-only after.
  proxmox::StopRules rules;
  ComebackConfig comeback;
  bool simulation = false;
  std::shared_ptr<proxmox::InventoryKeeper> keeper;
  std::shared_ptr<proxmox::CommandRunner> real;
  std::unique_ptr<proxmox::CommandRunner> bounded;
  std::unique_ptr<proxmox::CommandRunner> dry;
  proxmox::CommandRunner* runner = nullptr;
  std::function<bool()> shutdownStarted;

  mutable std::mutex mutex;
  std::condition_variable wake;
  ShedOutput output;             // guarded; cleared when the controller goes
  bool stopping = false;         // guarded
  PowerReading reading;          // guarded: the latest
  std::optional<double> load;    // guarded: the latest ups.load, %
  std::uint64_t seq = 0;         // guarded: readings that woke the planner
  std::uint64_t readings = 0;    // guarded: every reading observed
  std::condition_variable fresh; // readings moved
  ShedPlanner planner;           // guarded
  std::vector<std::pair<std::size_t, std::vector<proxmox::Guest>>> inFlight; // guarded
  std::optional<std::vector<ComebackEntry>> record;                          // guarded
  SteadyClock::time_point startedAt = SteadyClock::now();
  bool comebackWaitSaid = false; // guarded

  Shared(std::vector<ShedTier> tiers, std::chrono::seconds onlineDelay)
      : planner(std::move(tiers), onlineDelay) {}

  void say(const std::string& line) {
    std::lock_guard lock(mutex);
    if (output.log) output.log(line);
  }
  void tell(core::EventKind kind, const core::Phrase& what) {
    const auto text = notify::say(what, notify::Language::En);
    std::lock_guard lock(mutex);
    if (output.log) output.log(text);
    if (output.notify) output.notify(kind, what);
  }
  /// False once the controller goes or the shutdown has begun (asked under the lock: the
  /// daemon's pipeline is never asked after the controller is gone).
  bool mayGoOn() {
    std::lock_guard lock(mutex);
    return !stopping && !shutdownStarted();
  }
  /// Sleeps `d`, or less if the controller goes.
  void pause(std::chrono::seconds d) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, d, [this] { return stopping; });
  }
  Measure measure() const {
    std::lock_guard lock(mutex);
    return {reading.runtime, load, reading.charge, readings};
  }
  /// The reading kFreshReadings after `since` (within kFreshWait; the latest then).
  Measure freshAfter(const Measure& since) {
    std::unique_lock lock(mutex);
    fresh.wait_for(lock, kFreshWait,
                   [&] { return stopping || readings >= since.readings + kFreshReadings; });
    return {reading.runtime, load, reading.charge, readings};
  }
  void recordStep(history::ShedRow row) {
    std::lock_guard lock(mutex);
    if (output.record) output.record(std::move(row));
  }
};

namespace {

using SharedPtr = std::shared_ptr<ShedController::Shared>;

/// The history's row of a step measured `before` and `after`.
history::ShedRow shedRow(std::string action, const Measure& before, const Measure& after,
                         const std::vector<proxmox::Guest>& done, std::size_t total,
                         bool simulation) {
  history::ShedRow row;
  row.time = wallNow();
  row.action = std::move(action);
  row.guests = labels(done);
  row.done = static_cast<std::int64_t>(done.size());
  row.total = static_cast<std::int64_t>(total);
  row.runtimeBefore = orNone(before.runtime);
  row.runtimeAfter = orNone(after.runtime);
  row.loadBefore = orNone(before.load);
  row.loadAfter = orNone(after.load);
  row.charge = orNone(after.charge);
  row.simulation = simulation;
  return row;
}

void stopTier(const SharedPtr& s, ShedStop stop) {
  const auto before = s->measure();
  proxmox::StopRules rules = s->rules;
  rules.guestTimeout = stop.timeout;
  auto progress = [&s](const proxmox::GuestReport& r, std::size_t done, std::size_t total) {
    s->say(fmt::format("shed {}/{}: {}: {}{}", done, total, proxmox::label(r.guest),
                       proxmox::nameOf(r.outcome), r.detail.empty() ? "" : ": " + r.detail));
  };
  proxmox::GuestStopper stopper(*s->runner, rules, progress,
                                [&s](const std::string& line) { s->say("shed: " + line); });
  const auto deadline = SteadyClock::now() + stop.timeout + proxmox::kForceStopReserve;
  const auto summary = stopper.stopGuests(stop.guests, deadline);
  std::vector<proxmox::Guest> stopped;
  for (const auto& r : summary.reports)
    if (r.outcome == proxmox::GuestOutcome::Stopped ||
        r.outcome == proxmox::GuestOutcome::ForceStopped)
      stopped.push_back(r.guest);
  {
    std::lock_guard lock(s->mutex);
    s->planner.stopped(stop.tier, stopped);
    auto& f = s->inFlight;
    f.erase(std::remove_if(f.begin(), f.end(), [&](const auto& e) { return e.first == stop.tier; }),
            f.end());
  }
  const auto after = s->freshAfter(s->measure());
  auto row = shedRow("stopped", before, after, stopped, stop.guests.size(), s->simulation);
  row.tier = stop.name;
  row.why = stop.why;
  s->recordStep(std::move(row));
  s->tell(core::EventKind::OnBattery,
          withGuests(core::Phrase("shed.stopped")
                         .with("tier", stop.name)
                         .with("stopped", std::to_string(stopped.size()))
                         .with("total", std::to_string(stop.guests.size()))
                         .with("simulation", simulationMark(s->simulation))
                         .with("before", runtimePhrase(before.runtime))
                         .with("after", runtimePhrase(after.runtime)),
                     stopped));
}

/// Starts `guests` one after the other; false if the shutdown began (or the controller went).
bool startGuests(const SharedPtr& s, const std::vector<proxmox::Guest>& guests,
                 std::vector<proxmox::Guest>& started, std::string_view what) {
  for (std::size_t i = 0; i < guests.size(); ++i) {
    const auto& g = guests[i];
    if (!s->mayGoOn()) {
      s->say(fmt::format("{}: a shutdown began: {} left stopped", what, proxmox::label(g)));
      return false;
    }
    const auto& tool = g.type == proxmox::GuestType::Vm ? s->rules.qm : s->rules.pct;
    const std::vector<std::string> argv = {tool, "start", std::to_string(g.id)};
    const auto result = s->runner->run(argv, kStartTimeout);
    if (result.ok() || result.err.find("already running") != std::string::npos) {
      started.push_back(g);
      s->say(fmt::format("{}: {} started", what, proxmox::label(g)));
    } else {
      s->say(fmt::format("{}: {} did not start: {}", what, proxmox::label(g), result.describe()));
    }
    if (g.startup.up && i + 1 < guests.size())
      s->pause(std::min<std::chrono::seconds>(std::chrono::seconds(*g.startup.up), kMaxUpWait));
  }
  return true;
}

void restart(const SharedPtr& s, std::vector<proxmox::Guest> guests) {
  s->say(fmt::format("load shedding: mains are back, starting again: {}", names(guests)));
  const auto before = s->measure();
  std::vector<proxmox::Guest> started;
  startGuests(s, guests, started, "mains back");
  const auto after = s->freshAfter(s->measure());
  s->recordStep(shedRow("restarted", before, after, started, guests.size(), s->simulation));
  s->tell(core::EventKind::Online,
          withGuests(core::Phrase("shed.restarted")
                         .with("started", std::to_string(started.size()))
                         .with("total", std::to_string(guests.size()))
                         .with("simulation", simulationMark(s->simulation)),
                     started));
}

/// Wake-on-LAN for [comeback] wake: one magic packet each; returns how many went out.
std::size_t wakePeers(const SharedPtr& s) {
  std::size_t sent = 0;
  for (const auto& text : s->comeback.wake) {
    const auto mac = lib::parseMac(text);
    if (!mac) continue; // the config checked it
    const auto where = fmt::format("{}:9", s->comeback.wakeAddress);
    if (s->simulation) {
      s->say(fmt::format("comeback: would send Wake-on-LAN to {} ({})", text, where));
      continue;
    }
    const auto error = lib::sendMagicPacket(*mac, s->comeback.wakeAddress);
    if (error.empty()) {
      ++sent;
      s->say(fmt::format("comeback: Wake-on-LAN sent to {} ({})", text, where));
    } else {
      s->say(fmt::format("comeback: Wake-on-LAN to {} failed: {}", text, error));
    }
  }
  return sent;
}

/// Whether every guest of `guests` runs in `inventory`.
bool allRunning(const std::vector<proxmox::Guest>& guests, const proxmox::Inventory& inventory) {
  return std::all_of(guests.begin(), guests.end(), [&](const proxmox::Guest& g) {
    const auto* now = inventory.find(g.type, g.id);
    return now != nullptr && now->running();
  });
}

/// Proxmox starts its onboot guests itself (pve-guests at boot, after any
/// startall-onboot-delay): the others come after them, as their startup order wants.
/// Waits until they run, kProxmoxStartWait at most.
void awaitProxmoxStart(const SharedPtr& s, const std::vector<proxmox::Guest>& onboot) {
  s->say(fmt::format("comeback: left to Proxmox (onboot = 1): {}; waiting for its start (at "
                     "most {} s, startall-onboot-delay included) before the others",
                     names(onboot), kProxmoxStartWait.count()));
  const auto until = SteadyClock::now() + kProxmoxStartWait;
  while (SteadyClock::now() < until && s->mayGoOn()) {
    const auto ticket = s->keeper->refreshNow();
    const auto inventory =
        s->keeper->waitFor(ticket, std::min(until, SteadyClock::now() + kListWait));
    if (inventory && !inventory->listFailed() && allRunning(onboot, *inventory)) {
      s->say("comeback: Proxmox has started " + names(onboot));
      return;
    }
    s->pause(kProxmoxStartPoll);
  }
  s->say(fmt::format("comeback: Proxmox did not start {} within {} s: going on", names(onboot),
                     kProxmoxStartWait.count()));
}

void runComeback(const SharedPtr& s, const ComebackPlan& plan) {
  const std::size_t woken = wakePeers(s);
  if (!plan.proxmoxStarts.empty() && !plan.start.empty())
    awaitProxmoxStart(s, plan.proxmoxStarts);
  else if (!plan.proxmoxStarts.empty())
    s->say("comeback: left to Proxmox (onboot = 1): " + names(plan.proxmoxStarts));
  if (!plan.alreadyRunning.empty())
    s->say("comeback: already running: " + names(plan.alreadyRunning));
  if (!plan.keptOff.empty())
    s->say("comeback: shed with restart_on_mains = false, left stopped: " + names(plan.keptOff));
  for (const auto& e : plan.unknown)
    s->say(fmt::format("comeback: {} {} is not on this node any more", proxmox::typeName(e.type),
                       e.id));
  std::vector<proxmox::Guest> started;
  const bool whole = startGuests(s, plan.start, started, "comeback");
  if (whole && !s->simulation) {
    std::error_code ec;
    std::filesystem::remove(s->comeback.stateFile, ec);
  }
  s->tell(core::EventKind::Online,
          withGuests(core::Phrase("comeback.done")
                         .with("started", std::to_string(started.size()))
                         .with("total", std::to_string(plan.start.size()))
                         .with("woken", woken > 0 ? core::Phrase("comeback.woken")
                                                        .with("count", std::to_string(woken))
                                                  : core::Phrase())
                         .with("simulation", simulationMark(s->simulation)),
                     started));
}

void spawn(std::function<void()> work) {
  try {
    std::thread(std::move(work)).detach();
  } catch (const std::exception& e) {
    log::error(kDomain, "cannot start a worker thread: {}", e.what());
  }
}

/// The comeback, when due (called with the lock held): the plan goes to a worker.
void comebackStep(const SharedPtr& s) {
  if (!s->record) return;
  const auto& r = s->reading;
  if (!comebackDue(r.onMains, r.charge, s->comeback.minCharge)) {
    const auto waited = SteadyClock::now() - s->startedAt;
    if (s->comeback.maxWait.count() > 0 && waited > s->comeback.maxWait) {
      if (s->output.log)
        s->output.log(fmt::format("comeback: battery.charge did not reach {} % within {} s: "
                                  "given up, the guests stay stopped",
                                  s->comeback.minCharge, s->comeback.maxWait.count()));
      s->record.reset();
      std::error_code ec;
      if (!s->simulation) std::filesystem::remove(s->comeback.stateFile, ec);
    } else if (!s->comebackWaitSaid && s->output.log) {
      s->output.log(fmt::format("comeback: waiting for mains and battery.charge >= {} %",
                                s->comeback.minCharge));
      s->comebackWaitSaid = true;
    }
    return;
  }
  const auto inventory = s->keeper->latest();
  if (!inventory || inventory->listFailed()) return; // the next discovery will tell
  const auto plan = planComeback(*s->record, *inventory);
  s->record.reset();
  spawn([s, plan] { runComeback(s, plan); });
}

void planStep(const SharedPtr& s) {
  const auto inventory = s->keeper->latest();
  s->reading.now = SteadyClock::now();
  auto d = s->planner.step(s->reading, inventory.get(), s->shutdownStarted());
  if (d.handOver && !s->planner.empty() && s->output.log) // no [[shed]]: nothing to say
    s->output.log("load shedding: the shutdown has started and takes over every guest");
  for (auto& stop : d.stop) {
    if (s->output.log)
      s->output.log(fmt::format("load shedding, tier \"{}\" ({}): stopping {}", stop.name, stop.why,
                                names(stop.guests)));
    if (stop.guests.empty()) continue;
    s->inFlight.emplace_back(stop.tier, stop.guests);
    spawn([s, stop] { stopTier(s, stop); });
  }
  if (!d.restart.empty()) spawn([s, guests = d.restart] { restart(s, guests); });
}

void loop(const SharedPtr& s) noexcept {
  std::unique_lock lock(s->mutex);
  std::uint64_t seen = 0;
  while (!s->stopping) {
    const auto due = s->planner.nextDue();
    const auto ready = [&] { return s->stopping || s->seq != seen; };
    if (due)
      s->wake.wait_until(lock, *due, ready);
    else
      s->wake.wait(lock, ready);
    if (s->stopping) break;
    seen = s->seq;
    try {
      planStep(s);
      comebackStep(s);
    } catch (const std::exception& e) {
      log::error(kDomain, "load shedding step failed: {}", e.what());
    }
  }
}

std::optional<std::vector<ComebackEntry>> loadRecord(const ComebackConfig& c) {
  if (!c.enabled) return std::nullopt;
  try {
    return readComeback(c.stateFile);
  } catch (const std::exception& e) {
    log::error(kDomain, "comeback: {}: the record is ignored", e.what());
    return std::nullopt;
  }
}

} // namespace

ShedController::ShedController(const Config& config,
                               std::shared_ptr<proxmox::InventoryKeeper> keeper,
                               std::unique_ptr<proxmox::CommandRunner> runner,
                               std::function<bool()> shutdownStarted, ShedOutput output)
    : shared_(std::make_shared<Shared>(config.shed, config.policy.onlineDelay)) {
  auto& s = *shared_;
  s.rules.qm = config.proxmox.qm.string();
  s.rules.pct = config.proxmox.pct.string();
  s.rules.forceStop = true;
  s.comeback = config.comeback;
  s.simulation = config.policy.simulation;
  s.keeper = std::move(keeper);
  s.real = std::move(runner);
  s.bounded = std::make_unique<proxmox::BoundedRunner>(*s.real, kCommandOverrun);
  s.dry = std::make_unique<proxmox::DryRunRunner>(
      *s.bounded, proxmox::isReadOnlyCommand,
      [weak = std::weak_ptr<Shared>(shared_)](const std::vector<std::string>& argv) {
        if (auto p = weak.lock()) p->say("would run " + proxmox::commandLine(argv));
      });
  s.runner = s.simulation ? s.dry.get() : s.bounded.get();
  s.shutdownStarted = std::move(shutdownStarted);
  s.output = std::move(output);
  s.record = loadRecord(config.comeback);
  if (s.record)
    log::notice(kDomain, "comeback: {} guest(s) recorded by the last UPS shutdown in {}",
                s.record->size(), config.comeback.stateFile.string());
  thread_ = std::thread([shared = shared_] { loop(shared); });
}

ShedController::~ShedController() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->output = {}; // workers left running say nothing more
  }
  shared_->wake.notify_all();
  shared_->fresh.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ShedController::observe(const core::Snapshot& snapshot) noexcept {
  try {
    const bool ob = snapshot.hasStatus("OB");
    const bool ol = snapshot.hasStatus("OL") && !ob;
    if (!ob && !ol) return;
    std::lock_guard lock(shared_->mutex);
    auto& s = *shared_;
    ++s.readings;
    s.load = snapshot.number("ups.load");
    s.fresh.notify_all(); // a step waiting for its "after" (no waiter: nearly free)
    const bool changed = s.reading.onBattery != ob || s.reading.onMains != ol;
    s.reading.onBattery = ob;
    s.reading.onMains = ol;
    s.reading.charge = snapshot.number("battery.charge");
    s.reading.runtime = snapshot.number("battery.runtime");
    // On mains with nothing pending, no wake-up at all.
    if (!(changed || ob || s.record || s.planner.nextDue())) return;
    ++s.seq;
    s.wake.notify_one();
  } catch (const std::exception& e) {
    log::error(kDomain, "reading not handed to load shedding: {}", e.what());
  }
}

std::vector<proxmox::Guest> ShedController::inFlight() const {
  std::lock_guard lock(shared_->mutex);
  std::vector<proxmox::Guest> out;
  for (const auto& [tier, guests] : shared_->inFlight)
    out.insert(out.end(), guests.begin(), guests.end());
  return out;
}

std::vector<ShedGuest> ShedController::shed() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->planner.shed();
}

} // namespace hidupsd
