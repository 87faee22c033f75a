// SPDX-License-Identifier: GPL-2.0-or-later
// Monitor: the power policy (upsmon + upssched's decisions) as a pure state machine.
#include "ups/monitor.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace hidupsd {

namespace {

using core::EventKind;
using core::Phrase;

/// A value for a phrase: "12", "12.5" (as %g).
std::string number(double v) { return fmt::format("{:g}", v); }

double secondsBetween(core::Clock::time_point from, core::Clock::time_point to) {
  return std::chrono::duration_cast<core::Seconds>(to - from).count();
}

// The catalogue's words for a test's kind and who started it (notify/messages_*.cpp).
Phrase testKindWord(const std::string& kind) {
  return Phrase(kind == "quick" || kind == "deep" ? "test.kind." + kind : "test.kind.unknown");
}
Phrase testByWord(const std::string& who) {
  return Phrase(who == "schedule" || who == "command" ? "test.by." + who : "test.by.ups");
}

} // namespace

Monitor::Monitor(PolicyOptions options) noexcept
    : options_(options), test_({options.testStartGrace, options.testHoldLimit}) {}

Monitor::Power Monitor::powerOf(const core::Snapshot& s) {
  // OB wins over a contradictory OL: the safe reading.
  if (s.hasStatus("OB")) return Power::OnBattery;
  if (s.hasStatus("OL")) return Power::OnLine;
  return Power::Unknown;
}

Monitor::Events Monitor::onSnapshot(const core::Snapshot& s, TimePoint now) {
  Events out;
  if (!commOk_) out = onCommRestored(now);
  fireDue(now, false, out); // a late tick(): those timers ran out in the old state
  if (stale_) {
    stale_ = false;
    resumeAt_ = now;
  }
  last_ = s;
  const auto test = test_.onSnapshot(s, now);
  if (test.started) testStarted(*test.started, now, out);
  applyPower(powerOf(s), now);
  if (test.finished) testFinished(*test.finished, now, out);
  beginHeldOutage(now);
  applyFlags(now, out);
  fireDue(now, true, out);
  checkForcedShutdown(now, out);
  checkCritical(now, out);
  return out;
}

Monitor::Events Monitor::onCommLost(TimePoint now, std::string error) {
  Events out;
  if (!commOk_) return out;
  fireDue(now, false, out);
  commOk_ = false;
  stale_ = true;
  commBadSent_ = true;
  nocommSent_ = false;
  commLostAt_ = now;
  emit(out, EventKind::CommBad, now, Phrase("reason.comm_lost").with("error", std::move(error)));
  // upsmon's rule: an unreachable UPS that was last seen on battery is critical.
  if (power_ == Power::OnBattery || (outageStart_ && onbattSent_))
    shutdown(now, Phrase("reason.unreachable_on_battery"), out);
  return out;
}

Monitor::Events Monitor::onCommRestored(TimePoint now) {
  Events out;
  if (commOk_) return out;
  commOk_ = true;
  if (commBadSent_)
    emit(out, EventKind::CommOk, now,
         Phrase("reason.comm_restored").with("seconds", number(secondsBetween(commLostAt_, now))));
  commBadSent_ = false;
  return out;
}

Monitor::Events Monitor::tick(TimePoint now) {
  Events out;
  fireDue(now, true, out);
  return out;
}

std::optional<Monitor::TimePoint> Monitor::nextDeadline() const {
  auto due = earliestDue();
  if (!due) return std::nullopt;
  return due->at;
}

void Monitor::applyPower(Power p, TimePoint now) {
  if (p == Power::Unknown || p == power_) return;
  power_ = p;
  if (p == Power::OnBattery) {
    obSince_ = now;
    if (!outageStart_ && !held()) outageStart_ = now;
    return;
  }
  olSince_ = now;
  if (outageStart_ && !onbattSent_) endOutage(); // a blip: it never happened
}

bool Monitor::held() const { return test_.active() && !mainsAbsent(last_); }

// On battery without an outage: the test held it. No longer held: the outage starts now.
void Monitor::beginHeldOutage(TimePoint now) {
  if (power_ != Power::OnBattery || outageStart_ || held()) return;
  outageStart_ = now;
  obSince_ = now;
}

Monitor::Events Monitor::onTestRequested(TimePoint now, std::string kind, std::string who) {
  Events out;
  fireDue(now, false, out);
  if (const auto info = test_.request(now, std::move(kind), std::move(who)))
    testStarted(*info, now, out);
  return out;
}

Monitor::Events Monitor::onTestFailed(TimePoint now, std::string why) {
  Events out;
  if (const auto info = test_.cancel(std::move(why))) testFinished(*info, now, out);
  beginHeldOutage(now);
  return out;
}

void Monitor::testStarted(const core::TestInfo& info, TimePoint now, Events& out) {
  // The UPS's test status came a poll after its OB: that OB was the test's, not an outage.
  if (outageStart_ && !onbattSent_ && held()) outageStart_.reset();
  emit(out, EventKind::TestStarted, now,
       Phrase("reason.test_started")
           .with("kind", testKindWord(info.kind))
           .with("who", testByWord(info.startedBy)));
  out.back().test = info;
}

void Monitor::testFinished(const core::TestInfo& info, TimePoint now, Events& out) {
  emit(out, EventKind::TestFinished, now,
       Phrase("reason.test_finished").with("result", info.result));
  out.back().test = info;
}

void Monitor::applyFlags(TimePoint now, Events& out) {
  if (!last_.get("ups.status")) return;
  latchFlag("RB", replbattSent_, EventKind::ReplaceBattery, now, "reason.replace_battery", out);
  latchFlag("OVER", overloadSent_, EventKind::Overload, now, "reason.overload", out);
  rearmLowBattery();
}

void Monitor::latchFlag(const char* flag, bool& sent, EventKind kind, TimePoint now,
                        const char* reasonKey, Events& out) {
  const bool present = last_.hasStatus(flag);
  if (present && !sent) emit(out, kind, now, Phrase(reasonKey));
  sent = present;
}

void Monitor::rearmLowBattery() {
  if (!outageStart_ && last_.get("ups.status") && !last_.hasStatus("LB")) lowbattSent_ = false;
}

// upsmon's rule: FSD is critical whatever the power says (a primary set it: it powers off
// after its HOSTSYNC, on mains or not).
void Monitor::checkForcedShutdown(TimePoint now, Events& out) {
  if (shutdown_ || !last_.hasStatus("FSD")) return;
  emit(out, EventKind::Fsd, now, Phrase("reason.fsd_status"));
  shutdown(now, Phrase("reason.fsd_status"), out);
}

void Monitor::checkCritical(TimePoint now, Events& out) {
  if (power_ != Power::OnBattery) return;
  checkLowBattery(now, out);
  if (!shutdown_) checkThresholds(now, out);
}

void Monitor::checkLowBattery(TimePoint now, Events& out) {
  if (lowbattSent_ || !last_.hasStatus("LB")) return;
  lowbattSent_ = true;
  announceOutage(now, out);
  emit(out, EventKind::LowBattery, now, Phrase("reason.low_battery"));
  if (options_.shutdownOnLowBattery) shutdown(now, Phrase("reason.low_battery"), out);
}

void Monitor::checkThresholds(TimePoint now, Events& out) {
  const double chargeMin = options_.shutdownChargeBelow;
  const auto charge = last_.number("battery.charge");
  if (chargeMin > 0 && charge && *charge < chargeMin)
    return shutdown(now,
                    Phrase("reason.charge_below")
                        .with("charge", number(*charge))
                        .with("limit", number(chargeMin)),
                    out);
  const auto runtimeMin = options_.shutdownRuntimeBelow.count();
  const auto runtime = last_.number("battery.runtime");
  if (runtimeMin > 0 && runtime && *runtime < static_cast<double>(runtimeMin))
    shutdown(now,
             Phrase("reason.runtime_below")
                 .with("runtime", number(*runtime))
                 .with("limit", std::to_string(runtimeMin)),
             out);
}

void Monitor::fireDue(TimePoint now, bool inclusive, Events& out) {
  // Each firing disarms its timer; the bound only guards against a bug.
  for (int i = 0; i < 8; ++i) {
    auto due = earliestDue();
    if (!due || due->at > now || (!inclusive && due->at == now)) return;
    fire(*due, out);
  }
}

void Monitor::fire(const Due& due, Events& out) {
  switch (due.timer) {
  case Timer::OnBattery:
    onbattSent_ = true;
    emit(out, EventKind::OnBattery, due.at,
         Phrase("reason.on_battery")
             .with("seconds", std::to_string(options_.onBatteryDelay.count())));
    return;
  case Timer::OnLine:
    emit(out, EventKind::Online, due.at,
         Phrase("reason.mains_back")
             .with("seconds", std::to_string(options_.onlineDelay.count()))
             .with("outage", fmt::format("{:.1f}", secondsBetween(*outageStart_, olSince_))));
    return endOutage();
  case Timer::AfterOnBattery:
    return shutdown(due.at,
                    Phrase("reason.after_on_battery")
                        .with("seconds", number(secondsBetween(*outageStart_, due.at)))
                        .with("limit", std::to_string(options_.shutdownAfterOnBattery.count())),
                    out);
  case Timer::Test:
    if (const auto info = test_.tick(due.at)) testFinished(*info, due.at, out);
    return beginHeldOutage(due.at);
  case Timer::NoComm:
    nocommSent_ = true;
    emit(out, EventKind::NoComm, due.at,
         Phrase("reason.no_comm").with("seconds", number(secondsBetween(commLostAt_, due.at))));
    return;
  }
}

void Monitor::endOutage() {
  outageStart_.reset();
  onbattSent_ = false;
  if (options_.rearmShutdown) shutdown_ = false;
  rearmLowBattery();
}

void Monitor::announceOutage(TimePoint at, Events& out) {
  if (power_ != Power::OnBattery || onbattSent_) return;
  if (!outageStart_) outageStart_ = at; // critical during a test: an outage after all
  onbattSent_ = true;
  emit(out, EventKind::OnBattery, at, Phrase("reason.on_battery_critical"));
}

Monitor::Events Monitor::onForcedShutdown(TimePoint now, Phrase reason) {
  Events out;
  if (shutdown_) return out;
  emit(out, EventKind::Fsd, now, reason);
  shutdown(now, std::move(reason), out);
  return out;
}

void Monitor::shutdown(TimePoint at, Phrase reason, Events& out) {
  if (shutdown_) return;
  announceOutage(at, out);
  shutdown_ = true;
  emit(out, EventKind::Shutdown, at, std::move(reason));
}

void Monitor::emit(Events& out, EventKind kind, TimePoint at, Phrase reason) const {
  out.push_back(core::Event{kind, at, std::move(reason), last_, std::nullopt, std::nullopt});
}

std::optional<Monitor::Due> Monitor::earliestDue() const {
  static constexpr std::array kTimers = {Timer::OnBattery, Timer::OnLine, Timer::AfterOnBattery,
                                         Timer::NoComm, Timer::Test};
  std::optional<Due> best;
  for (Timer t : kTimers) {
    auto at = deadline(t);
    if (at && (!best || *at < best->at)) best = Due{t, *at};
  }
  return best;
}

std::optional<Monitor::TimePoint> Monitor::deadline(Timer t) const {
  if (t == Timer::Test) return test_.deadline();
  if (t == Timer::NoComm) {
    if (commOk_ || nocommSent_ || options_.nocommWarnTime.count() == 0) return std::nullopt;
    return commLostAt_ + options_.nocommWarnTime;
  }
  if (stale_) return std::nullopt;
  auto at = powerDeadline(t);
  if (at && resumeAt_) at = std::max(*at, *resumeAt_);
  return at;
}

std::optional<Monitor::TimePoint> Monitor::powerDeadline(Timer t) const {
  const bool ob = power_ == Power::OnBattery;
  switch (t) {
  case Timer::OnBattery:
    if (ob && outageStart_ && !onbattSent_) return obSince_ + options_.onBatteryDelay;
    break;
  case Timer::OnLine:
    if (power_ == Power::OnLine && outageStart_ && onbattSent_)
      return olSince_ + options_.onlineDelay;
    break;
  case Timer::AfterOnBattery:
    // Mains back at the deadline: it waits for the next OB of the outage.
    if (ob && outageStart_ && !shutdown_ && options_.shutdownAfterOnBattery.count() > 0)
      return std::max(*outageStart_ + options_.shutdownAfterOnBattery, obSince_);
    break;
  case Timer::NoComm:
  case Timer::Test: break;
  }
  return std::nullopt;
}

} // namespace hidupsd
