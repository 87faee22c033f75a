// SPDX-License-Identifier: GPL-2.0-or-later
// NutServer: listener, poll() loop, line framing and buffered replies around NutSession.
#include "serve/nut_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "serve/nut_session.hpp"

namespace hidupsd::serve {
namespace {

using Clock = std::chrono::steady_clock;

/// Above this many unsent reply bytes a client is not read from until it catches up.
constexpr std::size_t kMaxPendingOutput = 64 * 1024;
/// Connections the kernel queues before we accept them (they hold no descriptor of ours).
constexpr int kListenBacklog = 128;
/// Connections accepted per round of the loop.
constexpr int kAcceptBatch = 32;
/// After accept() failed for want of descriptors.
constexpr std::chrono::milliseconds kAcceptPause{250};

[[noreturn]] void throwErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

} // namespace

struct NutServer::Client {
  Client(lib::UniqueFd socket, const std::string& address, NutServer& server)
      : fd(std::move(socket)),
        session(server.options_.service, server.backend_, server.logins_, address) {}
  lib::UniqueFd fd;
  NutSession session;
  std::string input;       ///< received, not answered yet (whole lines and a partial one)
  std::string output;      ///< replies not sent yet
  bool discarding = false; ///< inside an over-long line: skip to its newline
  bool closing = false;    ///< LOGOUT: close once `output` is sent
  bool dead = false;       ///< to be removed after this round
  bool heardLine = false;  ///< a complete request line has come
  Clock::time_point connectedAt = Clock::now();
  Clock::time_point lastHeard = connectedAt;
  Clock::time_point heldUntil{}; ///< after a failed login: no reading, no answering before
  bool held(Clock::time_point now) const noexcept { return now < heldUntil; }
};

NutServer::NutServer(NutServerOptions options, UpsBackend& backend)
    : options_(std::move(options)), backend_(backend), allow_(options_.allow, options_.logInterval),
      throttle_(options_.authDelay, options_.authMaxDelay), refusals_(options_.logInterval) {
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
  for (const auto& c : clients_) {
    const bool held = c.held(now);
    short events = c.output.empty() || held ? 0 : POLLOUT;
    if (!c.closing && !held && c.output.size() < kMaxPendingOutput) events |= POLLIN;
    fds.push_back({c.fd.get(), events, 0});
  }
  if (::poll(fds.data(), fds.size(), pollTimeout()) < 0) {
    if (errno == EINTR) return;
    throwErrno("poll");
  }
  if (stopping_) return;
  auto it = clients_.begin();
  for (std::size_t i = 2; i < fds.size(); ++i, ++it) {
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) readFrom(*it);
    if (!it->dead && (fds[i].revents & POLLOUT)) flush(*it);
  }
  // A client held after a failed login goes on where it stopped once its wait is over.
  const auto later = Clock::now();
  for (auto& c : clients_) {
    if (c.dead || c.held(later) || c.heldUntil == Clock::time_point{}) continue;
    c.heldUntil = {};
    drain(c);
    flush(c);
  }
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
  for (const auto& c : clients_) {
    next = std::min(next, c.lastHeard + options_.idleTimeout);
    if (!c.heardLine) next = std::min(next, c.connectedAt + options_.firstLineTimeout);
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
    admit(std::move(fd), addressText(peer));
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

void NutServer::admit(lib::UniqueFd fd, const std::string& address) {
  const auto live = static_cast<std::size_t>(
      std::count_if(clients_.begin(), clients_.end(), [](const Client& c) { return !c.dead; }));
  if (live >= options_.maxClients && !evictFor(address)) {
    note(RefusalLog::Kind::Refused,
         fmt::format("refused a connection from {}: all {} connections are logged-in clients",
                     address, live));
    return; // fd closes here
  }
  clients_.emplace_back(std::move(fd), address, *this);
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
  victim->fd.reset(); // its descriptor is free at once, for the newcomer
  ++evictions_;
  return true;
}

void NutServer::readFrom(Client& client) {
  char buffer[4096];
  const auto n = ::recv(client.fd.get(), buffer, sizeof(buffer), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) { // closed by the peer, or reset
    client.dead = true;
    return;
  }
  client.input.append(buffer, static_cast<std::size_t>(n));
  drain(client);
  flush(client);
}

/// Answers the complete lines received, in order, until the client is held or closing.
void NutServer::drain(Client& client) {
  while (!client.closing && !client.dead && !client.held(Clock::now())) {
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
    const auto n =
        ::send(client.fd.get(), client.output.data(), client.output.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      client.dead = true;
      return;
    }
    client.output.erase(0, static_cast<std::size_t>(n));
  }
  if (client.closing) client.dead = true;
}

void NutServer::closeIdle() {
  const auto now = Clock::now();
  for (auto& c : clients_) {
    if (c.dead) continue;
    if (!c.heardLine && now - c.connectedAt >= options_.firstLineTimeout) {
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
