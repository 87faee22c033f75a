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

} // namespace

Monitor::Monitor(PolicyOptions options) noexcept : options_(options) {}

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
  applyPower(powerOf(s), now);
  applyFlags(now, out);
  fireDue(now, true, out);
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
    if (!outageStart_) outageStart_ = now;
    return;
  }
  olSince_ = now;
  if (outageStart_ && !onbattSent_) endOutage(); // a blip: it never happened
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
  rearmLowBattery();
}

void Monitor::announceOutage(TimePoint at, Events& out) {
  if (power_ != Power::OnBattery || onbattSent_) return;
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
  out.push_back(core::Event{kind, at, std::move(reason), last_, std::nullopt});
}

std::optional<Monitor::Due> Monitor::earliestDue() const {
  static constexpr std::array kTimers = {Timer::OnBattery, Timer::OnLine, Timer::AfterOnBattery,
                                         Timer::NoComm};
  std::optional<Due> best;
  for (Timer t : kTimers) {
    auto at = deadline(t);
    if (at && (!best || *at < best->at)) best = Due{t, *at};
  }
  return best;
}

std::optional<Monitor::TimePoint> Monitor::deadline(Timer t) const {
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
    if (ob && !onbattSent_) return obSince_ + options_.onBatteryDelay;
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
  case Timer::NoComm: break;
  }
  return std::nullopt;
}

} // namespace hidupsd
