// SPDX-License-Identifier: GPL-2.0-or-later
// Monitor: the power policy (upsmon + upssched's decisions) as a pure state machine.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/snapshot.hpp"
#include "ups/battery_test.hpp"

namespace hidupsd {

/// The [policy] settings, in seconds; a 0 turns the feature off where noted.
struct PolicyOptions {
  std::chrono::seconds onBatteryDelay{5};         ///< OB this long before onbatt; 0 = at once
  std::chrono::seconds onlineDelay{5};            ///< OL this long (after an onbatt) before online
  bool shutdownOnLowBattery = true;               ///< UPS LB (or ShutdownImminent) → shutdown
  double shutdownChargeBelow = 0;                 ///< %, 0 = off
  std::chrono::seconds shutdownRuntimeBelow{0};   ///< 0 = off
  std::chrono::seconds shutdownAfterOnBattery{0}; ///< 0 = off
  std::chrono::seconds commsLostTimeout{15};      ///< the reader's wait before onCommLost
  std::chrono::seconds nocommWarnTime{300};       ///< comms lost this long → nocomm; 0 = off
  std::chrono::seconds testStartGrace{30};        ///< a test we asked for must show running by then
  std::chrono::seconds testHoldLimit{900};        ///< [battery_test] max_duration: the longest hold
  /// Several UPSes: this UPS's shutdown is a vote the host weighs (SupplyBoard), not the host's
  /// shutdown: it is re-armed when its outage ends (online), so the next outage votes again.
  bool rearmShutdown = false;
};

/// Turns snapshots, communication state and the passing of time into
/// events. Pure: time is passed in, nothing is read, logged or spawned.
/// Not thread-safe: one thread (the daemon's) calls every method.
///
/// Power (from ups.status; absent, or without OL/OB, = unknown: no power
/// transition, timers keep their state):
/// - onbatt: OB continuously for onBatteryDelay → one onbatt, stamped
///   first OB + delay (at once if the delay is 0). OL before that: the
///   blip ends silently (no onbatt, no online) and so does the outage.
/// - online: after an onbatt, OL continuously for onlineDelay → one
///   online and the outage ends. OB again before that
///   cancels it: the outage goes on, no second onbatt (hysteresis).
/// - An outage starts at the first OB after mains and lasts until the
///   silent blip end or the online above; outageStart() gives its start.
/// Critical (checked on every snapshot that says OB, before onbatt was
/// dispatched too: safety first; a pending onbatt is then emitted first,
/// at the same time, so notifications read onbatt, lowbatt, shutdown):
/// - lowbatt: OB with LB (the model's LB also covers ShutdownImminent and
///   RemainingTimeLimitExpired) → one lowbatt, then shutdown ("UPS reports
///   low battery") if shutdownOnLowBattery. Re-armed once LB is clear and
///   no outage is in progress. LB on mains (recharging after an outage)
///   is not critical, as in upsmon (OB + LB): no event, no boot loop.
/// - battery.charge < shutdownChargeBelow, battery.runtime <
///   shutdownRuntimeBelow → shutdown naming value and threshold.
/// - shutdownAfterOnBattery since outageStart() → shutdown, stamped at the
///   deadline; if mains are back (online pending) at that moment it fires
///   at the next OB of the same outage.
/// Communication:
/// - onCommLost → one commbad; nocommWarnTime later (tick) → one nocomm;
///   onCommRestored → commok. A snapshot while comm is lost restores it
///   first. Fail-safe (as upsmon with an unreachable UPS on battery): last
///   state OB, or an announced outage whose online is pending → shutdown
///   ("UPS unreachable while on battery"). On mains: commbad only.
/// - Power timers do not fire while comm is lost, nor after a restore
///   until a snapshot came: one that came due meanwhile fires at that
///   snapshot's time if the snapshot still agrees.
/// Forced shutdown: FSD in ups.status (a followed NUT primary set it) →
/// fsd, then shutdown at once, on battery or not (upsmon's rule).
/// Status: RB appears → one replbatt, OVER appears → one overload; each is
/// re-armed when its flag clears.
/// Battery tests (TestWatch): a test runs from onTestRequested() (ours), or
/// from the snapshot whose ups.test.result says "In progress" or whose
/// status has CAL (the UPS's), to its end (startselftest, endselftest with
/// the result). A test is not an outage: OB while it runs starts no outage
/// (no onbatt, no shutdown_after_on_battery), and an outage whose onbatt is
/// still pending when the test shows ends silently, as a blip. Safety first:
/// LB and the charge/runtime thresholds shut down as always, and the hold is
/// released (an outage starts then) when mains are visibly gone
/// (mainsAbsent), when the test ends while still OB, or at testHoldLimit.
/// Shutdown: at most one, ever (rearmShutdown: at most one per outage). Afterwards
/// (shutdownStarted()) the monitor still reports comm and power events (mains back → online) but no
/// second shutdown. Every shutdown happens in an outage and forces out its
/// pending onbatt first, so its online always follows.
/// Every event carries its time (the call's `now`, or the exact deadline
/// for timer-driven ones), the last snapshot and a reason text.
class Monitor {
public:
  using TimePoint = core::Clock::time_point;
  using Events = std::vector<core::Event>;

  explicit Monitor(PolicyOptions options) noexcept;

  /// A new reading. Fires timers that were due strictly before `now` (a
  /// late tick()), applies `s`, then fires those due at `now`, then checks
  /// the critical conditions.
  Events onSnapshot(const core::Snapshot& s, TimePoint now);
  /// The reader gave up on the UPS (it already waited commsLostTimeout).
  /// `error` (the reader's last one) goes into the commbad event's reason.
  /// No-op if already lost.
  Events onCommLost(TimePoint now, std::string error);
  /// The UPS answers again. No-op if comm was not lost.
  Events onCommRestored(TimePoint now);
  /// Fires every timer due at or before `now`, in deadline order.
  Events tick(TimePoint now);
  /// A NUT client with the fsd right sent FSD: fsd, then shutdown (unless
  /// one already happened; at most one shutdown, as always).
  Events onForcedShutdown(TimePoint now, core::Phrase reason);
  /// We asked the UPS for a battery test (`kind` "quick"/"deep", `who`
  /// "schedule"/"command"): startselftest now, the hold starts before the
  /// UPS goes on battery. No-op while a test runs.
  Events onTestRequested(TimePoint now, std::string kind, std::string who);
  /// The test command failed: endselftest with `why`.
  Events onTestFailed(TimePoint now, std::string why);
  /// When tick() must run next, if a timer is armed (may be in the past,
  /// e.g. after setOptions shortened a delay: then call tick() at once).
  std::optional<TimePoint> nextDeadline() const;
  /// Latched once a shutdown event is out.
  bool shutdownStarted() const noexcept { return shutdown_; }
  /// SIGHUP reload: keeps the state; timers are re-derived from it with
  /// the new values (a deadline already past fires at the next tick()).
  void setOptions(PolicyOptions options) noexcept {
    options_ = options;
    test_.setLimits({options.testStartGrace, options.testHoldLimit});
  }

  const PolicyOptions& options() const noexcept { return options_; }
  /// The last ups.status said OB.
  bool onBattery() const noexcept { return power_ == Power::OnBattery; }
  /// onbatt was dispatched for the current outage.
  bool onBatteryAnnounced() const noexcept { return onbattSent_; }
  bool commOk() const noexcept { return commOk_; }
  /// A battery test runs (ours or the UPS's).
  bool testRunning() const noexcept { return test_.active(); }
  /// First OB of the current outage, if one is in progress.
  std::optional<TimePoint> outageStart() const noexcept { return outageStart_; }
  /// The last snapshot given to onSnapshot (empty before the first).
  const core::Snapshot& lastSnapshot() const noexcept { return last_; }

private:
  enum class Power { Unknown, OnLine, OnBattery };
  enum class Timer { OnBattery, OnLine, AfterOnBattery, NoComm, Test };
  struct Due {
    Timer timer;
    TimePoint at;
  };

  static Power powerOf(const core::Snapshot& s);
  void applyPower(Power p, TimePoint now);
  void applyFlags(TimePoint now, Events& out);
  void latchFlag(const char* flag, bool& sent, core::EventKind kind, TimePoint now,
                 const char* reasonKey, Events& out);
  void checkForcedShutdown(TimePoint now, Events& out);
  void checkCritical(TimePoint now, Events& out);
  void checkLowBattery(TimePoint now, Events& out);
  void checkThresholds(TimePoint now, Events& out);
  void fireDue(TimePoint now, bool inclusive, Events& out);
  void fire(const Due& due, Events& out);
  void endOutage();
  void shutdown(TimePoint at, core::Phrase reason, Events& out);
  void emit(Events& out, core::EventKind kind, TimePoint at, core::Phrase reason) const;

  std::optional<Due> earliestDue() const;
  std::optional<TimePoint> deadline(Timer t) const;
  std::optional<TimePoint> powerDeadline(Timer t) const;
  void announceOutage(TimePoint at, Events& out);
  void rearmLowBattery();
  bool held() const;
  void beginHeldOutage(TimePoint now);
  void testStarted(const core::TestInfo& info, TimePoint now, Events& out);
  void testFinished(const core::TestInfo& info, TimePoint now, Events& out);

  PolicyOptions options_;
  core::Snapshot last_;
  Power power_ = Power::Unknown;
  TimePoint obSince_{};                  ///< start of the current OB run
  TimePoint olSince_{};                  ///< start of the current OL run
  std::optional<TimePoint> outageStart_; ///< first OB of the outage
  std::optional<TimePoint> resumeAt_;    ///< first snapshot after a comm loss
  bool stale_ = false;                   ///< comm lost, no snapshot since: power timers off
  bool onbattSent_ = false;
  bool lowbattSent_ = false;
  bool replbattSent_ = false;
  bool overloadSent_ = false;
  bool shutdown_ = false;
  bool commOk_ = true;
  bool commBadSent_ = false;
  bool nocommSent_ = false;
  TimePoint commLostAt_{};
  TestWatch test_;
};

} // namespace hidupsd
