// SPDX-License-Identifier: GPL-2.0-or-later
// Reaction time: the loops that switch the injected UPS state and wait for the daemon's reaction.
#include "bench/reaction.hpp"

#include <fmt/format.h>

#include <random>
#include <stdexcept>
#include <thread>

#include "bench/reaction_rig.hpp"
#include "bench/stats.hpp"

namespace hidupsd::bench {

namespace {

using namespace std::chrono_literals;
using core::EventKind;

ReaderOptions readerOptions(const ReactionOptions& o) {
  ReaderOptions r;
  r.pollInterval = o.pollInterval;
  return r;
}

PolicyOptions policyOptions() {
  PolicyOptions p;
  p.onBatteryDelay = 0s;
  p.onlineDelay = 0s;
  p.shutdownOnLowBattery = true;
  return p;
}

std::chrono::milliseconds timeoutOf(const ReactionOptions& o) { return 2 * o.pollInterval + 3s; }

class Gaps {
public:
  explicit Gaps(const ReactionOptions& o)
      : rng_(o.seed), spread_(o.polling ? 0.0 : 1.0,
                              o.polling ? static_cast<double>(o.pollInterval.count()) : 5.0) {}
  void sleep() {
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(spread_(rng_)));
  }

private:
  std::mt19937 rng_;
  std::uniform_real_distribution<double> spread_;
};

Instant await(std::optional<Instant> at, const char* what, std::size_t iteration,
              const ReactionRig& rig) {
  if (!at)
    throw std::runtime_error(
        fmt::format("iteration {}: no {} came (ups.status {})", iteration + 1, what, rig.status()));
  return *at;
}

void waitOnLine(ReactionRig& rig) {
  if (!rig.waitStatus("OL", 5s))
    throw std::runtime_error("the fixture's UPS never read on line (OL)");
}

} // namespace

std::vector<double> measureOnBattery(const ReactionOptions& o) {
  EventLog log(o.eventLog);
  ReactionRig rig(o.script, readerOptions(o), policyOptions(), log);
  waitOnLine(rig);
  Gaps gaps(o);
  std::vector<double> samples;
  for (std::size_t i = 0; i < o.iterations; ++i) {
    gaps.sleep();
    const auto injected = rig.device().inject(o.states.onBattery, !o.polling);
    const auto seen =
        await(rig.sink().waitFor(EventKind::OnBattery, i + 1, timeoutOf(o)), "onbatt", i, rig);
    samples.push_back(millisBetween(injected, seen));
    rig.device().inject(o.states.online, true);
    await(rig.sink().waitFor(EventKind::Online, i + 1, timeoutOf(o)), "online", i, rig);
  }
  return samples;
}

LowBatteryTimes measureLowBattery(const ReactionOptions& o) {
  EventLog log(o.eventLog);
  Gaps gaps(o);
  LowBatteryTimes times;
  for (std::size_t i = 0; i < o.iterations; ++i) {
    ReactionRig rig(o.script, readerOptions(o), policyOptions(), log);
    waitOnLine(rig);
    rig.device().inject(o.states.onBattery, true);
    await(rig.sink().waitFor(EventKind::OnBattery, 1, timeoutOf(o)), "onbatt", i, rig);
    gaps.sleep();
    const auto injected = rig.device().inject(o.states.lowBattery, !o.polling);
    const auto lowbatt =
        await(rig.sink().waitFor(EventKind::LowBattery, 1, timeoutOf(o)), "lowbatt", i, rig);
    const auto started = await(rig.pipeline().waitStarted(timeoutOf(o)), "pipeline start", i, rig);
    times.lowbatt.push_back(millisBetween(injected, lowbatt));
    times.pipeline.push_back(millisBetween(injected, started));
  }
  return times;
}

} // namespace hidupsd::bench
