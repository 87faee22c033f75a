// SPDX-License-Identifier: GPL-2.0-or-later
// Attackers on 127.0.0.1 for the hardening tests, and a sampler of the attacked process.
#include "tests/support/attack_support.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace hidupsd::test {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// A non-blocking connect to 127.0.0.1:port; -1 when no socket can be had.
int connectLoopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

IdleFlood::IdleFlood(std::uint16_t port, std::size_t count, std::size_t reconnectsPerSecond)
    : IdleFlood(port, count, reconnectsPerSecond, Deferred{}) {
  start();
}

IdleFlood::IdleFlood(std::uint16_t port, std::size_t count, std::size_t reconnectsPerSecond,
                     Deferred)
    : port_(port), count_(count), perSecond_(std::max<std::size_t>(reconnectsPerSecond, 10)) {}

IdleFlood::~IdleFlood() { stop(); }

void IdleFlood::start() {
  thread_ = std::thread([this] { run(); });
}

void IdleFlood::stop() noexcept {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool IdleFlood::onReadable(int fd) {
  char buf[4096];
  const auto n = ::recv(fd, buf, sizeof buf, 0);
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

void IdleFlood::run() noexcept {
  struct Conn {
    int fd;
    bool connected;
  };
  std::vector<Conn> conns;
  auto budgetStart = Clock::now();
  std::size_t budget = count_; // the first wave at once, then reconnections paced
  while (!stop_) {
    if (Clock::now() - budgetStart >= 100ms) {
      budgetStart = Clock::now();
      budget = std::max(budget, perSecond_ / 10);
    }
    while (conns.size() < count_ && budget > 0) {
      const int fd = connectLoopback(port_);
      if (fd < 0) break;
      conns.push_back({fd, false});
      ++opened_;
      --budget;
    }
    std::vector<pollfd> fds;
    fds.reserve(conns.size());
    for (const auto& c : conns)
      fds.push_back({c.fd, static_cast<short>(c.connected ? POLLIN : POLLOUT), 0});
    ::poll(fds.data(), fds.size(), 20);
    for (std::size_t i = 0; i < conns.size(); ++i) {
      auto& c = conns[i];
      const auto re = fds[i].revents;
      bool alive = true;
      if (!c.connected && (re & POLLOUT)) {
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len);
        alive = error == 0;
        if (alive) {
          c.connected = true;
          onConnected(c.fd);
        }
      } else if (c.connected && (re & (POLLIN | POLLHUP | POLLERR))) {
        alive = onReadable(c.fd);
      } else if (c.connected) {
        onTick(c.fd);
      }
      if (!alive || (re & POLLERR)) {
        ::close(c.fd);
        c.fd = -1;
        ++closed_;
      }
    }
    std::erase_if(conns, [](const Conn& c) { return c.fd < 0; });
  }
  for (const auto& c : conns)
    ::close(c.fd);
}

NutChatter::NutChatter(std::uint16_t port, std::size_t count, std::chrono::milliseconds period)
    : IdleFlood(port, count, 200, Deferred{}), period_(period) {
  start();
}

NutChatter::~NutChatter() { stop(); }

bool NutChatter::onReadable(int fd) {
  char buf[4096];
  const auto n = ::recv(fd, buf, sizeof buf, 0);
  if (n > 0) answers_ += static_cast<std::size_t>(std::count(buf, buf + n, '\n'));
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

/// Each connection says VER about once a period: staggered by descriptor number.
void NutChatter::onTick(int fd) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
          .count();
  const auto slot = (ms + fd * 37) % period_.count();
  if (slot < 20) (void)::send(fd, "VER\n", 4, MSG_NOSIGNAL);
}

ChunkedPost::ChunkedPost(std::uint16_t port, std::size_t bytes) {
  thread_ = std::thread([this, port, bytes] {
    const int fd = connectLoopback(port);
    if (fd < 0) {
      finished_ = true;
      return;
    }
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, 5000);
    std::string data =
        "POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk = "100000\r\n" + std::string(0x100000, 'x') + "\r\n";
    std::size_t queued = 0;
    while (!stop_ && sent_ < bytes) {
      if (data.empty()) {
        data = queued + chunk.size() <= bytes ? chunk : "0\r\n\r\n";
        queued += chunk.size();
      }
      const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
        data.erase(0, static_cast<std::size_t>(n));
        if (data.starts_with("0\r\n")) break;
        continue;
      }
      if (n < 0 && errno != EAGAIN) break; // the server closed it
      p = {fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
    }
    ::close(fd);
    finished_ = true;
  });
}

ChunkedPost::~ChunkedPost() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

ProcessSampler::ProcessSampler(pid_t pid) : pid_(pid) {
  thread_ = std::thread([this] {
    const std::string dir = "/proc/" + std::to_string(pid_) + "/fd";
    while (!stop_) {
      std::size_t n = 0;
      if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d))
          if (e->d_name[0] != '.') ++n;
        ::closedir(d);
      }
      if (n > peakFds_) peakFds_ = n;
      std::this_thread::sleep_for(50ms);
    }
  });
}

ProcessSampler::~ProcessSampler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

long ProcessSampler::peakRssKiB() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  return -1;
}

void raiseDescriptorLimit() {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return;
  l.rlim_cur = l.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &l);
}

} // namespace hidupsd::test
