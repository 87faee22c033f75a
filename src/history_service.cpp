// SPDX-License-Identifier: GPL-2.0-or-later
// HistoryService: snapshots and events to the recorder, its rows to the writer.
#include "src/history_service.hpp"

#include "lib/log.hpp"
#include "notify/catalogue.hpp"

namespace hidupsd {

namespace {

double seconds(core::Clock::time_point t) { return core::Seconds(t.time_since_epoch()).count(); }

double wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

history::HealthOptions healthOptions(const HistoryConfig& h) {
  history::HealthOptions o;
  o.warnBelow = h.healthWarnBelow;
  o.lifeYears = h.batteryLife;
  return o;
}

history::WriterOptions writerOptions(const Config& config) {
  history::WriterOptions o;
  o.file = config.history.file;
  o.keepYears = config.history.keepYears;
  o.health = healthOptions(config.history);
  return o;
}

HistoryService::HistoryService(const Config& config, core::Clock& clock, ReaderListener& next,
                               history::ReplaceWarning warning)
    : clock_(clock), next_(next), writer_(writerOptions(config), std::move(warning)) {}

double HistoryService::wallAt(core::Clock::time_point t) const noexcept {
  return wallNow() - core::Seconds(clock_.now() - t).count();
}

void HistoryService::onSnapshot(const core::Snapshot& snapshot) noexcept {
  // Recorded first: the reading comes before the events it causes (an onbatt marks the
  // transfer this reading opened as announced).
  try {
    history::Items items;
    {
      const std::lock_guard lock(mutex_);
      items = recorder_.onSnapshot(snapshot, seconds(snapshot.time), wallAt(snapshot.time));
    }
    writer_.post(std::move(items));
  } catch (...) {
    // Out of memory: this reading is not recorded; the monitor gets it all the same.
  }
  next_.onSnapshot(snapshot);
}

void HistoryService::onEvent(const core::Event& event) noexcept {
  try {
    history::Items items;
    auto reason = notify::say(event.reason, notify::Language::En);
    {
      const std::lock_guard lock(mutex_);
      items = recorder_.onEvent(event, std::move(reason), wallAt(event.time));
    }
    writer_.post(std::move(items));
  } catch (...) {
    // Out of memory: not recorded.
  }
}

void HistoryService::onShed(history::ShedRow row) noexcept {
  try {
    history::Items items;
    items.emplace_back(std::move(row));
    writer_.post(std::move(items));
  } catch (...) {
    // Out of memory: not recorded.
  }
}

void HistoryService::stop(std::chrono::milliseconds grace) noexcept {
  if (std::exchange(stopped_, true)) return;
  try {
    history::Items items;
    {
      const std::lock_guard lock(mutex_);
      items = recorder_.stop(seconds(clock_.now()), wallNow());
    }
    writer_.post(std::move(items));
  } catch (...) {
    // Out of memory: the open transfer is closed at the next start instead.
  }
  writer_.stop(grace);
}

} // namespace hidupsd
