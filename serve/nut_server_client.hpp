// SPDX-License-Identifier: GPL-2.0-or-later
// NutServer::Client: one connection's socket, buffers, deadlines and TLS state (server-private).
#pragma once

#include <poll.h>

#include <chrono>
#include <memory>
#include <string>

#include "lib/unique_fd.hpp"
#include "serve/nut_server.hpp"
#include "serve/nut_session.hpp"
#include "serve/tls_context.hpp"

namespace hidupsd::serve {

using NutClock = std::chrono::steady_clock;

/// Where a connection stands with STARTTLS.
enum class NutTlsState : std::uint8_t {
  Off,       ///< clear text
  Starting,  ///< "OK STARTTLS" queued in clear: nothing is read until it is sent
  Handshake, ///< SSL_accept in progress (bounded by firstLineTimeout)
  On,        ///< every byte goes through `tls`
};

struct NutServer::Client {
  Client(lib::UniqueFd socket, const std::string& address, bool local, NutServer& server)
      : fd(std::move(socket)),
        session(server.options_.service, server.backend_, server.logins_, address, local) {}
  lib::UniqueFd fd;
  NutSession session;
  std::string input;       ///< received, not answered yet (whole lines and a partial one)
  std::string output;      ///< replies not sent yet
  bool discarding = false; ///< inside an over-long line: skip to its newline
  bool closing = false;    ///< LOGOUT: close once `output` is sent
  bool dead = false;       ///< to be removed after this round
  bool heardLine = false;  ///< a complete request line has come
  NutClock::time_point connectedAt = NutClock::now();
  NutClock::time_point lastHeard = connectedAt;
  NutClock::time_point heldUntil{}; ///< after a failed login: no reading, no answering before
  NutTlsState tlsState = NutTlsState::Off;
  std::unique_ptr<TlsStream> tls;  ///< declared after fd: freed before the socket closes
  short tlsWants = 0;              ///< POLLIN/POLLOUT the TLS layer waits for
  NutClock::time_point tlsSince{}; ///< when the handshake began

  bool held(NutClock::time_point now) const noexcept { return now < heldUntil; }
  /// Whether more requests may be read now (replies are sent as they come).
  bool readable(NutClock::time_point now) const noexcept {
    return !dead && !closing && !held(now) &&
           (tlsState == NutTlsState::Off || tlsState == NutTlsState::On);
  }
};

} // namespace hidupsd::serve
