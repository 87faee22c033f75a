// SPDX-License-Identifier: GPL-2.0-or-later
// HttpServer over libmicrohttpd: epoll thread, bounded connections with eviction, bounded bodies.
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
#include "serve/http_exchange.hpp"
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

/// A route: its handler and the methods it takes (http::kGetBit, kPostBit).
struct Route {
  HttpHandler handler;
  unsigned methods = http::kGetBit;
};

/// A POST being received: its route and the request so far (owned through libmicrohttpd's
/// per-request pointer, freed when the request ends).
struct Pending {
  const Route* route = nullptr;
  HttpRequest request;
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
  std::map<std::string, Route> routes;
  std::unique_ptr<MHD_Daemon, DaemonDeleter> daemon;

  mutable std::mutex mutex; // guards `open` against stats(); everything else: server thread
  std::list<Tracked> open;
  AllowList allow; ///< server thread only
  std::atomic<std::size_t> accepted{0}, evicted{0}, expired{0}, requests{0}, denied{0};

  static MHD_Result onAccept(void* cls, const sockaddr* peer, socklen_t length);
  static void onConnection(void* cls, MHD_Connection* connection, void** context,
                           MHD_ConnectionNotificationCode code);
  static void onCompleted(void* cls, MHD_Connection* connection, void** request,
                          MHD_RequestTerminationCode);
  static MHD_Result onRequest(void* cls, MHD_Connection* connection, const char* url,
                              const char* method, const char*, const char* data, std::size_t* size,
                              void** request);
  static void onLibraryLog(void* cls, const char* format, va_list args);
  void opened(MHD_Connection* connection, void** context);
  void closed(void** context);
  void enforceLimits(Clock::time_point now);
  void shut(Tracked& t, std::atomic<std::size_t>& counter);
  MHD_Result begin(MHD_Connection* connection, const std::string& url, const std::string& method,
                   void** request);
  MHD_Result receive(Pending& pending, const char* data, std::size_t* size);
  MHD_Result respond(MHD_Connection* connection, const HttpResponse& response);
  HttpResponse call(const Route& route, const HttpRequest& request);
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

HttpResponse HttpServer::Impl::call(const Route& route, const HttpRequest& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    log::warning(kDomain, "{} failed: {}", request.path, e.what());
  } catch (...) {
    log::warning(kDomain, "{} failed: unknown exception", request.path);
  }
  return http::plain(500);
}

namespace {

Tracked* trackedOf(MHD_Connection* connection) {
  const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == nullptr ? nullptr : static_cast<Tracked*>(info->socket_context);
}

} // namespace

/// Marks the connection busy (answering: never evicted meanwhile) and queues the answer.
MHD_Result HttpServer::Impl::respond(MHD_Connection* connection, const HttpResponse& response) {
  {
    std::lock_guard lock(mutex);
    if (auto* t = trackedOf(connection)) t->busy = true;
  }
  ++requests;
  return http::queue(connection, response) ? MHD_YES : MHD_NO;
}

/// The request head is complete. Answers at once (404, 405, 413, any GET); a POST the route
/// takes waits for its body. An answer queued now means libmicrohttpd never reads the body
/// and closes the connection after the answer. Until the answer the connection is not busy:
/// a body that trickles in is held to requestDeadline like a slow head.
MHD_Result HttpServer::Impl::begin(MHD_Connection* connection, const std::string& url,
                                   const std::string& methodName, void** request) {
  const auto route = routes.find(url);
  if (route == routes.end()) return respond(connection, http::plain(404));
  const auto method = http::methodOf(methodName);
  if (!method || !http::allows(route->second.methods, *method))
    return respond(connection, http::plain(405, http::allowHeader(route->second.methods)));
  if (*method != HttpMethod::Post)
    return respond(connection, call(route->second, http::requestOf(connection, url, *method)));
  const auto length = http::contentLength(connection);
  if (length && *length < 0) return respond(connection, http::plain(400));
  if (length && static_cast<unsigned long long>(*length) > options.maxBodySize)
    return respond(connection, http::plain(413));
  *request = new Pending{&route->second, http::requestOf(connection, url, *method)};
  return MHD_YES;
}

/// A piece of a POST body. Past maxBodySize (a chunked body: a Content-Length was checked at
/// the head) the connection is closed: libmicrohttpd cannot answer in the middle of a body.
MHD_Result HttpServer::Impl::receive(Pending& pending, const char* data, std::size_t* size) {
  auto& body = pending.request.body;
  if (*size > options.maxBodySize - body.size()) {
    log::debug(kDomain, "{}: request body past {} bytes from {}: connection closed",
               pending.request.path, options.maxBodySize, pending.request.peer);
    return MHD_NO;
  }
  body.append(data, *size);
  *size = 0;
  return MHD_YES;
}

void HttpServer::Impl::onConnection(void* cls, MHD_Connection* connection, void** context,
                                    MHD_ConnectionNotificationCode code) {
  auto& impl = *static_cast<Impl*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    impl.opened(connection, context);
  else
    impl.closed(context);
}

void HttpServer::Impl::onCompleted(void* cls, MHD_Connection* connection, void** request,
                                   MHD_RequestTerminationCode) {
  auto& impl = *static_cast<Impl*>(cls);
  delete static_cast<Pending*>(*request);
  *request = nullptr;
  std::lock_guard lock(impl.mutex);
  if (auto* t = trackedOf(connection)) {
    t->busy = false;
    t->since = Clock::now();
  }
}

/// Called when the request head is complete (first call: *request null), for each piece of
/// a POST body, and once more when the body is complete (*size 0).
MHD_Result HttpServer::Impl::onRequest(void* cls, MHD_Connection* connection, const char* url,
                                       const char* method, const char*, const char* data,
                                       std::size_t* size, void** request) {
  auto& impl = *static_cast<Impl*>(cls);
  try {
    auto* pending = static_cast<Pending*>(*request);
    if (pending == nullptr) return impl.begin(connection, url, method, request);
    if (*size > 0) return impl.receive(*pending, data, size);
    return impl.respond(connection, impl.call(*pending->route, pending->request));
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

void HttpServer::route(std::string path, HttpHandler handler,
                       std::initializer_list<HttpMethod> methods) {
  if (impl_->daemon) throw std::logic_error("http: route() after start()");
  unsigned bits = 0;
  for (const auto m : methods)
    bits |= m == HttpMethod::Post ? http::kPostBit : http::kGetBit;
  impl_->routes[std::move(path)] = Route{std::move(handler), bits};
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

const HttpServerOptions& HttpServer::options() const noexcept { return impl_->options; }

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
