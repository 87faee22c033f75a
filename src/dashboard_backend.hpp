// SPDX-License-Identifier: GPL-2.0-or-later
// DaemonDashboard: the daemon's side of serve::DashboardBackend (state, plan, history, actions).
#pragma once

#include <chrono>
#include <string>

#include "config/config.hpp"
#include "serve/dashboard.hpp"
#include "serve/ups_backend.hpp"
#include "src/event_log.hpp"
#include "src/notifier.hpp"
#include "src/readiness.hpp"
#include "src/shutdown_pipeline.hpp"

namespace hidupsd {

/// What the dashboard reads and does, through the daemon's own paths: the UPS state the NUT
/// server serves (UpsService), the preflight's verdict, the pipeline; a test notification goes
/// through the daemon's notifier (marked TEST), a battery test and the beeper through the same
/// instant commands as upscmd (UpsService, bounded by its timeout). Every action is written to
/// the event log. Thread rules: any thread; the references must outlive it.
class DaemonDashboard final : public serve::DashboardBackend {
public:
  struct Parts {
    Config config; ///< a copy: the pipeline's, from the start ([shutdown] needs a restart)
    serve::UpsBackend& ups;
    const ShutdownPipeline& pipeline;
    const Readiness* readiness = nullptr;
    Notifier* notifier = nullptr;
    EventLog* eventLog = nullptr;
  };
  explicit DaemonDashboard(Parts parts);

  std::string status() override;
  std::string history(serve::HistoryRange range) override;
  std::string plan() override;
  serve::ChartData chart(std::string_view metric, serve::HistoryRange range) override;
  serve::ActionOutcome act(serve::DashboardAction action, const std::string& peer) override;

private:
  serve::ActionOutcome command(const std::string& name, const std::string& done);
  serve::ActionOutcome testNotification(const std::string& peer);

  Parts parts_;
  std::string host_;
  std::string upsName_;
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

} // namespace hidupsd
