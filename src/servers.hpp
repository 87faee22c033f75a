// SPDX-License-Identifier: GPL-2.0-or-later
// Servers: the NUT-protocol server and the metrics endpoint of [serve.*], and the wait for
// secondaries.
#pragma once

#include <chrono>
#include <memory>

#include "config/config.hpp"
#include "serve/metrics_server.hpp"
#include "serve/nut_server.hpp"
#include "src/event_stats.hpp"
#include "src/history_service.hpp"
#include "src/shutdown_pipeline.hpp"

namespace hidupsd {

/// The servers the config asks for ([serve.nut], [serve.metrics]). A server
/// that cannot listen is logged as an error and left off: the monitor and
/// the shutdown must work without it. Thread rules: construct, stop() on the
/// control thread; waitForSecondaries() on the pipeline thread.
class Servers {
public:
  /// Starts them now. `backend`, `stats` and `pipeline` must outlive this.
  Servers(const Config& config, serve::UpsBackend& backend, const EventStats& stats,
          const ShutdownPipeline& pipeline, const HistoryService* history = nullptr);
  ~Servers();
  Servers(const Servers&) = delete;
  Servers& operator=(const Servers&) = delete;

  void stop() noexcept;
  /// After FSD, before this host powers off: waits until no NUT client is
  /// logged in (the other nodes' upsmon log out when they shut down), at most
  /// hostsync. Simulation: only says what it would wait for. Never throws.
  void waitForSecondaries() noexcept;
  /// The ports listened on (0: that server is off): tests use port 0.
  std::uint16_t nutPort() const noexcept;
  std::uint16_t metricsPort() const noexcept;

private:
  void startNut(const Config& config, serve::UpsBackend& backend);
  void startMetrics(const Config& config, serve::UpsBackend& backend);

  const EventStats& stats_;
  const ShutdownPipeline& pipeline_;
  const HistoryService* history_;
  bool simulation_;
  std::chrono::seconds hostsync_{0};
  std::unique_ptr<serve::NutServer> nut_;
  std::unique_ptr<serve::MetricsServer> metrics_;
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

/// The history's summary as /metrics shows it, at wall time `now`.
serve::HistoryMetrics historyMetrics(const history::Summary& summary,
                                     std::chrono::system_clock::time_point now);

/// [serve.nut] as the server's options (users and rights mapped, the log to ours).
serve::NutServerOptions nutServerOptions(const NutServerConfig& config);

} // namespace hidupsd
