// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --test-event: one event through the whole pipeline, now.
#include "src/test_event.hpp"

#include <iostream>

#include <fmt/format.h>
#include <system_error>

#include "config/config.hpp"
#include "lib/log.hpp"
#include "serve/nut_client.hpp"
#include "src/client_commands.hpp"
#include "src/daemon_setup.hpp"
#include "src/device_opener.hpp"
#include "src/event_log.hpp"
#include "src/event_router.hpp"
#include "src/notifier.hpp"
#include "src/nut_reader.hpp"
#include "src/probe.hpp"
#include "src/proxmox_pipeline.hpp"
#include "src/shedding.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "test-event";

Config testConfig(const TestEventOptions& o) {
  Config c = o.configPath ? loadConfig(*o.configPath) : Config{};
  log::setLevel(c.log.level);
  if (o.simulate && !o.configPath) c.log.file = "-";
  if (o.simulate && !c.policy.simulation) {
    // The simulated UPS's state must never drive a real shutdown.
    log::notice(kDomain, "--simulate: simulation forced on, nothing destructive runs");
    c.policy.simulation = true;
  } else if (!c.policy.simulation && !o.really) {
    log::notice(kDomain, "simulation = false but no --really: nothing destructive runs");
    c.policy.simulation = true;
  } else if (c.policy.simulation && o.really) {
    log::notice(kDomain, "--really, but simulation = true in the config: nothing destructive runs");
  }
  return c;
}

/// The running daemon's view of the UPS, through its [serve.nut]: while the service runs it
/// holds the UPS. nullopt (logged) when no daemon answers there, or its data is stale.
std::optional<core::Snapshot> stateFromDaemon(const NutServerConfig& nut, core::Clock& clock) {
  auto options = daemonClientOptions(nut);
  options.timeout = std::chrono::seconds(2);
  try {
    serve::NutClient client(options);
    core::Snapshot state;
    for (auto& [name, value] : client.listVariables(nut.name))
      state.variables.emplace(std::move(name), std::move(value));
    state.time = clock.now();
    log::notice(kDomain, "UPS state read from the running daemon at {}", daemonAddress(options));
    return state;
  } catch (const serve::NutError& e) {
    log::notice(kDomain, "the daemon at {} answered {}: reading the UPS itself",
                daemonAddress(options), e.what());
  } catch (const std::system_error& e) {
    log::notice(kDomain, "no daemon at {} ({}): reading the UPS itself", daemonAddress(options),
                e.code().message());
  }
  return std::nullopt;
}

/// The UPS state to send, read once: from the running daemon when [serve.nut] reaches one,
/// else from the UPS; empty (with a warning) when neither answers.
core::Snapshot readState(const TestEventOptions& o, const Config& config, core::Clock& clock) {
  if (config.nut && !o.simulate && !o.replay) {
    if (auto state = stateFromDaemon(*config.nut, clock)) return std::move(*state);
  }
  if (config.device.nut && !o.simulate && !o.replay) {
    try {
      return readRemoteOnce(*config.device.nut, config.device.nutTimeout, clock.now());
    } catch (const std::exception& e) {
      log::warning(kDomain, "no UPS state for the test event from {}: {}",
                   lib::nutAddressText(*config.device.nut), e.what());
      return {};
    }
  }
  try {
    DeviceConfig device = config.device;
    if (o.replay) device.replay = *o.replay;
    auto opener = o.simulate ? simulatedOpener(clock) : makeOpener(device, clock);
    auto ups = opener();
    const Probe probe(*ups);
    return probe.snapshot();
  } catch (const std::exception& e) {
    log::warning(kDomain, "no UPS state for the test event: {}{}", e.what(),
                 config.nut ? ""
                            : " (while the service runs it holds the UPS: with [serve.nut] "
                              "--test-event reads the state through it)");
    return {};
  }
}

/// What the [[shed]] tiers would stop on this node now (onbatt and shutdown tests): the
/// guests listed as the daemon does, at most 30 s.
void describeTiers(const Config& config, EventLog& eventLog) {
  if (config.shed.empty()) return;
  const auto keeper =
      makeInventoryKeeper(config, nodeName(config), std::make_shared<proxmox::ProcessRunner>());
  const auto ticket = keeper->refreshNow();
  const auto inventory =
      keeper->waitFor(ticket, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  if (!inventory) log::warning(kDomain, "load shedding: the guests could not be listed in 30 s");
  for (const auto& line : describeShedding(config.shed, inventory.get())) {
    log::notice(kDomain, "load shedding: {}", line);
    eventLog.appendLine(wallClockText() + " load shedding (test): " + line);
  }
}

/// The UPS as at a real low battery: OB LB, battery.runtime and battery.charge at the UPS's
/// low limits (battery.runtime.low, battery.charge.low) when it gives them: the pipeline's
/// deadline is then the one of a real low battery, not of today's full battery.
core::Snapshot atLowBattery(core::Snapshot s) {
  s.variables["ups.status"] = "OB DISCHRG LB";
  const auto runtime = s.number("battery.runtime");
  const auto charge = s.number("battery.charge");
  const auto chargeLow = s.number("battery.charge.low");
  if (chargeLow) s.variables["battery.charge"] = *s.get("battery.charge.low");
  if (const auto low = s.get("battery.runtime.low")) {
    s.variables["battery.runtime"] = *low;
    log::notice(kDomain,
                "as at a real low battery: ups.status OB DISCHRG LB, battery.runtime {} s "
                "(battery.runtime.low)",
                *low);
  } else if (runtime && charge && chargeLow && *chargeLow < *charge) {
    // No battery.runtime.low: the runtime left at battery.charge.low, if it falls in line.
    s.variables["battery.runtime"] = fmt::format("{:.0f}", *runtime * *chargeLow / *charge);
    log::notice(kDomain,
                "as at a real low battery: ups.status OB DISCHRG LB, battery.runtime {} s "
                "(no battery.runtime.low: {:.0f} s now x battery.charge.low {:g} % / "
                "battery.charge {:g} %)",
                s.variables["battery.runtime"], *runtime, *chargeLow, *charge);
  } else {
    log::notice(kDomain, "as at a real low battery: ups.status OB DISCHRG LB; the UPS gives "
                         "neither battery.runtime.low nor battery.charge.low: the deadline uses "
                         "the runtime read now");
  }
  return s;
}

/// Marks what the policy says as a test: "manual test (…), as at a real low battery: UPS
/// reports low battery" (an event log must never show a test as a real outage).
class AsTest final : public EventSink {
public:
  explicit AsTest(EventSink& next) : next_(next) {}
  void onEvent(const core::Event& event) noexcept override { onEvents({event}); }
  void onEvents(const std::vector<core::Event>& events) noexcept override {
    try {
      auto marked = events;
      for (auto& e : marked)
        e.reason = core::Phrase("reason.test_event_as").with("reason", e.reason);
      next_.onEvents(marked);
    } catch (const std::bad_alloc&) {
      next_.onEvents(events);
    }
  }

private:
  EventSink& next_;
};

/// lowbatt as the UPS's LB would be: the policy (the monitor) decides, so lowbatt and then,
/// with shutdown_on_low_battery, the shutdown.
void throughPolicy(const Config& config, const core::Event& event, core::Clock& clock,
                   EventRouter& router) {
  if (!config.policy.shutdownOnLowBattery)
    log::notice(kDomain, "shutdown_on_low_battery = false: the UPS's low battery does not shut "
                         "this host down");
  AsTest marked(router);
  Engine engine(policyOptions(config.policy), clock, marked);
  auto snapshot = event.snapshot;
  snapshot.time = clock.now();
  engine.onSnapshot(snapshot);
}

} // namespace

int runTestEvent(const TestEventOptions& o) {
  const Config config = testConfig(o);
  core::SteadyClock clock;
  core::Event event;
  event.kind = o.event;
  event.time = clock.now();
  event.reason = core::Phrase("reason.test_event");
  if (o.configPath) {
    if (const auto w = secretsExposureWarning(*o.configPath, config); !w.empty())
      log::warning(kDomain, "{}", w);
  }
  event.snapshot = readState(o, config, clock);
  const bool lowBattery = o.event == core::EventKind::LowBattery;
  if (lowBattery || o.event == core::EventKind::Shutdown)
    event.snapshot = atLowBattery(std::move(event.snapshot));
  EventLog eventLog(config.log.file);
  Notifier notifier(config.notify, {}, notify::Marker::Test);
  auto pipeline = makePipeline(config, eventLog, &notifier);
  EventRouter router(eventLog, *pipeline);
  router.addNotifier(notifier);
  if (lowBattery)
    throughPolicy(config, event, clock, router);
  else
    router.onEvent(event);
  if (o.event == core::EventKind::OnBattery || o.event == core::EventKind::Shutdown)
    describeTiers(config, eventLog);
  pipeline->wait();
  // The manual test is how a user checks a webhook: wait for the delivery
  // (each attempt is bounded by its sink's timeout).
  if (!notifier.waitIdle(std::chrono::seconds(120)))
    log::warning(kDomain, "notifications still pending after 120 s: giving up");
  const auto stats = notifier.stats();
  log::notice(kDomain, "notifications: {} delivered, {} failed, {} sinks", stats.delivered,
              stats.failed, notifier.sinkCount());
  log::notice(kDomain, "{} sent{}", core::eventName(o.event),
              config.log.file.empty() ? "" : "; event log " + config.log.file.string());
  return 0;
}

} // namespace hidupsd
