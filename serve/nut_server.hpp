// SPDX-License-Identifier: GPL-2.0-or-later
// NutServer: an upsd-compatible TCP server for one UPS, on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/ip_network.hpp"
#include "serve/allow_list.hpp"
#include "serve/nut_guard.hpp"
#include "serve/nut_protocol.hpp"
#include "serve/nut_socket.hpp"
#include "serve/tls_context.hpp"
#include "serve/ups_backend.hpp"

namespace hidupsd::serve {

struct NutServerOptions {
  std::string host = "127.0.0.1"; ///< an IPv4 or IPv6 literal ("::" = all, v4-mapped too)
  std::uint16_t port = 3493;      ///< 0 = any free port (see NutServer::port())
  NutServiceOptions service;
  /// Connections served at once (the daemon sizes it from its descriptor budget, as upsd sizes
  /// MAXCONN from the descriptor limit). When full, a new connection closes the connection idle
  /// longest among those that have not logged in; logged-in clients (upsmon secondaries, which
  /// must see FSD) are never closed for others. Only when every slot is logged in is the new
  /// connection refused.
  std::size_t maxClients = 32;
  /// The longest request line, without its newline. NUT's clients build requests in 512-byte
  /// buffers (SMALLBUF). A longer line is answered "ERR TOO-LONG" and skipped to its end; the
  /// connection stays. (upsd has no line limit: it cuts words at 512 characters.)
  std::size_t maxLineLength = 512;
  /// A client silent this long is disconnected (upsd: 60 s, fixed). upsmon polls every
  /// POLLFREQ (default 5 s), so it never gets there.
  std::chrono::milliseconds idleTimeout{60000};
  /// A connection that has sent no complete request line this long after connecting is closed
  /// (a client that connects and stays silent, or trickles bytes, holds no slot for long).
  std::chrono::milliseconds firstLineTimeout{10000};
  /// After a wrong password (or unknown user), the client's address waits this long before its
  /// next credentials are looked at, doubling per failure up to authMaxDelay.
  std::chrono::milliseconds authDelay{1000};
  std::chrono::milliseconds authMaxDelay{30000};
  /// Refusals are logged once in full, then counted in one summary line per interval.
  std::chrono::seconds logInterval{60};
  /// Who may connect (allow = [...]); empty: everyone. Others are closed on accept, before a
  /// byte is read, and logged once per address per logInterval.
  std::vector<lib::IpNetwork> allow;
  /// The certificate and key: STARTTLS answers "OK STARTTLS" and the connection goes on in
  /// TLS (null: FEATURE-NOT-CONFIGURED). The handshake must end within firstLineTimeout of
  /// the STARTTLS line; a failed one closes the connection. service.requireTls refuses
  /// clear-text requests.
  std::shared_ptr<const TlsContext> tls;
  /// service.requireTls spares clients on this host (onThisHost: loopback, or this host's
  /// own address): their bytes never cross a network, and hidupsd --status / --command speak
  /// in clear. Tests turn it off to see the refusals on 127.0.0.1.
  bool clearOnThisHost = true;
};

/// Serves the NUT network protocol (see NutSession) on one listening socket.
///
/// One thread (started by start()) does all socket work with poll() and calls the backend;
/// a slow backend call (INSTCMD, SET) holds the other clients back for its duration, as
/// upsd's single loop does. Replies are buffered; a client that does not read its replies is
/// not read from until it does. LOGOUT closes after the reply is sent.
///
/// Thread rules: construct, start() and stop() from one thread; port(), loginCount() and
/// clientCount() from any thread. The backend must outlive the server (or its stop()).
class NutServer {
public:
  /// Binds and listens at once (SO_REUSEADDR), so port() is known before start().
  /// Throws std::system_error naming host:port: bind/listen failure (EADDRINUSE, EACCES…) or
  /// a host that is not an IP literal (EINVAL).
  NutServer(NutServerOptions options, UpsBackend& backend);
  /// stop().
  ~NutServer();
  NutServer(const NutServer&) = delete;
  NutServer& operator=(const NutServer&) = delete;

  /// Starts the server thread (once). Throws std::system_error if the thread cannot start.
  void start();
  /// Closes every connection and the listener, and joins the thread. Idempotent; returns
  /// after at most one backend call in progress.
  void stop() noexcept;

  /// The bound port (the chosen one when options.port was 0).
  std::uint16_t port() const noexcept { return port_; }
  /// Clients that sent LOGIN and are still connected (upsmon secondaries and primaries): the
  /// daemon's HOSTSYNC wait after FSD watches this fall to 0.
  std::size_t loginCount() const noexcept { return logins_.count(); }
  /// Connections being served.
  std::size_t clientCount() const noexcept { return clientCount_.load(); }
  /// Connections closed because their address is not in the allow-list, since start.
  std::size_t deniedCount() const noexcept { return denied_.load(); }
  /// Connections closed to admit new ones, since start.
  std::size_t evictionCount() const noexcept { return evictions_.load(); }
  /// Connections closed after STARTTLS, since start: a failed or stalled handshake, or bytes
  /// sent after the STARTTLS line before the handshake (STARTTLS command injection).
  std::size_t tlsFailureCount() const noexcept { return tlsFailures_.load(); }

private:
  struct Client;

  void bindAndListen();
  void run() noexcept;
  void pollOnce();
  int pollTimeout() const;
  void acceptAll();
  bool acceptOne();
  void admit(lib::UniqueFd fd, const std::string& address, bool local);
  bool evictFor(const std::string& newcomer);
  short eventsFor(const Client& client, std::chrono::steady_clock::time_point now) const;
  void handleEvents(Client& client, short revents);
  void readFrom(Client& client);
  std::ptrdiff_t receive(Client& client, char* buffer, std::size_t size);
  std::ptrdiff_t transmit(Client& client, const char* data, std::size_t size);
  // STARTTLS (nut_server_tls.cpp).
  void beginTls(Client& client);
  void startHandshake(Client& client);
  void continueHandshake(Client& client);
  std::ptrdiff_t tlsReceive(Client& client, char* buffer, std::size_t size);
  std::ptrdiff_t tlsTransmit(Client& client, const char* data, std::size_t size);
  void tlsFailed(Client& client, const std::string& detail);
  void readPendingTls();
  void drain(Client& client);
  bool gated(Client& client, std::string_view line);
  void answer(Client& client, std::string_view line);
  void flush(Client& client);
  void closeIdle();
  void removeDead();
  void note(RefusalLog::Kind kind, const std::string& detail);

  NutServerOptions options_;
  UpsBackend& backend_;
  NutLoginRegistry logins_;
  lib::UniqueFd listener_;
  lib::UniqueFd wake_; ///< eventfd: stop() wakes the poll
  std::uint16_t port_ = 0;
  std::list<Client> clients_;                                 ///< server thread only
  AllowList allow_;                                           ///< server thread only
  AuthThrottle throttle_;                                     ///< server thread only
  RefusalLog refusals_;                                       ///< server thread only
  std::chrono::steady_clock::time_point acceptPausedUntil_{}; ///< after EMFILE
  std::atomic<std::size_t> clientCount_{0};
  std::atomic<std::size_t> evictions_{0};
  std::atomic<std::size_t> denied_{0};
  std::atomic<std::size_t> tlsFailures_{0};
  std::atomic<bool> stopping_{false};
  std::mutex stopMutex_;
  std::thread thread_;
};

} // namespace hidupsd::serve
