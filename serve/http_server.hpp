// SPDX-License-Identifier: GPL-2.0-or-later
// HttpServer: a small server for hostile networks (libmicrohttpd), with a route table.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/ip_network.hpp"

namespace hidupsd::serve {

/// The methods a route may answer. Get includes HEAD (served as GET without the body).
enum class HttpMethod : std::uint8_t { Get, Head, Post };

/// What a route sees of a request.
struct HttpRequest {
  std::string path; ///< "/metrics" (without the query string)
  HttpMethod method = HttpMethod::Get;
  bool head = false; ///< method == Head (kept for the GET routes that check it)
  /// Header fields by lower-case name (the last one of a repeated name).
  std::map<std::string, std::string, std::less<>> headers;
  /// Query arguments, percent-decoded ("?range=24h" → {"range", "24h"}).
  std::map<std::string, std::string, std::less<>> query;
  std::string body; ///< a POST's, at most HttpServerOptions::maxBodySize bytes
  std::string peer; ///< the client's address ("127.0.0.1", "::1"), for logs

  /// The header `lowerCaseName`, "" when absent.
  std::string header(std::string_view lowerCaseName) const;
  /// The query argument `name`, "" when absent.
  std::string arg(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
  /// More header fields ({"Cache-Control", "no-store"}). Every answer also carries
  /// X-Content-Type-Options: nosniff.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

/// Called on the server thread for each request on its path: must be quick and must not
/// block (it holds every other client back meanwhile). An exception answers 500 and is logged
/// (lib/log.hpp, domain "http").
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1"; ///< an IPv4 or IPv6 literal ("::" = all, v4-mapped too)
  std::uint16_t port = 0;         ///< 0 = any free port (see HttpServer::port())
  /// Connections served at once. A new connection beyond them closes the one idle longest
  /// (no request in progress): an idle flood can never lock an honest client out, and the
  /// server never holds more than maxConnections + kEvictionSlack + 3 descriptors.
  std::size_t maxConnections = 64;
  /// From the connection (or its last answer) to a complete request, head and body; past it
  /// the connection is closed (a client sending a byte now and then is "slow", not "active").
  std::chrono::seconds requestDeadline{10};
  /// A connection silent this long is closed (libmicrohttpd's connection timeout).
  std::chrono::seconds idleTimeout{10};
  /// Memory per connection for the request line, headers and buffers; a request head that
  /// does not fit is answered 431 and the connection closed.
  std::size_t connectionMemory = 16 * 1024;
  /// The largest request body a POST route is given. A larger Content-Length is answered 413
  /// at the head (the body is never read); a chunked body that grows past it closes the
  /// connection.
  std::size_t maxBodySize = 4 * 1024;
  /// Who may connect (allow = [...]); empty: everyone. Others are closed on accept, before a
  /// byte is read, and logged once per address per logInterval.
  std::vector<lib::IpNetwork> allow;
  std::chrono::seconds logInterval{60};
};

/// Counters since start (any thread).
struct HttpServerStats {
  std::size_t connections = 0; ///< open now
  std::size_t accepted = 0;
  std::size_t evicted = 0;  ///< closed to make room for a new connection
  std::size_t expired = 0;  ///< closed for no complete request within requestDeadline
  std::size_t requests = 0; ///< answered (any status)
  std::size_t denied = 0;   ///< closed on accept: not in the allow-list
};

/// Serves exact paths of a route table, from one thread (epoll). A method the route does not
/// take is answered 405 (with its Allow list) without reading the request body; an unknown
/// path 404. Only POST routes get a body, bounded by maxBodySize; request heads are bounded by
/// connectionMemory, every connection by requestDeadline and idleTimeout, and the number of
/// connections by maxConnections.
///
/// Thread rules: construct, route(), start(), stop() from one thread; port(), stats() from
/// any. Routes must be added before start().
class HttpServer {
public:
  /// How many connections past maxConnections may still be closing (libmicrohttpd closes an
  /// evicted connection at its next loop turn).
  static constexpr std::size_t kEvictionSlack = 16;

  /// Binds and listens at once (SO_REUSEADDR), so port() is known before start(). Throws
  /// std::system_error naming host:port (EADDRINUSE, EADDRNOTAVAIL, EINVAL: not an IP literal).
  explicit HttpServer(HttpServerOptions options);
  /// stop().
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Serves `path` (exact match, e.g. "/metrics") with `handler` for `methods` (Get means GET
  /// and HEAD). A path routed again is replaced. Before start() only.
  void route(std::string path, HttpHandler handler,
             std::initializer_list<HttpMethod> methods = {HttpMethod::Get});
  /// Starts the server thread. Throws std::runtime_error if libmicrohttpd cannot start,
  /// std::logic_error if already started.
  void start();
  /// Closes every connection and joins the thread. Idempotent.
  void stop() noexcept;
  std::uint16_t port() const noexcept;
  const HttpServerOptions& options() const noexcept;
  HttpServerStats stats() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace hidupsd::serve
