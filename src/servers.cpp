// SPDX-License-Identifier: GPL-2.0-or-later
// Servers: [serve.nut] and [serve.metrics] from the config; both optional, neither fatal.
// They run in the listener process; waitForSecondaries runs on the root side.
#include "src/servers.hpp"

#include <thread>

#include <fmt/format.h>

#include "hidupsd_config.hpp"
#include "lib/log.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "serve";

serve::NutUserEntry userEntry(const NutUser& u) {
  serve::NutUserEntry e;
  e.name = u.name;
  e.password = u.password;
  for (const auto r : u.rights) {
    switch (r) {
    case NutRight::Secondary: e.login = true; break;
    case NutRight::Primary: e.primary = true; break;
    case NutRight::Fsd: e.fsd = true; break;
    case NutRight::Instcmd: e.instcmd = true; break;
    case NutRight::Set: e.set = true; break;
    }
  }
  return e;
}

/// "; allow 192.168.1.0/24, ::1" for a server with an allow-list, "" for one open to all.
std::string allowText(const std::vector<lib::IpNetwork>& allow) {
  std::string out;
  for (const auto& n : allow)
    out += (out.empty() ? "; allow " : ", ") + lib::ipNetworkText(n);
  return out;
}

/// "; STARTTLS (CN=pve1, valid until 2027-12-07 04:00:00 UTC), required from other hosts"
/// or "".
std::string tlsText(const serve::TlsContext* tls, bool required) {
  if (tls == nullptr) return "";
  const auto& c = tls->certificate();
  return fmt::format("; STARTTLS ({}, valid until {}){}", c.subject, c.notAfter,
                     required ? ", required from other hosts" : "");
}

/// Why clients that verify the certificate refuse it, or "".
std::string unusable(const serve::CertificateInfo& c) {
  if (c.expired) return fmt::format("expired on {}", c.notAfter);
  if (c.notYetValid) return fmt::format("is not valid before {}", c.notBefore);
  return "";
}

} // namespace

serve::NutServerOptions nutServerOptions(const NutServerConfig& c) {
  serve::NutServerOptions o;
  o.host = c.listen.host;
  o.port = c.listen.port;
  o.service.upsName = c.name;
  o.service.description = "hidupsd on " + std::string(c.name);
  o.service.version = HIDUPSD_VERSION;
  o.allow = c.allow;
  o.service.requireTls = c.requireTls;
  for (const auto& u : c.users)
    o.service.users.push_back(userEntry(u));
  return o;
}

std::shared_ptr<const serve::TlsContext> nutTlsContext(const NutServerConfig& c) {
  if (c.certificate.empty()) return nullptr;
  return std::make_shared<const serve::TlsContext>(c.certificate, c.keyPem, c.key);
}

std::vector<PreflightProblem> checkNutTls(const Config& config) {
  if (!config.nut || config.nut->certificate.empty()) return {};
  const auto& path = config.nut->certificate;
  try {
    const auto tls = nutTlsContext(*config.nut);
    const auto& c = tls->certificate();
    if (const auto why = unusable(c); !why.empty())
      return {{true, fmt::format("[serve.nut] certificate {} ({}) {}: clients that verify it "
                                 "(upsmon's CERTVERIFY 1) refuse it",
                                 path, c.subject, why)}};
    if (c.expiresSoon)
      return {{false, fmt::format("[serve.nut] certificate {} ({}) expires on {}: renew it", path,
                                  c.subject, c.notAfter)}};
  } catch (const serve::TlsError& e) {
    return {{true, fmt::format("[serve.nut] {}", e.what())}};
  }
  return {};
}

serve::HistoryMetrics historyMetrics(const history::Summary& summary,
                                     std::chrono::system_clock::time_point now) {
  using std::chrono::system_clock;
  const auto at = [](double t) {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(core::Seconds(t)));
  };
  const auto& st = summary.statistics;
  serve::HistoryMetrics h;
  h.loaded = summary.store.loaded;
  h.ok = summary.store.writable;
  h.outages = static_cast<std::uint64_t>(st.transfers);
  h.blips = static_cast<std::uint64_t>(st.blips);
  h.onBatterySeconds = st.onBatterySeconds;
  if (st.onBatterySince)
    h.onBatterySeconds += std::max(0.0, core::Seconds(now - at(*st.onBatterySince)).count());
  h.tests = static_cast<std::uint64_t>(st.tests);
  h.testsFailed = static_cast<std::uint64_t>(st.testsFailed);
  if (st.last) {
    h.lastOutageSeconds = st.last->duration;
    h.lastOutageStart = at(st.last->start);
  }
  if (st.since) h.since = at(*st.since);
  if (summary.health.score) h.healthRatio = *summary.health.score / 100.0;
  h.replaceBattery = summary.health.replace;
  h.dropped = summary.store.dropped;
  h.writeErrors = summary.store.writeErrors;
  return h;
}

Servers::Servers(const Config& config, serve::UpsBackend& backend,
                 std::function<serve::MetricsData()> metrics, serve::DashboardBackend* dashboard,
                 Checks checks)
    : metricsSource_(std::move(metrics)), checks_(std::move(checks)), dashboardBackend_(dashboard) {
  const std::size_t nutWanted = !config.nut ? 0
                                : config.nut->maxConnections > 0
                                    ? static_cast<std::size_t>(config.nut->maxConnections)
                                    : kDefaultNutConnections;
  const std::size_t httpWanted =
      config.metrics ? static_cast<std::size_t>(config.metrics->maxConnections) : 0;
  const auto use = lib::currentDescriptorUse();
  const auto plan = lib::planDescriptors(use, nutWanted, httpWanted);
  if (config.nut || config.metrics)
    log::notice(kDomain,
                "descriptors: limit {}, {} open; NUT server up to {} clients, HTTP up to {} "
                "connections; {} kept spare",
                use.limit, use.open, plan.nutClients, plan.httpConnections, plan.reserve);
  if (config.nut) makeNut(config, backend, plan.nutClients);
  if (config.metrics) makeMetrics(config, plan.httpConnections);
}

Servers::~Servers() { stop(); }

void Servers::makeNut(const Config& config, serve::UpsBackend& backend, std::size_t clients) {
  if (clients == 0) {
    log::error(kDomain, "NUT server off: too few descriptors left under the limit (raise "
                        "LimitNOFILE=)");
    return;
  }
  try {
    auto options = nutServerOptions(*config.nut);
    options.service.authorize = checks_.nutUser;
    options.maxClients = clients;
    options.tls = nutTlsContext(*config.nut);
    if (options.tls)
      if (const auto why = unusable(options.tls->certificate()); !why.empty())
        log::error(kDomain, "NUT server: certificate {} {}: clients that verify it refuse it",
                   config.nut->certificate, why);
    const auto tls = tlsText(options.tls.get(), config.nut->requireTls);
    nut_ = std::make_unique<serve::NutServer>(std::move(options), backend);
    started_.push_back(fmt::format("NUT server on {} (ups \"{}\", {} users{}{})",
                                   hostPort(config.nut->listen), config.nut->name,
                                   config.nut->users.size(), allowText(config.nut->allow), tls));
  } catch (const std::exception& e) {
    nut_.reset();
    log::error(kDomain, "NUT server off: {}", e.what());
  }
}

void Servers::makeMetrics(const Config& config, std::size_t connections) {
  if (connections == 0) {
    log::error(kDomain, "metrics endpoint off: too few descriptors left under the limit (raise "
                        "LimitNOFILE=)");
    return;
  }
  try {
    serve::HttpServerOptions options;
    options.host = config.metrics->listen.host;
    options.port = config.metrics->listen.port;
    options.maxConnections = connections;
    options.allow = config.metrics->allow;
    const auto& m = *config.metrics;
    metrics_ =
        std::make_unique<serve::MetricsServer>(std::move(options), metricsSource_, m.nutExporter);
    const bool page = m.dashboard && dashboardBackend_ != nullptr;
    serve::ActionCredentials credentials;
    credentials.token = m.actionToken;
    credentials.passwordHash = m.actionPasswordHash;
    credentials.verify = checks_.actionCredential;
    credentials.kind = checks_.actionKind;
    if (page)
      dashboard_ = std::make_unique<serve::Dashboard>(metrics_->http(), *dashboardBackend_,
                                                      std::move(credentials));
    started_.push_back(fmt::format("metrics on http://{}/metrics{}{}", hostPort(m.listen),
                                   m.nutExporter ? " and /ups_metrics" : "", allowText(m.allow)));
    if (page)
      started_.push_back(fmt::format(
          "dashboard on http://{}/, its API under /api/v1/; actions {}", hostPort(m.listen),
          m.actionToken.empty() && m.actionPasswordHash.empty() && !checks_.actionCredential
              ? "off (no action_token or action_password_hash)"
              : "on, behind the configured credential"));
  } catch (const std::exception& e) {
    dashboard_.reset();
    metrics_.reset();
    log::error(kDomain, "metrics endpoint off: {}", e.what());
  }
}

void Servers::start() {
  if (nut_) {
    try {
      nut_->start();
    } catch (const std::exception& e) {
      nut_.reset();
      log::error(kDomain, "NUT server off: {}", e.what());
    }
  }
  if (metrics_) {
    try {
      metrics_->start();
    } catch (const std::exception& e) {
      dashboard_.reset();
      metrics_.reset();
      log::error(kDomain, "metrics endpoint off: {}", e.what());
    }
  }
  for (const auto& line : started_)
    log::notice(kDomain, "{}", line);
}

void Servers::stop() noexcept {
  if (nut_) nut_->stop();
  if (metrics_) metrics_->stop();
}

std::size_t Servers::loginCount() const noexcept { return nut_ ? nut_->loginCount() : 0; }

void waitForSecondaries(const std::function<std::optional<std::size_t>()>& logins,
                        std::chrono::seconds hostsync, bool simulation) noexcept {
  try {
    const auto logged = logins();
    if (logged && *logged == 0) {
      log::notice("pipeline", "no NUT secondary is logged in (any that was has logged out)");
      return;
    }
    const std::string who = logged ? fmt::format("{} logged-in NUT client(s)", *logged)
                                   : "NUT clients (the listener is restarting: how many are "
                                     "logged in is not known)";
    if (simulation) {
      log::notice("pipeline", "would set FSD and wait up to {} s for {}", hostsync.count(), who);
      return;
    }
    log::notice("pipeline", "FSD set: waiting up to {} s for {} to log out", hostsync.count(), who);
    const auto deadline = std::chrono::steady_clock::now() + hostsync;
    // Unknown counts as "someone": the wait ends at 0 only when the listener says so.
    const auto left = [&] { return logins().value_or(1); };
    while (left() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto now = logins();
    if (now && *now == 0)
      log::notice("pipeline", "every NUT secondary has logged out");
    else if (now)
      log::warning("pipeline", "{} NUT client(s) still logged in after {} s: powering off anyway",
                   *now, hostsync.count());
    else
      log::warning("pipeline",
                   "the listener is not serving: waited the whole {} s for the "
                   "secondaries; powering off",
                   hostsync.count());
  } catch (...) {
  }
}

std::uint16_t Servers::nutPort() const noexcept { return nut_ ? nut_->port() : 0; }
std::uint16_t Servers::metricsPort() const noexcept { return metrics_ ? metrics_->port() : 0; }

} // namespace hidupsd
