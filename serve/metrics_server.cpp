// SPDX-License-Identifier: GPL-2.0-or-later
// MetricsServer: the HTTP endpoint Prometheus scrapes (GET /metrics).
#include "serve/metrics_server.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include "lib/log.hpp"

namespace hidupsd::serve {

namespace {

constexpr std::string_view kDomain = "metrics";
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kIndexPage =
    "<!DOCTYPE html>\n<html><head><title>hidupsd</title></head>\n"
    "<body><h1>hidupsd</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

/// "127.0.0.1:9199", "[::1]:9199".
std::string endpoint(const std::string& host, int port) {
  return host.find(':') == std::string::npos ? fmt::format("{}:{}", host, port)
                                             : fmt::format("[{}]:{}", host, port);
}

/// SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would
/// let a second hidupsd share the port silently instead of failing to bind.
void socketOptions(int sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

} // namespace

struct MetricsServer::Impl {
  Impl(std::string h, std::uint16_t p, std::function<MetricsData()> s)
      : host(std::move(h)), port(p), source(std::move(s)) {}

  std::string host;
  std::uint16_t port;
  std::function<MetricsData()> source;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> loopEnded{false};

  void setUp();
  void bind();
  void serveMetrics(httplib::Response& res);
};

void MetricsServer::Impl::setUp() {
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_socket_options(socketOptions);
  server.set_keep_alive_timeout(2);
  server.set_read_timeout(5);
  server.set_write_timeout(5);
  server.set_payload_max_length(64 * 1024);
  server.Get("/metrics",
             [this](const httplib::Request&, httplib::Response& res) { serveMetrics(res); });
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kIndexPage, "text/html; charset=utf-8");
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(fmt::format("{}\n", res.status), "text/plain");
  });
}

void MetricsServer::Impl::serveMetrics(httplib::Response& res) {
  try {
    res.set_content(renderMetrics(source()), kContentType);
  } catch (const std::exception& e) {
    log::warning(kDomain, "scrape failed: {}", e.what());
    res.status = 500;
  } catch (...) {
    log::warning(kDomain, "scrape failed: unknown exception");
    res.status = 500;
  }
}

void MetricsServer::Impl::bind() {
  errno = 0;
  if (port == 0) {
    const int bound = server.bind_to_any_port(host);
    if (bound > 0) {
      port = static_cast<std::uint16_t>(bound);
      return;
    }
  } else if (server.bind_to_port(host, port)) {
    return;
  }
  const auto what = fmt::format("metrics: cannot listen on {}", endpoint(host, port));
  if (errno != 0) throw std::system_error(errno, std::generic_category(), what);
  throw std::runtime_error(what);
}

MetricsServer::MetricsServer(std::string host, std::uint16_t port,
                             std::function<MetricsData()> source)
    : impl_(std::make_unique<Impl>(std::move(host), port, std::move(source))) {
  impl_->setUp();
}

MetricsServer::~MetricsServer() { stop(); }

void MetricsServer::start() {
  if (impl_->thread.joinable()) throw std::logic_error("metrics: server already started");
  impl_->bind();
  impl_->loopEnded = false;
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->server.listen_after_bind();
    impl->loopEnded = true;
  });
  // httplib 0.11 has no wait_until_ready(): a stop() before the accept loop
  // runs would be lost, so wait for it (it starts within microseconds).
  while (!impl_->server.is_running() && !impl_->loopEnded)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void MetricsServer::stop() noexcept {
  if (!impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

std::uint16_t MetricsServer::port() const noexcept { return impl_->port; }

} // namespace hidupsd::serve
