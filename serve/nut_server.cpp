// SPDX-License-Identifier: GPL-2.0-or-later
// NutServer: listener, poll() loop, line framing and buffered replies around NutSession.
#include "serve/nut_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "serve/nut_server_client.hpp"

namespace hidupsd::serve {
namespace {

using Clock = NutClock;

/// Above this many unsent reply bytes a client is not read from until it catches up.
constexpr std::size_t kMaxPendingOutput = 64 * 1024;
/// Connections the kernel queues before we accept them (they hold no descriptor of ours).
constexpr int kListenBacklog = 128;
/// Connections accepted per round of the loop.
constexpr int kAcceptBatch = 32;
/// After accept() failed for want of descriptors.
constexpr std::chrono::milliseconds kAcceptPause{250};
/// Reads per client per round (TLS may hold decrypted bytes poll() does not announce).
constexpr int kReadsPerRound = 8;

[[noreturn]] void throwErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

} // namespace

NutServer::NutServer(NutServerOptions options, UpsBackend& backend)
    : options_(std::move(options)), backend_(backend), allow_(options_.allow, options_.logInterval),
      throttle_(options_.authDelay, options_.authMaxDelay), refusals_(options_.logInterval) {
  options_.service.tls = options_.tls != nullptr;
  bindAndListen();
  wake_ = lib::UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_.valid()) throwErrno("eventfd");
}

NutServer::~NutServer() { stop(); }

void NutServer::bindAndListen() {
  auto listener = listenOn(options_.host, options_.port, kListenBacklog, "NUT server");
  listener_ = std::move(listener.fd);
  port_ = listener.port;
}

void NutServer::start() {
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
  log::info(kNutLogDomain, "NUT server listening on {}", formatEndpoint(options_.host, port_));
}

void NutServer::stop() noexcept {
  std::lock_guard lock(stopMutex_);
  stopping_ = true;
  const std::uint64_t one = 1;
  if (wake_.valid()) (void)!::write(wake_.get(), &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  clients_.clear(); // the thread has ended (or never ran): ours to touch
  clientCount_ = 0;
  listener_.reset();
}

void NutServer::run() noexcept {
  // OpenSSL writes to the socket with write(): a client gone away must be EPIPE, not a
  // SIGPIPE that ends the daemon. Blocked in this thread alone (a synchronous signal goes
  // to the thread that caused it); children the daemon starts are not affected.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  while (!stopping_) {
    try {
      pollOnce();
    } catch (const std::exception& e) {
      // poll() itself failing is not expected; do not spin on it.
      log::error(kNutLogDomain, "NUT server: {}", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  clients_.clear();
  clientCount_ = 0;
}

void NutServer::pollOnce() {
  const auto now = Clock::now();
  const bool accepting = now >= acceptPausedUntil_;
  const short listen = accepting ? POLLIN : 0;
  std::vector<pollfd> fds{{wake_.get(), POLLIN, 0}, {listener_.get(), listen, 0}};
  for (const auto& c : clients_)
    fds.push_back({c.fd.get(), eventsFor(c, now), 0});
  if (::poll(fds.data(), fds.size(), pollTimeout()) < 0) {
    if (errno == EINTR) return;
    throwErrno("poll");
  }
  if (stopping_) return;
  auto it = clients_.begin();
  for (std::size_t i = 2; i < fds.size(); ++i, ++it)
    if (fds[i].revents != 0) handleEvents(*it, fds[i].revents);
  // A client held after a failed login goes on where it stopped once its wait is over.
  const auto later = Clock::now();
  for (auto& c : clients_) {
    if (c.dead || c.held(later) || c.heldUntil == Clock::time_point{}) continue;
    c.heldUntil = {};
    drain(c);
    flush(c);
  }
  readPendingTls();
  if (fds[1].revents & POLLIN) acceptAll();
  closeIdle();
  removeDead();
  if (auto line = refusals_.summary(Clock::now()); !line.empty())
    log::warning(kNutLogDomain, "{}", line);
}

/// Until the next deadline: idle or silent clients, a held client, the refusal summary, the
/// end of an accept pause (-1: none, sleep until woken or a connection).
int NutServer::pollTimeout() const {
  auto next = Clock::time_point::max();
  const auto now = Clock::now();
  for (const auto& c : clients_) {
    if (c.readable(now) && c.tlsState == NutTlsState::On && c.tls && c.tls->pending()) return 0;
    next = std::min(next, c.lastHeard + options_.idleTimeout);
    if (!c.heardLine) next = std::min(next, c.connectedAt + options_.firstLineTimeout);
    if (c.tlsState == NutTlsState::Handshake)
      next = std::min(next, c.tlsSince + options_.firstLineTimeout);
    if (c.heldUntil != Clock::time_point{}) next = std::min(next, c.heldUntil);
  }
  if (const auto due = refusals_.dueAt()) next = std::min(next, *due);
  if (acceptPausedUntil_ > Clock::now()) next = std::min(next, acceptPausedUntil_);
  if (next == Clock::time_point::max()) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count() + 1, 0, 60000));
}

/// At most a batch per round, so that a flood of connections cannot starve the clients.
void NutServer::acceptAll() {
  for (int i = 0; i < kAcceptBatch && acceptOne(); ++i) {
  }
}

bool NutServer::acceptOne() {
  sockaddr_storage peer{};
  socklen_t length = sizeof(peer);
  lib::UniqueFd fd(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &length,
                             SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (fd.valid() && !allow_.allows(reinterpret_cast<const sockaddr*>(&peer), length)) {
    // Closed before a byte is read or written (fd closes here).
    const auto line = allow_.refused(addressText(peer), Clock::now());
    denied_ = allow_.refusedTotal();
    if (line) log::warning(kNutLogDomain, "NUT server: {}", *line);
    return true;
  }
  if (fd.valid()) {
    const bool local = options_.clearOnThisHost && onThisHost(fd.get(), peer);
    admit(std::move(fd), addressText(peer), local);
    return true;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return false;
  if (errno == ECONNABORTED) return true;
  // EMFILE/ENFILE: the connection stays queued in the kernel; polling the listener again at
  // once would spin, so pause accepting for a moment.
  note(RefusalLog::Kind::AcceptFailed, fmt::format("accept: {}", std::strerror(errno)));
  acceptPausedUntil_ = Clock::now() + kAcceptPause;
  return false;
}

void NutServer::admit(lib::UniqueFd fd, const std::string& address, bool local) {
  const auto live = static_cast<std::size_t>(
      std::count_if(clients_.begin(), clients_.end(), [](const Client& c) { return !c.dead; }));
  if (live >= options_.maxClients && !evictFor(address)) {
    note(RefusalLog::Kind::Refused,
         fmt::format("refused a connection from {}: all {} connections are logged-in clients",
                     address, live));
    return; // fd closes here
  }
  clients_.emplace_back(std::move(fd), address, local, *this);
  clientCount_ = clients_.size();
  log::debug(kNutLogDomain, "NUT server: connection from {}", address);
}

/// Closes the connection idle longest among those not logged in; false if every one is.
bool NutServer::evictFor(const std::string& newcomer) {
  Client* victim = nullptr;
  for (auto& c : clients_)
    if (!c.dead && !c.session.loggedIn() && (victim == nullptr || c.lastHeard < victim->lastHeard))
      victim = &c;
  if (victim == nullptr) return false;
  note(RefusalLog::Kind::Evicted,
       fmt::format("{} connections (the limit): closed the one idle longest, from {}, to admit {}",
                   options_.maxClients, victim->session.peerAddress(), newcomer));
  victim->dead = true;
  victim->tls.reset();
  victim->fd.reset(); // its descriptor is free at once, for the newcomer
  ++evictions_;
  return true;
}

/// What to wait for: requests while the client may send them and its replies are read; the
/// replies; and whatever the TLS layer waits for.
short NutServer::eventsFor(const Client& c, Clock::time_point now) const {
  if (c.tlsState == NutTlsState::Handshake) return c.tlsWants;
  if (c.held(now)) return 0; // a hang-up still shows (POLLHUP, POLLERR)
  short events = c.output.empty() ? 0 : POLLOUT;
  if (c.readable(now) && c.output.size() < kMaxPendingOutput) events |= POLLIN;
  if (c.tlsState == NutTlsState::On) events |= c.tlsWants;
  return events;
}

void NutServer::handleEvents(Client& client, short revents) {
  if (client.tlsState == NutTlsState::Handshake) return continueHandshake(client);
  // Gone (both directions shut, or an error) while nothing may be read from it: held after a
  // failed login, "OK STARTTLS" queued, replies unread. Nobody is left to answer.
  if ((revents & (POLLHUP | POLLERR)) && !client.readable(Clock::now())) {
    client.dead = true;
    return;
  }
  // Under TLS a read may wait for the socket to be writable and a write for it to be
  // readable: both are tried on any event.
  const bool tls = client.tlsState == NutTlsState::On;
  if (tls || (revents & (POLLIN | POLLHUP | POLLERR))) readFrom(client);
  if (!client.dead && (tls || (revents & POLLOUT))) flush(client);
}

void NutServer::readFrom(Client& client) {
  char buffer[4096];
  for (int i = 0; i < kReadsPerRound; ++i) {
    if (!client.readable(Clock::now()) || client.output.size() >= kMaxPendingOutput) return;
    const auto n = receive(client, buffer, sizeof(buffer));
    if (n <= 0) return; // nothing now, or the client is dead
    client.input.append(buffer, static_cast<std::size_t>(n));
    drain(client);
    flush(client);
    if (!client.tls || !client.tls->pending()) return;
  }
}

/// Bytes received (> 0); 0: none now; -1: the connection is over (the client is dead).
std::ptrdiff_t NutServer::receive(Client& client, char* buffer, std::size_t size) {
  if (client.tls) return tlsReceive(client, buffer, size);
  const auto n = ::recv(client.fd.get(), buffer, size, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
  if (n <= 0) { // closed by the peer, or reset
    client.dead = true;
    return -1;
  }
  return n;
}

/// Bytes sent (> 0); 0: the socket is full; -1: the connection is over (the client is dead).
std::ptrdiff_t NutServer::transmit(Client& client, const char* data, std::size_t size) {
  if (client.tls) return tlsTransmit(client, data, size);
  while (true) {
    const auto n = ::send(client.fd.get(), data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n <= 0) {
      client.dead = true;
      return -1;
    }
    return n;
  }
}

/// Answers the complete lines received, in order, until the client is held or closing.
void NutServer::drain(Client& client) {
  while (client.readable(Clock::now())) {
    const auto newline = client.input.find('\n');
    if (newline == std::string::npos) {
      if (client.discarding) {
        client.input.clear();
      } else if (client.input.size() > options_.maxLineLength) {
        log::info(kNutLogDomain, "NUT server: {} sent a line over {} bytes",
                  client.session.peerAddress(), options_.maxLineLength);
        client.output += nutError("TOO-LONG");
        client.input.clear();
        client.discarding = true;
      }
      return;
    }
    client.heardLine = true;
    if (client.discarding || newline > options_.maxLineLength) {
      if (!client.discarding) client.output += nutError("TOO-LONG");
      client.discarding = false;
      client.input.erase(0, newline + 1);
      continue;
    }
    const std::string line = client.input.substr(0, newline);
    if (gated(client, line)) return;
    client.input.erase(0, newline + 1);
    answer(client, line);
  }
}

/// A line that checks credentials waits while its address is throttled.
bool NutServer::gated(Client& client, std::string_view line) {
  if (!NutSession::checksCredentials(line)) return false;
  const auto now = Clock::now();
  const auto allowed = throttle_.allowedAt(client.session.peerAddress(), now);
  if (allowed <= now) return false;
  client.heldUntil = allowed;
  return true;
}

void NutServer::answer(Client& client, std::string_view line) {
  const auto now = Clock::now();
  client.lastHeard = now;
  const auto reply = client.session.handleLine(line);
  client.output += reply.text;
  client.closing = reply.close;
  const auto& address = client.session.peerAddress();
  if (reply.startTls) beginTls(client);
  if (reply.tlsRequired)
    note(RefusalLog::Kind::TlsRequired,
         fmt::format("refused a request in clear from {} (require_tls: STARTTLS first)", address));
  if (reply.authSucceeded) throttle_.succeeded(address);
  if (!reply.authFailed) return;
  const auto wait = throttle_.failed(address, now);
  client.heldUntil = now + wait; // the answer too waits
  note(RefusalLog::Kind::AuthFailed,
       fmt::format("wrong credentials from {} ({} in a row): its next try waits {} ms", address,
                   throttle_.failures(address), wait.count()));
}

void NutServer::flush(Client& client) {
  if (client.held(Clock::now())) return; // a failed login's answer waits with the client
  while (!client.output.empty()) {
    const auto n = transmit(client, client.output.data(), client.output.size());
    if (n <= 0) return;
    client.output.erase(0, static_cast<std::size_t>(n));
  }
  if (client.tlsState == NutTlsState::Starting) return startHandshake(client);
  if (!client.closing) return;
  if (client.tls) client.tls->shutdown();
  client.dead = true;
}

void NutServer::closeIdle() {
  const auto now = Clock::now();
  for (auto& c : clients_) {
    if (c.dead) continue;
    if (c.tlsState == NutTlsState::Handshake && now - c.tlsSince >= options_.firstLineTimeout) {
      tlsFailed(c, fmt::format("the TLS handshake did not end within {} ms",
                               options_.firstLineTimeout.count()));
    } else if (!c.heardLine && now - c.connectedAt >= options_.firstLineTimeout) {
      note(RefusalLog::Kind::Silent,
           fmt::format("closed the connection from {}: no request line within {} ms",
                       c.session.peerAddress(), options_.firstLineTimeout.count()));
      c.dead = true;
    } else if (now - c.lastHeard >= options_.idleTimeout) {
      log::debug(kNutLogDomain, "NUT server: closing idle connection from {}",
                 c.session.peerAddress());
      c.dead = true;
    }
  }
}

void NutServer::removeDead() {
  clients_.remove_if([](const Client& c) { return c.dead; });
  clientCount_ = clients_.size();
}

void NutServer::note(RefusalLog::Kind kind, const std::string& detail) {
  if (refusals_.count(kind, Clock::now()))
    log::warning(kNutLogDomain,
                 "NUT server: {} (more of the kind are counted in a summary "
                 "every {} s)",
                 detail, options_.logInterval.count());
}

} // namespace hidupsd::serve
