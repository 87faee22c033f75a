// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --test-event: one event through the whole pipeline, now.
#include "src/test_event.hpp"

#include <iostream>

#include "src/config.hpp"
#include "src/daemon_setup.hpp"
#include "src/device_opener.hpp"
#include "src/event_log.hpp"
#include "src/event_router.hpp"
#include "src/log.hpp"
#include "src/notifier.hpp"
#include "src/probe.hpp"

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

/// The UPS state to send, read once; empty (with a warning) when no UPS answers.
core::Snapshot readState(const TestEventOptions& o, const Config& config, core::Clock& clock) {
  try {
    DeviceConfig device = config.device;
    if (o.replay) device.replay = *o.replay;
    auto opener = o.simulate ? simulatedOpener(clock) : makeOpener(device, clock);
    auto ups = opener();
    const Probe probe(*ups);
    return probe.snapshot();
  } catch (const std::exception& e) {
    log::warning(kDomain, "no UPS state for the test event: {}", e.what());
    return {};
  }
}

} // namespace

int runTestEvent(const TestEventOptions& o) {
  const Config config = testConfig(o);
  core::SteadyClock clock;
  core::Event event;
  event.kind = o.event;
  event.time = clock.now();
  event.reason = "manual test (hidupsd --test-event)";
  event.snapshot = readState(o, config, clock);
  EventLog eventLog(config.log.file);
  Notifier notifier(config.notify);
  auto pipeline = makePipeline(config, eventLog, &notifier);
  EventRouter router(eventLog, *pipeline);
  router.addNotifier(notifier);
  router.onEvent(event);
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
