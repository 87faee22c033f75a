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
  std::string line;        ///< the request received so far
  std::string output;      ///< replies not sent yet
  bool discarding = false; ///< inside an over-long line: skip to its newline
  bool closing = false;    ///< LOGOUT: close once `output` is sent
  bool dead = false;       ///< to be removed after this round
  Clock::time_point lastHeard = Clock::now();
};

NutServer::NutServer(NutServerOptions options, UpsBackend& backend)
    : options_(std::move(options)), backend_(backend) {
  bindAndListen();
  wake_ = lib::UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_.valid()) throwErrno("eventfd");
}

NutServer::~NutServer() { stop(); }

void NutServer::bindAndListen() {
  const auto endpoint = formatEndpoint(options_.host, options_.port);
  const auto address = literalAddress(options_.host, options_.port);
  listener_ = openStreamSocket(address.storage.ss_family);
  const int one = 1;
  if (::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
    throwErrno("NUT server: setsockopt SO_REUSEADDR");
  if (::bind(listener_.get(), address.get(), address.length) != 0)
    throwErrno("NUT server: cannot bind " + endpoint);
  if (::listen(listener_.get(), 16) != 0) throwErrno("NUT server: cannot listen on " + endpoint);
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
    throwErrno("NUT server: getsockname");
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
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
  std::vector<pollfd> fds{{wake_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
  for (const auto& c : clients_) {
    short events = c.output.empty() ? 0 : POLLOUT;
    if (!c.closing && c.output.size() < kMaxPendingOutput) events |= POLLIN;
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
  if (fds[1].revents & POLLIN) acceptAll();
  closeIdle();
  removeDead();
}

/// Until the next idle deadline (-1: no clients, sleep until woken or a connection).
int NutServer::pollTimeout() const {
  if (clients_.empty()) return -1;
  auto oldest = Clock::time_point::max();
  for (const auto& c : clients_)
    oldest = std::min(oldest, c.lastHeard);
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(oldest + options_.idleTimeout - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count() + 1, 0, 60000));
}

void NutServer::acceptAll() {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof(peer);
    lib::UniqueFd fd(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &length,
                               SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        log::warning(kNutLogDomain, "NUT server: accept: {}", std::strerror(errno));
      return;
    }
    admit(std::move(fd), addressText(peer));
  }
}

void NutServer::admit(lib::UniqueFd fd, const std::string& address) {
  if (clients_.size() >= options_.maxClients) {
    log::warning(kNutLogDomain,
                 "NUT server: refused connection from {}: {} clients already connected "
                 "(the limit)",
                 address, clients_.size());
    return; // fd closes here
  }
  clients_.emplace_back(std::move(fd), address, *this);
  clientCount_ = clients_.size();
  log::debug(kNutLogDomain, "NUT server: connection from {}", address);
}

void NutServer::readFrom(Client& client) {
  char buffer[4096];
  const auto n = ::recv(client.fd.get(), buffer, sizeof(buffer), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) { // closed by the peer, or reset
    client.dead = true;
    return;
  }
  feed(client, std::string_view(buffer, static_cast<std::size_t>(n)));
  flush(client);
}

/// Splits received bytes into lines; each complete line is answered in order.
void NutServer::feed(Client& client, std::string_view data) {
  while (!data.empty() && !client.closing) {
    const auto newline = data.find('\n');
    const auto piece = data.substr(0, newline);
    const bool complete = newline != std::string_view::npos;
    data.remove_prefix(complete ? newline + 1 : data.size());
    if (client.discarding) {
      client.discarding = !complete;
      continue;
    }
    if (client.line.size() + piece.size() > options_.maxLineLength) {
      log::info(kNutLogDomain, "NUT server: {} sent a line over {} bytes",
                client.session.peerAddress(), options_.maxLineLength);
      client.output += nutError("TOO-LONG");
      client.line.clear();
      client.discarding = !complete;
      continue;
    }
    client.line.append(piece);
    if (!complete) return;
    answer(client, client.line);
    client.line.clear();
  }
}

void NutServer::answer(Client& client, std::string_view line) {
  client.lastHeard = Clock::now();
  const auto reply = client.session.handleLine(line);
  client.output += reply.text;
  client.closing = reply.close;
}

void NutServer::flush(Client& client) {
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
    if (c.dead || now - c.lastHeard < options_.idleTimeout) continue;
    log::debug(kNutLogDomain, "NUT server: closing idle connection from {}",
               c.session.peerAddress());
    c.dead = true;
  }
}

void NutServer::removeDead() {
  clients_.remove_if([](const Client& c) { return c.dead; });
  clientCount_ = clients_.size();
}

} // namespace hidupsd::serve
