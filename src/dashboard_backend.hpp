// SPDX-License-Identifier: GPL-2.0-or-later
// DaemonDashboard: the daemon's side of serve::DashboardBackend (state, plan, history, actions).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "proxmox/inventory_keeper.hpp"
#include "serve/dashboard.hpp"
#include "src/event_log.hpp"
#include "src/notifier.hpp"
#include "src/ups_service.hpp"

namespace hidupsd {

/// What the dashboard reads and does, through the daemon's own paths: the state is the daemon
/// state's JSON (the one rendering, `status`); the plan is made from the keeper's latest guest
/// list with the pipeline's own functions; the history is read from the [history] file
/// (history::Reader: bounded in rows and time). A test notification goes to every [[notify]]
/// sink marked TEST (a notifier of its own: the daemon's queue is not touched); a battery test
/// through UpsService::startTest (held as a test, not an outage); the beeper through the same
/// instant command as upscmd (bounded by its timeout). Every action is written to the event
/// log. Thread rules: any thread; the references must outlive it.
class DaemonDashboard final : public serve::DashboardBackend {
public:
  struct Parts {
    Config config;                       ///< a copy, from the start
    UpsService* ups = nullptr;           ///< may be null (tests): no actions on the UPS
    std::function<std::string()> status; ///< the daemon state as JSON
    std::shared_ptr<proxmox::InventoryKeeper> keeper; ///< may be null: no guest list
    EventLog* eventLog = nullptr;
  };
  explicit DaemonDashboard(Parts parts);
  ~DaemonDashboard() override;

  std::string status() override;
  std::string history(serve::HistoryRange range) override;
  std::string plan() override;
  serve::ChartData chart(std::string_view metric, serve::HistoryRange range) override;
  serve::ActionOutcome act(serve::DashboardAction action, const std::string& peer,
                           const std::string& credential) override;

private:
  serve::ActionOutcome beeperMute();
  serve::ActionOutcome batteryTest(const std::string& peer);
  serve::ActionOutcome testNotification(const std::string& peer);
  std::optional<double> runtimeNow() const;

  Parts parts_;
  std::mutex mutex_;
  std::unique_ptr<Notifier> testNotifier_; // guarded; made at the first test
};

} // namespace hidupsd
