// SPDX-License-Identifier: GPL-2.0-or-later
// HttpServer over libmicrohttpd: epoll thread, bounded connections with eviction, GET/HEAD only.
#include "serve/http_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <microhttpd.h>

#include "lib/log.hpp"
#include "serve/allow_list.hpp"
#include "serve/nut_socket.hpp"

namespace hidupsd::serve {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kDomain = "http";

/// Connections the kernel queues before we accept them: they hold no descriptor of ours, and
/// a deep queue keeps an honest client's SYN from being dropped during a connection flood.
constexpr int kListenBacklog = 1024;

/// One open connection as we track it (server thread only, but read by stats()).
struct Tracked {
  int fd = -1;
  Clock::time_point since; ///< accepted, or its last answer sent
  bool busy = false;       ///< a request is being answered
  bool closing = false;    ///< shut down by us; libmicrohttpd closes it at its next turn
};

struct DaemonDeleter {
  void operator()(MHD_Daemon* d) const noexcept { MHD_stop_daemon(d); }
};

} // namespace

struct HttpServer::Impl {
  explicit Impl(HttpServerOptions o)
      : options(std::move(o)), allow(options.allow, options.logInterval) {}

  HttpServerOptions options;
  Listener listener; ///< ours until start() hands it to libmicrohttpd
  std::map<std::string, HttpHandler> routes;
  std::unique_ptr<MHD_Daemon, DaemonDeleter> daemon;

  mutable std::mutex mutex; // guards `open` against stats(); everything else: server thread
  std::list<Tracked> open;
  AllowList allow; ///< server thread only
  std::atomic<std::size_t> accepted{0}, evicted{0}, expired{0}, requests{0}, denied{0};

  static MHD_Result onAccept(void* cls, const sockaddr* peer, socklen_t length);
  static void onConnection(void* cls, MHD_Connection* connection, void** context,
                           MHD_ConnectionNotificationCode code);
  static void onCompleted(void* cls, MHD_Connection* connection, void**,
                          MHD_RequestTerminationCode);
  static MHD_Result onRequest(void* cls, MHD_Connection* connection, const char* url,
                              const char* method, const char*, const char*, std::size_t*, void**);
  static void onLibraryLog(void* cls, const char* format, va_list args);
  void opened(MHD_Connection* connection, void** context);
  void closed(void** context);
  void enforceLimits(Clock::time_point now);
  void shut(Tracked& t, std::atomic<std::size_t>& counter);
  HttpResponse answer(const std::string& method, const std::string& url);
};

/// libmicrohttpd asks before it reads anything: a peer outside the allow-list is closed.
MHD_Result HttpServer::Impl::onAccept(void* cls, const sockaddr* peer, socklen_t length) {
  auto* self = static_cast<Impl*>(cls);
  if (self->allow.allows(peer, length)) return MHD_YES;
  ++self->denied;
  sockaddr_storage copy{};
  std::memcpy(&copy, peer, std::min<std::size_t>(length, sizeof copy));
  if (const auto line = self->allow.refused(addressText(copy), Clock::now()))
    log::warning(kDomain, "HTTP server: {}", *line);
  return MHD_NO;
}

void HttpServer::Impl::opened(MHD_Connection* connection, void** context) {
  const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  const auto now = Clock::now();
  std::lock_guard lock(mutex);
  auto& t = open.emplace_back(Tracked{info != nullptr ? info->connect_fd : -1, now});
  *context = &t;
  ++accepted;
  enforceLimits(now);
}

void HttpServer::Impl::closed(void** context) {
  auto* t = static_cast<Tracked*>(*context);
  if (t == nullptr) return;
  std::lock_guard lock(mutex);
  open.remove_if([t](const Tracked& o) { return &o == t; });
  *context = nullptr;
}

/// Closes the connections past their request deadline, then, while more than maxConnections
/// remain, the one idle longest. Runs on the server thread (at each new connection), where a
/// tracked descriptor is still open: libmicrohttpd closes it only after telling us.
void HttpServer::Impl::enforceLimits(Clock::time_point now) {
  std::size_t live = 0;
  for (auto& t : open) {
    if (!t.closing && !t.busy && now - t.since > options.requestDeadline) shut(t, expired);
    if (!t.closing) ++live;
  }
  while (live > options.maxConnections) {
    Tracked* oldest = nullptr;
    for (auto& t : open)
      if (!t.closing && !t.busy && (oldest == nullptr || t.since < oldest->since)) oldest = &t;
    if (oldest == nullptr) return; // all busy answering: libmicrohttpd's own limit holds
    shut(*oldest, evicted);
    --live;
  }
}

/// shutdown(), not close(): the descriptor stays libmicrohttpd's, which sees the end of the
/// stream at once (epoll) and closes the connection itself.
void HttpServer::Impl::shut(Tracked& t, std::atomic<std::size_t>& counter) {
  if (t.fd >= 0) ::shutdown(t.fd, SHUT_RDWR);
  t.closing = true;
  ++counter;
}

HttpResponse HttpServer::Impl::answer(const std::string& method, const std::string& url) {
  const bool head = method == MHD_HTTP_METHOD_HEAD;
  if (method != MHD_HTTP_METHOD_GET && !head) return {405, "text/plain; charset=utf-8", "405\n"};
  const auto route = routes.find(url);
  if (route == routes.end()) return {404, "text/plain; charset=utf-8", "404\n"};
  try {
    return route->second(HttpRequest{url, head});
  } catch (const std::exception& e) {
    log::warning(kDomain, "{} failed: {}", url, e.what());
  } catch (...) {
    log::warning(kDomain, "{} failed: unknown exception", url);
  }
  return {500, "text/plain; charset=utf-8", "500\n"};
}

namespace {

Tracked* trackedOf(MHD_Connection* connection) {
  const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == nullptr ? nullptr : static_cast<Tracked*>(info->socket_context);
}

MHD_Result queue(MHD_Connection* connection, const HttpResponse& r) {
  // MUST_COPY: the response owns its bytes; our string dies with this call.
  MHD_Response* response = MHD_create_response_from_buffer(
      r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r.contentType.c_str());
  if (r.status == MHD_HTTP_METHOD_NOT_ALLOWED)
    MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  const MHD_Result result =
      MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
  MHD_destroy_response(response);
  return result;
}

} // namespace

void HttpServer::Impl::onConnection(void* cls, MHD_Connection* connection, void** context,
                                    MHD_ConnectionNotificationCode code) {
  auto& impl = *static_cast<Impl*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    impl.opened(connection, context);
  else
    impl.closed(context);
}

void HttpServer::Impl::onCompleted(void* cls, MHD_Connection* connection, void**,
                                   MHD_RequestTerminationCode) {
  auto& impl = *static_cast<Impl*>(cls);
  std::lock_guard lock(impl.mutex);
  if (auto* t = trackedOf(connection)) {
    t->busy = false;
    t->since = Clock::now();
  }
}

/// Answers on the first call, when the request head is complete: a body (a POST's, a GET's)
/// is never read — libmicrohttpd then closes the connection after the answer.
MHD_Result HttpServer::Impl::onRequest(void* cls, MHD_Connection* connection, const char* url,
                                       const char* method, const char*, const char*, std::size_t*,
                                       void**) {
  auto& impl = *static_cast<Impl*>(cls);
  {
    std::lock_guard lock(impl.mutex);
    if (auto* t = trackedOf(connection)) t->busy = true;
  }
  ++impl.requests;
  try {
    return queue(connection, impl.answer(method, url));
  } catch (...) { // std::bad_alloc: drop this connection rather than the server
    return MHD_NO;
  }
}

void HttpServer::Impl::onLibraryLog(void*, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof line, format, args);
  std::string text(line);
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  // Debug: libmicrohttpd says a line per refused or broken connection, a flood's worth.
  log::debug(kDomain, "{}", text);
}

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->listener =
      listenOn(impl_->options.host, impl_->options.port, kListenBacklog, "HTTP server");
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::route(std::string path, HttpHandler handler) {
  if (impl_->daemon) throw std::logic_error("http: route() after start()");
  impl_->routes[std::move(path)] = std::move(handler);
}

void HttpServer::start() {
  if (impl_->daemon) throw std::logic_error("http: server already started");
  if (!impl_->listener.fd.valid()) throw std::logic_error("http: server stopped");
  if (impl_->options.maxConnections == 0) throw std::logic_error("http: maxConnections is 0");
  auto& o = impl_->options;
  // libmicrohttpd gets a duplicate: it closes that one when it stops, and on a failed start
  // we cannot tell whether it did, so ours is closed by us alone.
  lib::UniqueFd handed(::fcntl(impl_->listener.fd.get(), F_DUPFD_CLOEXEC, 0));
  if (!handed.valid()) throw std::system_error(errno, std::generic_category(), "HTTP server: dup");
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
  if (impl_->listener.family == AF_INET6) flags |= MHD_USE_IPv6;
  MHD_Daemon* d = MHD_start_daemon(
      flags, 0, &Impl::onAccept, impl_.get(), &Impl::onRequest, impl_.get(),
      MHD_OPTION_LISTEN_SOCKET, handed.get(), MHD_OPTION_CONNECTION_LIMIT,
      static_cast<unsigned>(o.maxConnections + kEvictionSlack), MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(o.idleTimeout.count()), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      o.connectionMemory, MHD_OPTION_NOTIFY_CONNECTION, &Impl::onConnection, impl_.get(),
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::onCompleted, impl_.get(), MHD_OPTION_EXTERNAL_LOGGER,
      &Impl::onLibraryLog, impl_.get(), MHD_OPTION_END);
  if (d == nullptr)
    throw std::runtime_error(fmt::format("HTTP server: libmicrohttpd cannot start on {}",
                                         formatEndpoint(o.host, impl_->listener.port)));
  impl_->daemon.reset(d);
  (void)handed.release(); // MHD_stop_daemon closes it
  impl_->listener.fd.reset();
}

void HttpServer::stop() noexcept {
  impl_->daemon.reset();
  impl_->listener.fd.reset();
}

std::uint16_t HttpServer::port() const noexcept { return impl_->listener.port; }

HttpServerStats HttpServer::stats() const {
  HttpServerStats s;
  {
    std::lock_guard lock(impl_->mutex);
    s.connections = impl_->open.size();
  }
  s.accepted = impl_->accepted;
  s.evicted = impl_->evicted;
  s.expired = impl_->expired;
  s.requests = impl_->requests;
  s.denied = impl_->denied;
  return s;
}

} // namespace hidupsd::serve
