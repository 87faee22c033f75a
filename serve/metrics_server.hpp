// SPDX-License-Identifier: GPL-2.0-or-later
// MetricsServer: the HTTP endpoint Prometheus scrapes (GET /metrics).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "serve/metrics.hpp"

namespace hidupsd::serve {

/// Serves GET /metrics (renderMetrics of source(), Content-Type
/// "text/plain; version=0.0.4; charset=utf-8"), GET / (a page linking to
/// /metrics) and 404 for every other path, over cpp-httplib on its own
/// thread with two worker threads.
///
/// Thread rules: construct, start(), stop() and port() from one thread.
/// `source` is called on a worker thread for every scrape, up to two at a
/// time: it must be thread-safe and must not block; its exceptions are caught,
/// logged (lib/log.hpp, domain "metrics") and the scrape answers 500.
class MetricsServer {
public:
  /// `host`: an address or name to listen on ("127.0.0.1", "::1",
  /// "0.0.0.0"); `port` 0 = any free port (see port()). Does not bind yet.
  MetricsServer(std::string host, std::uint16_t port, std::function<MetricsData()> source);
  /// stop().
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// Binds and starts serving; returns once connections are accepted.
  /// Throws std::system_error (errno known) or std::runtime_error naming
  /// "host:port" when it cannot listen; std::logic_error if already started.
  void start();
  /// Stops accepting and waits for the requests in progress (at most the
  /// keep-alive timeout, 2 s, for an idle kept-alive connection). Idempotent.
  void stop() noexcept;
  /// The port listened on once started (the one asked for before that).
  std::uint16_t port() const noexcept;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace hidupsd::serve
