// SPDX-License-Identifier: GPL-2.0-or-later
// The running daemon: device thread, monitor, event log, pipeline, signals, systemd.
#include "src/daemon.hpp"

#include <grp.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <thread>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "hidupsd_config.hpp"
#include "lib/log.hpp"
#include "lib/signal_wait.hpp"
#include "notify/catalogue.hpp"
#include "proxmox/bounded_runner.hpp"
#include "serve/control_server.hpp"
#include "serve/state_json.hpp"
#include "src/daemon_setup.hpp"
#include "src/daemon_status.hpp"
#include "src/dashboard_backend.hpp"
#include "src/device_opener.hpp"
#include "src/event_log.hpp"
#include "src/event_router.hpp"
#include "src/event_stats.hpp"
#include "src/history_service.hpp"
#include "src/listener.hpp"
#include "src/listener_requests.hpp"
#include "src/listener_supervisor.hpp"
#include "src/migration_guard.hpp"
#include "src/notifier.hpp"
#include "src/nut_reader.hpp"
#include "src/power_watch.hpp"
#include "src/preflight.hpp"
#include "src/proxmox_pipeline.hpp"
#include "src/readiness.hpp"
#include "src/record_writer.hpp"
#include "src/servers.hpp"
#include "src/shed_controller.hpp"
#include "src/shutdown_pipeline.hpp"
#include "src/supply_gate.hpp"
#include "src/systemd_notify.hpp"
#include "src/test_scheduler.hpp"
#include "src/ups_lane.hpp"
#include "src/ups_service.hpp"
#include "ups/engine.hpp"
#include "ups/simulated_device.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "daemon";

/// --simulate: the built-in power cut is over at 50 s (low battery at 32 s). A shutdown not
/// started by this time of the simulation's clock never will: the run ends with an error
/// rather than waiting forever (a policy without a low-battery shutdown, or a machine too
/// slow for --speed N, whose device thread read the UPS only after the outage).
constexpr std::chrono::seconds kSimulationLimit{120};

/// How often the preflight runs again besides start and SIGHUP: a qm broken by an upgrade is
/// found within this, not at the next outage.
constexpr std::chrono::minutes kReadinessInterval{10};

/// The signals the control thread waits for; blocked in every thread.
sigset_t controlSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

Config startupConfig(const DaemonOptions& o) {
  Config c = o.configPath ? loadConfig(*o.configPath) : Config{};
  if (o.simulate) {
    c.policy.simulation = true;
    if (!o.configPath) c.log.file = "-"; // the story, on the terminal
  }
  return c;
}

/// Everything the daemon runs, in start order; destroyed in reverse.
class Daemon {
public:
  Daemon(const DaemonOptions& options, Config config);
  int run();

private:
  std::unique_ptr<core::Clock> makeClock() const;
  ShedHooks shedHooks();
  /// The main thread's timer: the watchdog's half interval, 1 s for --simulate, else none.
  std::chrono::nanoseconds timerPeriod() const;
  void startDeviceThread();
  /// The reader of the UPS [device] names: a USB (or replay) one, or a remote one (nut).
  std::unique_ptr<UpsSource> makeSource(ReaderListener& listener);
  /// Several UPSes: the gate that weighs them for the host (nullptr with one: its events go
  /// straight to the router, as always).
  std::unique_ptr<SupplyGate> makeGate();
  EventSink& firstSink() { return gate_ ? gate_->port(0) : static_cast<EventSink&>(router_); }
  /// [[device]] #2 and later: each on its own device thread, after the first.
  void startLanes();
  /// The pipeline ran the host command: following a remote UPS, we log out of its primary
  /// (its HOSTSYNC wait ends: this host is done), and the main thread wakes.
  void pipelineFinished();
  bool handleSignal(int sig);
  void reload();
  void pingWatchdog();
  /// --simulate: the story is over (the pipeline finished, or it never started).
  bool simulationDone();
  /// [history] on: the service between the reader and the engine, nullptr when off.
  std::unique_ptr<HistoryService> makeHistory();
  /// What core::DaemonState is built from (the control socket's --status, the dashboard's
  /// /api/v1/status: one model, one JSON rendering). After service_ is made.
  StatusParts statusParts() const;
  /// [battery_test]: starts a due test when the conditions hold (every 30 s).
  void scheduleTests();
  TestConditions testConditions() const;
  void startReadinessChecks();
  void startControl();
  /// [serve.nut] / [serve.metrics]: the listener process that serves them, unprivileged.
  void startListener();
  /// What the listener serves next (its UPS, its scrape, the dashboard's state).
  serve::channel::State listenerState() const;
  /// The scrape's data beside the UPS `state` (the one listenerState has just read).
  serve::MetricsData metricsData(const serve::UpsState& state) const;
  void warnIfNutRuns();
  NotifierHooks notifierHooks();
  void readinessChanged(Readiness::Change change, const PreflightReport& report);
  /// [[shed]] and [comeback]: their controller, told every reading from now on.
  void startShedding();

  DaemonOptions options_;
  Config config_;
  lib::SignalWait wait_; // the main thread sleeps here: signals, the timer, the pipeline's end
  std::unique_ptr<core::Clock> clock_;
  EventLog eventLog_;
  EventHistory recentEvents_; // the last events, for --status
  Notifier notifier_;
  std::shared_ptr<proxmox::InventoryKeeper> keeper_; // the shutdown plan, made ahead
  RecordWriter shedRecord_;              // load shedding's lines: never the device thread's wait
  std::unique_ptr<ShedController> shed_; // set before the device thread starts
  std::unique_ptr<ShutdownPipeline> pipeline_;
  EventRouter router_;
  std::unique_ptr<SupplyGate> gate_; // several UPSes only; before the engines that feed it
  Engine engine_;
  PowerWatch powerWatch_; // between the reader and the engine: OB refreshes the plan
  DeviceSource source_;
  std::unique_ptr<UpsSource> reader_;
  NutReader* remote_ = nullptr;                 // reader_ when it follows a remote UPS
  std::unique_ptr<HistoryService> history_;     // before the reader, after the engine
  std::vector<std::unique_ptr<UpsLane>> lanes_; // [[device]] #2 and later
  std::unique_ptr<OneUpsFilter> historyFilter_; // several UPSes: the first one's events only
  EventStats stats_;
  Readiness readiness_;
  proxmox::ProcessRunner checkProcesses_;
  proxmox::BoundedRunner checkRunner_{checkProcesses_, std::chrono::seconds(15)};
  std::unique_ptr<ReadinessChecker> checker_;
  std::unique_ptr<UpsService> service_;
  std::unique_ptr<DaemonDashboard> dashboard_; // asked through requests_
  std::unique_ptr<RootRequests> requests_;     // the listener's requests, checked again
  /// The parts of the config the listener's state is made from, fixed at its start.
  struct ListenerParts {
    std::string upsName;
    bool metrics = false;
    StatusParts status;
  } listenerParts_;
  std::unique_ptr<ListenerSupervisor> listener_; // the servers' process; before the device thread
  std::unique_ptr<serve::ControlServer> control_;
  std::thread deviceThread_;
  std::atomic<bool> deviceThreadEnded_{false};
  core::Clock::time_point startedAt_{};
  double startedWall_ = 0;
  std::chrono::system_clock::time_point startedSystem_ = std::chrono::system_clock::now();
  core::Clock::time_point nextTestCheck_{};
  std::string testWaitLogged_; ///< the due test whose wait was logged (once per slot)
  int exitStatus_ = 0;
};

Daemon::Daemon(const DaemonOptions& options, Config config)
    : options_(options), config_(std::move(config)), wait_(controlSignals()), clock_(makeClock()),
      eventLog_(config_.log.file), recentEvents_(config_.policy.onBatteryDelay),
      notifier_(config_.notify, {},
                config_.policy.simulation ? notify::Marker::Simulation : notify::Marker::None,
                notifierHooks()),
      keeper_(makeInventoryKeeper(config_, nodeName(config_),
                                  std::make_shared<proxmox::ProcessRunner>())),
      shedRecord_(eventLog_),
      pipeline_(makePipeline(
          config_, eventLog_, &notifier_,
          // Copied now: SIGHUP replaces config_ while the pipeline thread may be here.
          [this, nut = config_.nut.has_value(),
           hostsync = config_.nut ? config_.nut->hostsync : std::chrono::seconds(0),
           simulation = config_.policy.simulation] {
            if (!nut) return;
            waitForSecondaries(
                [this]() -> std::optional<std::size_t> {
                  return listener_ ? listener_->loginCount() : std::nullopt;
                },
                hostsync, simulation);
          },
          keeper_, [this] { pipelineFinished(); }, shedHooks())),
      router_(eventLog_, *pipeline_), gate_(makeGate()),
      engine_(upsPolicy(config_), *clock_, firstSink()),
      powerWatch_(
          engine_, [this](bool onBattery) { keeper_->setOnBattery(onBattery); },
          [this](const core::Snapshot& s) {
            if (shed_) shed_->observe(s);
            if (listener_) listener_->wake(); // the servers see each reading at once
          }),
      source_(options.simulate ? simulatedSource(*clock_)
                               : makeDeviceSource(config_.device, *clock_)) {}

ShedHooks Daemon::shedHooks() {
  ShedHooks h;
  h.sheddingNow = [this] { return shed_ ? shed_->inFlight() : std::vector<proxmox::Guest>{}; };
  h.shedSoFar = [this] { return shed_ ? shed_->shed() : std::vector<ShedGuest>{}; };
  return h;
}

void Daemon::startShedding() {
  // --simulate's story is no real outage: no comeback record is read or written for it.
  if (config_.shed.empty() && (!config_.comeback.enabled || options_.simulate)) return;
  ShedOutput out;
  out.log = [this](const std::string& line) { shedRecord_.add(line); };
  out.notify = [this](core::EventKind kind, const core::Phrase& what) {
    core::Event event;
    event.kind = kind;
    event.time = clock_->now();
    notifier_.notifyProgress(event, what);
  };
  // history_ is made later (startDeviceThread) but before any reading reaches the controller.
  out.record = [this](history::ShedRow row) {
    if (history_) history_->onShed(std::move(row));
  };
  auto comeback = config_;
  if (options_.simulate) comeback.comeback.enabled = false;
  shed_ = std::make_unique<ShedController>(
      comeback, keeper_, std::make_unique<proxmox::ProcessRunner>(),
      [this] { return pipeline_->started(); }, std::move(out));
}

std::unique_ptr<core::Clock> Daemon::makeClock() const {
  if (options_.speed != 1) return std::make_unique<core::ScaledClock>(options_.speed);
  return std::make_unique<core::SteadyClock>();
}

std::chrono::nanoseconds Daemon::timerPeriod() const {
  std::chrono::nanoseconds period{0};
  if (const auto interval = systemd::watchdogInterval()) period = *interval / 2;
  if (options_.simulate && (period.count() == 0 || period > std::chrono::seconds(1)))
    period = std::chrono::seconds(1); // the simulation's time limit is checked each second
  // Scheduled battery tests are looked at every 30 s (scheduleTests).
  const auto& bt = config_.batteryTest;
  const bool tests =
      bt.quick.every != TestSchedule::Every::Off || bt.deep.every != TestSchedule::Every::Off;
  if (tests && (period.count() == 0 || period > std::chrono::seconds(30)))
    period = std::chrono::seconds(30);
  return period;
}

StatusParts Daemon::statusParts() const {
  StatusParts parts;
  parts.upsName = upsNameOf(config_, config_.device);
  parts.simulation = config_.policy.simulation;
  parts.startedAt = startedSystem_;
  parts.backend = service_.get();
  for (const auto& lane : lanes_)
    parts.moreUps.emplace_back(lane->name(), &lane->service());
  if (gate_)
    parts.supplies = [gate = gate_.get()] {
      return notify::say(gate->verdict().reason, notify::Language::En);
    };
  parts.pipeline = pipeline_.get();
  parts.readiness = &readiness_;
  parts.history = &recentEvents_;
  parts.sinks = [this] { return notifier_.health(); };
  parts.dropped = [this] { return notifier_.stats().dropped; };
  if (history_)
    parts.historyView = [this]() -> std::optional<core::HistoryView> {
      return historyView(history_->summary());
    };
  return parts;
}

std::unique_ptr<HistoryService> Daemon::makeHistory() {
  // --simulate's outage is no real one: it never enters the history.
  if (config_.history.file.empty() || options_.simulate) return nullptr;
  log::notice(kDomain, "history in {}", config_.history.file.string());
  return std::make_unique<HistoryService>(
      config_, *clock_, powerWatch_, [this](const auto& health) {
        std::string reasons;
        for (const auto& r : health.reasons)
          reasons += (reasons.empty() ? "" : "; ") + r;
        engine_.requestEvent(
            core::EventKind::ReplaceBattery,
            health.score ? core::Phrase("reason.battery_health")
                               .with("score", fmt::format("{}", *health.score))
                               .with("reasons", reasons)
                         : core::Phrase("reason.battery_health_unknown").with("reasons", reasons));
      });
}

void Daemon::startDeviceThread() {
  history_ = makeHistory();
  ReaderListener& listener = history_ ? static_cast<ReaderListener&>(*history_) : powerWatch_;
  if (history_) {
    // Several UPSes: the history follows the first one (its readings come from there too).
    if (gate_) historyFilter_ = std::make_unique<OneUpsFilter>(*history_, gate_->upses()[0].name);
    router_.addNotifier(historyFilter_ ? static_cast<EventSink&>(*historyFilter_) : *history_);
  }
  reader_ = makeSource(listener);
  // Simulation never announces FSD: the other nodes' upsmon would shut down for real.
  service_ =
      std::make_unique<UpsService>(engine_, *reader_, *pipeline_, !config_.policy.simulation);
  if (config_.metrics && config_.metrics->dashboard)
    dashboard_ = std::make_unique<DaemonDashboard>(DaemonDashboard::Parts{
        config_, service_.get(),
        [parts = statusParts()] { return serve::stateJson(daemonState(parts), -1) + "\n"; },
        keeper_, &eventLog_});
  std::vector<std::pair<std::string, serve::UpsBackend*>> others;
  for (auto& lane : lanes_)
    others.emplace_back(lane->name(), &lane->service());
  service_->serveAlso(std::move(others));
  startListener();
  deviceThread_ = std::thread([this] {
    try {
      reader_->run();
    } catch (const std::exception& e) {
      log::error(kDomain, "device thread ended: {}", e.what());
    }
    deviceThreadEnded_.store(true);
  });
}

/// The servers run in a process of their own that drops root (src/listener.hpp): the daemon
/// keeps the UPS, the policy and the shutdown, feeds the listener the state and checks each
/// of its requests again. A listener that dies or hangs is started again; meanwhile the
/// monitor and the shutdown go on (a FSD's HOSTSYNC wait then waits its whole hostsync).
void Daemon::startListener() {
  if (!config_.nut && !config_.metrics) return;
  // What the supervisor's thread reads, fixed now: SIGHUP replaces config_ (the servers keep
  // the configuration they started with, as the listener does).
  listenerParts_.upsName = upsNameOf(config_, config_.device);
  listenerParts_.metrics = config_.metrics.has_value();
  listenerParts_.status = statusParts();
  requests_ = std::make_unique<RootRequests>(config_, *service_, dashboard_.get());
  // argv[0] "hidupsd": `ps` and `pgrep -f 'hidupsd --listener'` find it. What it serves comes
  // over the channel, from the config the daemon started with: no file is read again there.
  std::vector<std::string> argv = {"/proc/self/exe", "hidupsd", "--listener"};
  listener_ = std::make_unique<ListenerSupervisor>(
      std::move(argv), [setup = listenerSetup(config_)] { return setup; },
      [this] { return listenerState(); },
      [this](const serve::channel::Request& q) { return requests_->handle(q); });
  listener_->start();
}

serve::MetricsData Daemon::metricsData(const serve::UpsState& state) const {
  serve::MetricsData d;
  d.upsName = listenerParts_.upsName;
  d.version = HIDUPSD_VERSION;
  d.everRead = state.everRead;
  d.commOk = state.everRead && !state.stale;
  d.shutdownStarted = pipeline_->started();
  d.shutdownReady = readiness_.ready();
  for (const auto& [event, entry] : stats_.counts())
    d.events[event] = {entry.count, entry.last};
  d.processStart = startedSystem_;
  d.sinks = notifier_.health();
  if (history_) d.history = historyMetrics(history_->summary(), std::chrono::system_clock::now());
  return d;
}

serve::channel::State Daemon::listenerState() const {
  serve::channel::State s;
  s.ups = {service_->state(), service_->commands(), service_->writable()};
  for (const auto& name : service_->otherNames()) // several UPSes: each under its name
    if (auto* other = service_->other(name))
      s.others.push_back({name, {other->state(), other->commands(), other->writable()}});
  if (listenerParts_.metrics) s.metrics = metricsData(s.ups.state);
  if (dashboard_) s.statusJson = serve::stateJson(daemonState(listenerParts_.status), -1) + "\n";
  return s;
}

std::unique_ptr<SupplyGate> Daemon::makeGate() {
  if (config_.moreDevices.empty()) return nullptr;
  std::vector<UpsPower> upses;
  for (const auto& d : allDevices(config_)) {
    UpsPower u;
    u.name = upsNameOf(config_, d);
    u.supplies = d.supplies;
    upses.push_back(std::move(u));
  }
  return std::make_unique<SupplyGate>(
      std::move(upses), config_.policy.minSupplies, router_,
      [this](const std::string& line) { eventLog_.appendLine(wallClockText() + " " + line); });
}

void Daemon::startLanes() {
  if (!gate_) return;
  std::string names;
  for (const auto& u : gate_->upses())
    names += fmt::format("{}{} ({} supplies)", names.empty() ? "" : ", ", u.name, u.supplies);
  log::notice(kDomain, "{} UPSes: {}; the host shuts down below min_supplies = {}",
              gate_->upses().size(), names, config_.policy.minSupplies);
  for (std::size_t i = 0; i < config_.moreDevices.size(); ++i) {
    const auto& d = config_.moreDevices[i];
    lanes_.push_back(std::make_unique<UpsLane>(upsNameOf(config_, d), config_, d, options_.simulate,
                                               *clock_, gate_->port(i + 1), *pipeline_));
  }
  for (auto& lane : lanes_)
    lane->start();
}

std::unique_ptr<UpsSource> Daemon::makeSource(ReaderListener& listener) {
  if (config_.device.nut && !options_.simulate) {
    auto remote = std::make_unique<NutReader>(nutReaderOptions(config_), *clock_, listener);
    remote_ = remote.get();
    return remote;
  }
  auto readerConfig = readerOptions(config_);
  readerConfig.resetPort = source_.resetPort;
  return std::make_unique<DeviceReader>(source_.open, *clock_, listener, std::move(readerConfig));
}

// As upsmon's secondary, whose connection ends as its host goes down: after the host
// command, never before (the primary must not cut the power while this host still stops).
// Without waiting: the device thread does it within one read slice, or one NUT call.
void Daemon::pipelineFinished() {
  if (remote_ != nullptr) remote_->logout(std::chrono::milliseconds(0));
  for (auto& lane : lanes_)
    if (lane->remote() != nullptr) lane->remote()->logout(std::chrono::milliseconds(0));
  wait_.wake();
}

int Daemon::run() {
  log::notice(kDomain, "hidupsd {} starting{}; event log {}", HIDUPSD_VERSION,
              config_.policy.simulation ? " in simulation (nothing destructive runs)" : "",
              config_.log.file.string());
  eventLog_.appendLine(fmt::format("{} hidupsd {} started{}", wallClockText(), HIDUPSD_VERSION,
                                   config_.policy.simulation ? " (simulation)" : ""));
  router_.addNotifier(notifier_);
  router_.addNotifier(stats_);
  router_.addNotifier(recentEvents_);
  // The host is up: a power cycle the last shutdown asked for is over.
  if (!options_.simulate) clearStaleKillPowerFlag(config_.shutdown.killPowerFlag);
  if (options_.configPath) {
    if (const auto w = secretsExposureWarning(*options_.configPath, config_); !w.empty())
      log::warning(kDomain, "{}", w);
  }
  if (!options_.simulate) warnIfNutRuns();
  startedAt_ = clock_->now();
  keeper_->refresh(); // the first shutdown plan, before any outage
  startedWall_ =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  nextTestCheck_ = startedAt_ + std::chrono::seconds(30);
  startShedding();
  startLanes(); // lanes_ is complete before any device thread (the pipeline's end reads it)
  startDeviceThread();
  startControl();
  startReadinessChecks();
  systemd::notify("READY=1");
  // Nothing wakes this thread but a signal, the watchdog's timer (none
  // without systemd's watchdog) and the end of the pipeline.
  wait_.setPeriod(timerPeriod());
  bool running = true;
  while (running) {
    const auto wakeup = wait_.wait();
    if (wakeup.signal != 0) running = handleSignal(wakeup.signal);
    pingWatchdog();
    scheduleTests();
    if (simulationDone()) running = false;
  }
  systemd::notify("STOPPING=1");
  checker_->stop();
  reader_->stop();
  for (auto& lane : lanes_)
    lane->stop();
  deviceThread_.join();
  shed_.reset(); // workers still stopping or starting guests end on their own
  if (history_) history_->stop(std::chrono::seconds(1)); // never longer: the exit goes on
  pipeline_->wait(); // the servers keep showing FSD to the secondaries meanwhile
  if (listener_) listener_->stop();
  notifier_.stop(); // pending messages get a short bounded grace
  if (control_) control_->stop();
  log::notice(kDomain, "stopped");
  return exitStatus_;
}

bool Daemon::handleSignal(int sig) {
  if (sig == SIGHUP) {
    reload();
    wait_.setPeriod(timerPeriod()); // [battery_test] may have changed
    keeper_->refresh();             // guests added or moved since: a fresh plan
    return true;
  }
  log::notice(kDomain, "{} received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
  if (pipeline_->started() && !pipeline_->finished())
    log::warning(kDomain, "the shutdown pipeline is running: letting it finish first");
  return false;
}

// A config that does not load leaves the running one in place: a typo must
// never disarm the shutdown of a host running on battery.
void Daemon::reload() {
  systemd::notify("RELOADING=1");
  if (!options_.configPath) {
    log::notice(kDomain, "SIGHUP: no config file to reload");
  } else {
    try {
      Config next = loadConfig(*options_.configPath);
      if (options_.simulate) next.policy.simulation = true;
      applyReload(config_, next, engine_, eventLog_);
      // The UPSes running are the started ones ([device] changes wait for a restart): their
      // shutdowns stay votes while the gate weighs them.
      auto policy = policyOptions(next.policy);
      policy.rearmShutdown = gate_ != nullptr;
      engine_.requestPolicy(policy);
      for (auto& lane : lanes_)
        lane->engine().requestPolicy(policy);
      if (const auto w = secretsExposureWarning(*options_.configPath, next); !w.empty())
        log::warning(kDomain, "{}", w);
      checker_->recheck(next);
      config_ = std::move(next);
      log::notice(kDomain, "configuration reloaded from {}", options_.configPath->string());
    } catch (const std::exception& e) {
      log::error(kDomain, "SIGHUP: {} is not valid, keeping the running configuration:\n{}",
                 options_.configPath->string(), e.what());
    }
  }
  systemd::notify("READY=1");
}

// The watchdog is fed only while the device thread still steps: a hung
// device thread must make systemd restart us.
void Daemon::pingWatchdog() {
  static const auto interval = systemd::watchdogInterval();
  if (!interval || deviceThreadEnded_.load()) return;
  // Several UPSes: every device thread must step (the oldest step counts).
  auto lastStep = engine_.lastStep();
  for (auto& lane : lanes_)
    lastStep = std::min(lastStep, lane->engine().lastStep());
  const auto sinceStep = clock_->now() - lastStep;
  if (sinceStep < std::chrono::duration_cast<core::Clock::duration>(*interval) * options_.speed)
    systemd::notify("WATCHDOG=1");
}

void Daemon::startReadinessChecks() {
  checker_ = std::make_unique<ReadinessChecker>(
      readiness_, config_, [this](const Config& config) { return preflight(config, checkRunner_); },
      kReadinessInterval,
      [this](Readiness::Change change, const PreflightReport& report) {
        readinessChanged(change, report);
      });
}

/// The migration guard: NUT's driver still running would fight us for the UPS (bounded: 5 s).
void Daemon::warnIfNutRuns() {
  const auto advice = nutAdvice(activeNutUnits(checkProcesses_));
  if (advice.empty()) return;
  log::warning(kDomain, "{}", advice);
  eventLog_.appendLine(wallClockText() + " " + advice);
}

/// The sinks' health: a sink that starts failing or works again is a line of the event log;
/// one that fails alert_after_failures times in a row is a notifyfail the other sinks say.
NotifierHooks Daemon::notifierHooks() {
  NotifierHooks hooks;
  hooks.record = [this](const std::string& line) {
    log::warning("notify", "{}", line.substr(line.find(' ') + 1));
    eventLog_.appendLine(wallClockText() + " " + line);
  };
  hooks.raise = [this](const core::Event& event) { router_.onEvent(event); };
  return hooks;
}

/// The control socket (`hidupsd --status`): root, and the [serve.control] group. A socket
/// that cannot be made is an error in the log, never fatal: the monitor and the shutdown
/// work without it. Stopped last: --status answers while the shutdown runs.
void Daemon::startControl() {
  // --simulate without a config is a demonstration: the host's real daemon keeps its socket.
  if (options_.simulate && !options_.configPath) return;
  serve::ControlServerOptions o;
  o.path = config_.control.socket;
  if (!config_.control.group.empty()) {
    if (const group* g = ::getgrnam(config_.control.group.c_str()); g != nullptr)
      o.group = g->gr_gid;
    else
      log::warning(kDomain, "group '{}' does not exist: the control socket is for root only",
                   config_.control.group);
  }
  auto handler = [parts = statusParts()](std::string_view request) -> std::optional<std::string> {
    if (request != "status") return std::nullopt;
    return serve::stateJson(daemonState(parts));
  };
  try {
    control_ = std::make_unique<serve::ControlServer>(o, handler);
    control_->start();
    log::notice(kDomain, "control socket on {} (hidupsd --status)", o.path.string());
  } catch (const std::exception& e) {
    control_.reset();
    log::error(kDomain, "control socket off: {}", e.what());
  }
}

/// Said once per change: a broken tool is an error and a notification the moment it is found
/// (not at the next outage); warnings go to the log.
void Daemon::readinessChanged(Readiness::Change change, const PreflightReport& report) {
  for (const auto& p : report.problems)
    if (!p.error) log::warning("preflight", "{}", p.text);
  if (change == Readiness::Change::TurnedGood) {
    log::notice("preflight", "the shutdown would work again");
    eventLog_.appendLine(wallClockText() + " preflight: the shutdown would work again");
  }
  if (change == Readiness::Change::Different && report.ready())
    log::notice("preflight", "the shutdown would work as configured");
  if (change != Readiness::Change::TurnedBad) return;
  log::error("preflight", "the shutdown would fail: {}", report.errorText());
  core::Event event;
  event.kind = core::EventKind::NotReady;
  event.time = clock_->now();
  event.reason = report.errorPhrase();
  event.snapshot = engine_.latest();
  router_.onEvent(event);
}

TestConditions Daemon::testConditions() const {
  TestConditions c;
  const auto snapshot = engine_.latest();
  c.now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  c.onMains = snapshot.hasStatus("OL") && !snapshot.hasStatus("OB");
  c.commOk = !snapshot.variables.empty() && !engine_.commLost();
  c.testRunning = engine_.testRunning();
  c.shutdownStarted = pipeline_->started();
  c.charge = snapshot.number("battery.charge");
  c.commands = reader_->commands();
  c.notBefore = startedWall_;
  if (history_) {
    const auto summary = history_->summary();
    const auto& st = summary.statistics;
    c.outageNow = st.onBatterySince.has_value();
    if (st.last && st.last->end) c.lastOutageEnd = *st.last->end;
    c.lastQuick = st.lastQuickTest;
    c.lastDeep = st.lastDeepTest;
    if (st.since) c.notBefore = std::min(c.notBefore, *st.since);
  }
  return c;
}

// Without the history the last test is not known across restarts: slots count from this
// start only (a restart never runs a missed test twice, it may skip one).
void Daemon::scheduleTests() {
  const auto& bt = config_.batteryTest;
  if (bt.quick.every == TestSchedule::Every::Off && bt.deep.every == TestSchedule::Every::Off)
    return;
  if (clock_->now() < nextTestCheck_) return;
  nextTestCheck_ = clock_->now() + std::chrono::seconds(30);
  const TestDecision d = decideTest(bt, testConditions());
  const std::string key = fmt::format("{} {:.0f}", d.kind, d.slot);
  if (d.start) {
    log::notice(kDomain, "battery test: starting the scheduled {} test", *d.start);
    service_->startTest(*d.start, "schedule");
    testWaitLogged_.clear();
  } else if (!d.waiting.empty() && key != testWaitLogged_) {
    log::info(kDomain, "battery test: the {} test is due but waits: {}", d.kind, d.waiting);
    testWaitLogged_ = key;
  }
}

bool Daemon::simulationDone() {
  if (!options_.simulate) return false;
  if (pipeline_->finished()) return true;
  if (pipeline_->started() || clock_->now() - startedAt_ < kSimulationLimit) return false;
  log::error(kDomain,
             "the simulated power cut is over and no shutdown started after {} s of the "
             "simulation: the policy does not shut down on low battery, or the device thread "
             "read the UPS too late (a machine too slow for --speed {:g})",
             kSimulationLimit.count(), options_.speed);
  exitStatus_ = 1;
  return true;
}

} // namespace

int runDaemon(const DaemonOptions& options) {
  const sigset_t set = controlSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr); // before any thread starts
  Config config = startupConfig(options);
  // --simulate without a config tells its story on stdout (the event log);
  // the daemon log keeps to warnings so the two do not say everything twice.
  log::setLevel(options.simulate && !options.configPath ? log::Level::Warning : config.log.level);
  Daemon daemon(options, std::move(config));
  return daemon.run();
}

} // namespace hidupsd
