// SPDX-License-Identifier: GPL-2.0-or-later
// EventHistory and daemonState(): the daemon's parts, copied into one core::DaemonState.
#include "src/daemon_status.hpp"

#include "hidupsd_config.hpp"
#include "notify/catalogue.hpp"
#include "src/notifier.hpp"

namespace hidupsd {

void EventHistory::onEvent(const core::Event& event) noexcept {
  try {
    core::EventRecord r;
    r.event = std::string(core::eventName(event.kind));
    r.time = std::chrono::system_clock::now();
    r.reason = notify::say(event.reason, notify::Language::En);
    r.reasonKey = event.reason.key;
    std::lock_guard lock(mutex_);
    if (event.kind == core::EventKind::OnBattery && !onBatterySince_)
      onBatterySince_ = r.time - onBatteryDelay_;
    if (event.kind == core::EventKind::Online) onBatterySince_.reset();
    events_.push_back(std::move(r));
    if (events_.size() > core::kLastEvents) events_.pop_front();
  } catch (...) {
    // Out of memory: this event is missing from --status; nothing else is affected.
  }
}

std::vector<core::EventRecord> EventHistory::events() const {
  std::lock_guard lock(mutex_);
  return {events_.begin(), events_.end()};
}

std::optional<core::WallTime> EventHistory::onBatterySince() const {
  std::lock_guard lock(mutex_);
  return onBatterySince_;
}

namespace {

core::WallTime wallOf(history::WallTime seconds) {
  return core::WallTime(
      std::chrono::duration_cast<core::WallTime::duration>(std::chrono::duration<double>(seconds)));
}

std::optional<core::WallTime> wallOf(const std::optional<history::WallTime>& seconds) {
  return seconds ? std::optional(wallOf(*seconds)) : std::nullopt;
}

} // namespace

core::HistoryView historyView(const history::Summary& summary) {
  core::HistoryView h;
  h.writable = summary.store.writable;
  h.problem = summary.store.problem;
  const auto& s = summary.statistics;
  h.transfers = s.transfers;
  h.blips = s.blips;
  h.onBatterySeconds = s.onBatterySeconds;
  h.since = wallOf(s.since);
  if (s.last) {
    h.lastOutage = wallOf(s.last->start);
    h.lastOutageSeconds = s.last->duration;
    h.lastOutageReason = s.last->reason;
  }
  h.healthScore = summary.health.score;
  h.replaceBattery = summary.health.replace;
  if (summary.lastTest) {
    h.lastTest = wallOf(summary.lastTest->start);
    h.lastTestResult = summary.lastTest->result;
  }
  return h;
}

core::ReadinessState readinessState(const PreflightReport& report,
                                    std::optional<core::WallTime> checkedAt) {
  core::ReadinessState r;
  r.ready = report.ready();
  r.checkedAt = checkedAt;
  for (const auto& p : report.problems)
    (p.error ? r.errors : r.warnings).push_back(p.text);
  return r;
}

namespace {

core::UpsView upsView(const std::string& name, const serve::UpsBackend* backend) {
  core::UpsView v;
  v.name = name;
  if (backend == nullptr) return v;
  const auto ups = backend->state();
  v.everRead = ups.everRead;
  v.commOk = ups.everRead && !ups.stale;
  v.variables = ups.snapshot.variables;
  return v;
}

} // namespace

core::DaemonState daemonState(const StatusParts& parts) {
  core::DaemonState s;
  s.source = "daemon";
  s.version = HIDUPSD_VERSION;
  s.host = hostName();
  s.startedAt = parts.startedAt;
  s.simulation = parts.simulation;
  s.ups = upsView(parts.upsName, parts.backend);
  for (const auto& [name, backend] : parts.moreUps)
    s.moreUps.push_back(upsView(name, backend));
  if (parts.supplies) s.supplies = parts.supplies();
  if (parts.pipeline != nullptr) s.pipeline = parts.pipeline->state();
  if (parts.readiness != nullptr) {
    if (const auto report = parts.readiness->report())
      s.readiness = readinessState(*report, parts.readiness->checkedAt());
  }
  if (parts.history != nullptr) {
    s.lastEvents = parts.history->events();
    s.ups.onBatterySince = parts.history->onBatterySince();
  }
  if (parts.sinks) s.notifications = parts.sinks();
  if (parts.dropped) s.notificationsDropped = parts.dropped();
  if (parts.historyView) s.history = parts.historyView();
  return s;
}

} // namespace hidupsd
