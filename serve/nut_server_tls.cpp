// SPDX-License-Identifier: GPL-2.0-or-later
// NutServer's STARTTLS: "OK STARTTLS" in clear, then a non-blocking handshake in the poll
// loop, then every byte through TlsStream. As upsd's net_starttls (server/netssl.c), with
// the handshake bounded in time and nothing read in clear once STARTTLS is answered.
#include <poll.h>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "serve/nut_server.hpp"
#include "serve/nut_server_client.hpp"

namespace hidupsd::serve {

/// Called with "OK STARTTLS" queued. Bytes after the STARTTLS line, received before the
/// handshake, were sent before the client could have seen the OK: a real client waits for
/// it (upsclient.c does), so they are someone else's requests meant to be answered as if
/// they came inside TLS (STARTTLS command injection, CVE-2011-0411 and kin). Never read:
/// the connection is closed without a word.
void NutServer::beginTls(Client& client) {
  if (!client.input.empty()) {
    tlsFailed(client, fmt::format("{} bytes came after STARTTLS, before the TLS handshake "
                                  "(discarded, never read as requests)",
                                  client.input.size()));
    client.input.clear();
    client.output.clear();
    return;
  }
  client.tlsState = NutTlsState::Starting; // nothing more is read in clear
}

/// "OK STARTTLS" is sent: the handshake starts, bounded by firstLineTimeout.
void NutServer::startHandshake(Client& client) {
  try {
    client.tls = std::make_unique<TlsStream>(*options_.tls, client.fd.get());
  } catch (const TlsError& e) {
    tlsFailed(client, e.what());
    return;
  }
  client.tlsState = NutTlsState::Handshake;
  client.tlsSince = NutClock::now();
  continueHandshake(client);
}

void NutServer::continueHandshake(Client& client) {
  client.tlsWants = 0;
  switch (client.tls->handshake()) {
  case TlsStream::Status::Done: break;
  case TlsStream::Status::WantRead: client.tlsWants = POLLIN; return;
  case TlsStream::Status::WantWrite: client.tlsWants = POLLOUT; return;
  case TlsStream::Status::Closed:
    return tlsFailed(client, "the TLS handshake failed: the client closed the connection");
  case TlsStream::Status::Failed:
    return tlsFailed(client, fmt::format("the TLS handshake failed: {}", client.tls->error()));
  }
  client.tlsState = NutTlsState::On;
  client.lastHeard = NutClock::now();
  log::debug(kNutLogDomain, "NUT server: {} with {}", client.tls->version(),
             client.session.peerAddress());
  readFrom(client); // a request may have come with the handshake's last flight
}

std::ptrdiff_t NutServer::tlsReceive(Client& client, char* buffer, std::size_t size) {
  client.tlsWants = 0;
  const auto r = client.tls->read(buffer, size);
  switch (r.status) {
  case TlsStream::Status::Done: return static_cast<std::ptrdiff_t>(r.bytes);
  case TlsStream::Status::WantRead: return 0; // POLLIN is asked for as for any client
  case TlsStream::Status::WantWrite: client.tlsWants = POLLOUT; return 0;
  case TlsStream::Status::Closed: break;
  case TlsStream::Status::Failed:
    log::debug(kNutLogDomain, "NUT server: TLS with {}: {}", client.session.peerAddress(),
               client.tls->error());
    break;
  }
  client.dead = true;
  return -1;
}

std::ptrdiff_t NutServer::tlsTransmit(Client& client, const char* data, std::size_t size) {
  client.tlsWants = 0;
  const auto r = client.tls->write(data, size);
  switch (r.status) {
  case TlsStream::Status::Done: return static_cast<std::ptrdiff_t>(r.bytes);
  case TlsStream::Status::WantRead: client.tlsWants = POLLIN; return 0;
  case TlsStream::Status::WantWrite: client.tlsWants = POLLOUT; return 0;
  case TlsStream::Status::Closed:
  case TlsStream::Status::Failed: break;
  }
  client.dead = true;
  return -1;
}

/// Closed and counted with the other refusals (one line in full, then a summary).
void NutServer::tlsFailed(Client& client, const std::string& detail) {
  note(RefusalLog::Kind::TlsFailed, fmt::format("closed the connection from {} after STARTTLS: {}",
                                                client.session.peerAddress(), detail));
  ++tlsFailures_;
  client.dead = true;
}

/// Decrypted requests TLS holds are not announced by poll(): read them once the client may
/// send again (its replies were read, its wait after a failed login is over).
void NutServer::readPendingTls() {
  const auto now = NutClock::now();
  for (auto& c : clients_)
    if (c.readable(now) && c.tlsState == NutTlsState::On && c.tls && c.tls->pending()) readFrom(c);
}

} // namespace hidupsd::serve
