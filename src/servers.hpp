// SPDX-License-Identifier: GPL-2.0-or-later
// Servers: the NUT-protocol server and the HTTP server of [serve.*] (in the listener process),
// and the root side's wait for secondaries.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "config/config.hpp"
#include "history/records.hpp"
#include "lib/fd_budget.hpp"
#include "serve/dashboard.hpp"
#include "serve/metrics_server.hpp"
#include "serve/nut_server.hpp"
#include "src/preflight.hpp"

namespace hidupsd {

/// The servers the config asks for ([serve.nut], [serve.metrics] with its dashboard), as the
/// listener process runs them (src/listener.hpp): the constructor binds (as root, before the
/// listener drops its privileges), start() starts their threads (after). A server that cannot
/// listen is logged as an error and left off. Their connections are sized from the listener's
/// own descriptor limit (lib::planDescriptors).
/// Thread rules: construct, start(), stop() on one thread; loginCount() from any.
class Servers {
public:
  /// Checks made elsewhere (the listener: by the daemon's root side, which holds the secrets);
  /// unset: from the config's users and action credential.
  struct Checks {
    std::function<serve::NutDenial(const std::string*, const std::string*, serve::NutAction)>
        nutUser;
    std::function<bool(const std::string&)> actionCredential;
    std::string actionKind; ///< "token", "password", "token or password" (with actionCredential)
  };

  /// `backend`, `metrics` (called on the HTTP thread for each scrape) and `dashboard` (may be
  /// null: no dashboard) must outlive this.
  Servers(const Config& config, serve::UpsBackend& backend,
          std::function<serve::MetricsData()> metrics, serve::DashboardBackend* dashboard,
          Checks checks = {});
  ~Servers();
  Servers(const Servers&) = delete;
  Servers& operator=(const Servers&) = delete;

  void start();
  void stop() noexcept;
  /// NUT clients logged in now (0 without a NUT server).
  std::size_t loginCount() const noexcept;
  /// The ports listened on (0: that server is off): tests use port 0.
  std::uint16_t nutPort() const noexcept;
  std::uint16_t metricsPort() const noexcept;

private:
  void makeNut(const Config& config, serve::UpsBackend& backend, std::size_t clients);
  void makeMetrics(const Config& config, std::size_t connections);

  std::function<serve::MetricsData()> metricsSource_;
  Checks checks_;
  std::unique_ptr<serve::NutServer> nut_;
  std::unique_ptr<serve::MetricsServer> metrics_;
  serve::DashboardBackend* dashboardBackend_;
  std::unique_ptr<serve::Dashboard> dashboard_; // its routes on metrics_'s server
  std::vector<std::string> started_;            // what start() logs
};

/// After FSD, before this host powers off: waits until no NUT client is logged in (the other
/// nodes' upsmon log out when they shut down), at most `hostsync`; `logins` says how many are,
/// nullopt when nobody knows (the listener is restarting: its clients may come back, or not):
/// then the wait goes on to its end. Simulation: only says what it would wait for. Never
/// throws.
void waitForSecondaries(const std::function<std::optional<std::size_t>()>& logins,
                        std::chrono::seconds hostsync, bool simulation) noexcept;

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
