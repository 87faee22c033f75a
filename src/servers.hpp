// SPDX-License-Identifier: GPL-2.0-or-later
// Servers: the NUT-protocol server and the metrics endpoint of [serve.*], and the wait for
// secondaries.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "config/config.hpp"
#include "lib/fd_budget.hpp"
#include "serve/metrics_server.hpp"
#include "serve/nut_server.hpp"
#include "src/event_stats.hpp"
#include "src/history_service.hpp"
#include "src/preflight.hpp"
#include "src/readiness.hpp"
#include "src/shutdown_pipeline.hpp"

namespace hidupsd {

/// The servers the config asks for ([serve.nut], [serve.metrics]). A server
/// that cannot listen is logged as an error and left off: the monitor and
/// the shutdown must work without it. Their connections are sized from the
/// descriptor limit (lib::planDescriptors): together they never hold more than
/// half of the free descriptors, so the shutdown always has its reserve.
/// Thread rules: construct, stop() on the control thread; waitForSecondaries()
/// on the pipeline thread.
class Servers {
public:
  /// Starts them now. `backend`, `stats`, `pipeline` and `readiness` (may be null) must
  /// outlive this.
  /// `sinks`: the notification sinks' health for /metrics (may be empty).
  Servers(const Config& config, serve::UpsBackend& backend, const EventStats& stats,
          const ShutdownPipeline& pipeline, const Readiness* readiness = nullptr,
          const HistoryService* history = nullptr,
          std::function<std::vector<core::SinkHealth>()> sinks = {});
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
  void startNut(const Config& config, serve::UpsBackend& backend, std::size_t clients);
  void startMetrics(const Config& config, serve::UpsBackend& backend, std::size_t connections);

  const EventStats& stats_;
  const ShutdownPipeline& pipeline_;
  const Readiness* readiness_;
  const HistoryService* history_;
  std::function<std::vector<core::SinkHealth>()> sinks_;
  bool simulation_;
  std::chrono::seconds hostsync_{0};
  std::unique_ptr<serve::NutServer> nut_;
  std::unique_ptr<serve::MetricsServer> metrics_;
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
};

/// The history's summary as /metrics shows it, at wall time `now`.
serve::HistoryMetrics historyMetrics(const history::Summary& summary,
                                     std::chrono::system_clock::time_point now);

/// [serve.nut] as the server's options (users and rights mapped, the log to ours; the TLS
/// context is nutTlsContext's).
serve::NutServerOptions nutServerOptions(const NutServerConfig& config);

/// [serve.nut]'s certificate and key, loaded; null without a certificate. Throws
/// serve::TlsError (unreadable, not PEM, the key not the certificate's).
std::shared_ptr<const serve::TlsContext> nutTlsContext(const NutServerConfig& config);

/// What --check-config says of them: an error when they cannot serve, or when the
/// certificate has expired or is not valid yet (clients that verify it refuse it); a warning
/// when it expires within 30 days. Empty: fine, or no certificate.
std::vector<PreflightProblem> checkNutTls(const Config& config);

/// The NUT server's connections when max_connections is not set: upsd sizes MAXCONN from the
/// descriptor limit; a UPS has a handful of clients, so past this the limit buys nothing.
inline constexpr std::size_t kDefaultNutConnections = 1024;

} // namespace hidupsd
