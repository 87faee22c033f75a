// SPDX-License-Identifier: GPL-2.0-or-later
// DaemonDashboard: the daemon's side of serve::DashboardBackend (state, plan, history, actions).
#include "src/dashboard_backend.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "history/reader.hpp"
#include "lib/log.hpp"
#include "src/dashboard_data.hpp"
#include "src/history_service.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "dashboard";

/// A page's read of the history: it must not hold the HTTP thread for long.
history::ReaderOptions readerOptions() {
  history::ReaderOptions o;
  o.timeBudgetMs = 1000;
  o.maxRows = 1000;
  return o;
}

std::int64_t wallNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

bool supports(const UpsService& ups, const std::string& command) {
  const auto all = ups.commands();
  return std::find(all.begin(), all.end(), command) != all.end();
}

} // namespace

DaemonDashboard::DaemonDashboard(Parts parts) : parts_(std::move(parts)) {}

DaemonDashboard::~DaemonDashboard() {
  std::lock_guard lock(mutex_);
  if (testNotifier_) testNotifier_->stop(std::chrono::seconds(1));
}

std::string DaemonDashboard::status() { return parts_.status(); }

std::optional<double> DaemonDashboard::runtimeNow() const {
  if (parts_.ups == nullptr) return std::nullopt;
  const auto state = parts_.ups->state();
  if (!state.everRead || state.stale) return std::nullopt;
  return state.snapshot.number("battery.runtime");
}

std::string DaemonDashboard::plan() {
  PlanInputs in;
  in.config = &parts_.config;
  in.runtimeSeconds = runtimeNow();
  const auto inventory = parts_.keeper ? parts_.keeper->latest() : nullptr;
  in.inventory = inventory.get();
  if (inventory)
    in.inventoryAgeSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - inventory->finishedAt)
            .count();
  return planJson(in).dump() + "\n";
}

std::string DaemonDashboard::history(serve::HistoryRange range) {
  const auto& file = parts_.config.history.file;
  if (file.empty()) return noHistoryJson(range, "No history: [history] file is \"\".").dump();
  try {
    history::Reader reader(file, readerOptions());
    const double since = static_cast<double>(wallNow() - rangeWindow(range).seconds);
    const auto h =
        reader.health(healthOptions(parts_.config.history), static_cast<double>(wallNow()));
    return historyJson(range, reader.outages(since, 200), reader.tests(since, 100),
                       reader.statistics(), h)
               .dump() +
           "\n";
  } catch (const std::exception& e) {
    return noHistoryJson(range, fmt::format("The history cannot be read yet: {}", e.what()))
               .dump() +
           "\n";
  }
}

serve::ChartData DaemonDashboard::chart(std::string_view metric, serve::HistoryRange range) {
  const auto now = wallNow();
  const auto window = rangeWindow(range);
  std::vector<history::SampleRow> samples;
  std::vector<history::TransferRow> outages;
  const auto& file = parts_.config.history.file;
  if (!file.empty()) {
    try {
      history::Reader reader(file, readerOptions());
      const auto from = static_cast<double>(now - window.seconds);
      samples = reader.samples(from, static_cast<double>(now + 1), window.resolution, 1000);
      outages = reader.outages(from, 200);
    } catch (const std::exception& e) {
      log::debug(kDomain, "chart {}: history not read: {}", metric, e.what());
    }
  }
  return chartData(metric, range, samples, outages, now);
}

serve::ActionOutcome
DaemonDashboard::act(serve::DashboardAction action, const std::string& peer,
                     const std::string& /*credential: checked by the caller*/) {
  serve::ActionOutcome outcome;
  switch (action) {
  case serve::DashboardAction::TestNotification: outcome = testNotification(peer); break;
  case serve::DashboardAction::BatteryTest: outcome = batteryTest(peer); break;
  case serve::DashboardAction::BeeperMute: outcome = beeperMute(); break;
  }
  if (parts_.eventLog != nullptr)
    parts_.eventLog->appendLine(fmt::format("dashboard action {} from {}: {}{}",
                                            serve::nameOf(action), peer,
                                            outcome.ok ? "" : "failed: ", outcome.message));
  return outcome;
}

serve::ActionOutcome DaemonDashboard::testNotification(const std::string& peer) {
  if (parts_.config.notify.empty()) return {false, "no [[notify]] entry is configured"};
  std::lock_guard lock(mutex_);
  if (!testNotifier_)
    testNotifier_ =
        std::make_unique<Notifier>(parts_.config.notify, std::string(), notify::Marker::Test);
  core::Event event;
  event.kind = core::EventKind::OnBattery;
  event.time = std::chrono::steady_clock::now();
  event.reason = core::Phrase("reason.dashboard_test").with("client", peer);
  if (parts_.ups != nullptr) event.snapshot = parts_.ups->state().snapshot;
  testNotifier_->onEvent(event);
  return {true, fmt::format("test notification queued for {} sink(s), marked TEST",
                            testNotifier_->sinkCount())};
}

serve::ActionOutcome DaemonDashboard::batteryTest(const std::string& peer) {
  if (parts_.ups == nullptr) return {false, "no UPS"};
  if (!supports(*parts_.ups, "test.battery.start.quick"))
    return {false, "the UPS has no quick battery test (test.battery.start.quick)"};
  parts_.ups->startTest("quick", "dashboard " + peer);
  return {true, "quick battery test asked for: the UPS runs on battery for a few seconds"};
}

serve::ActionOutcome DaemonDashboard::beeperMute() {
  if (parts_.ups == nullptr) return {false, "no UPS"};
  for (const std::string name : {"beeper.mute", "beeper.disable"}) {
    if (!supports(*parts_.ups, name)) continue;
    const auto status = parts_.ups->instantCommand(name, "", {});
    if (status == serve::CommandStatus::Ok) return {true, name + " sent"};
    return {false, name + " failed"};
  }
  return {false, "the UPS has no beeper.mute or beeper.disable command"};
}

} // namespace hidupsd
