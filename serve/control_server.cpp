// SPDX-License-Identifier: GPL-2.0-or-later
// ControlServer: a Unix socket, one poll thread, bounded clients; askControl, its client.
#include "serve/control_server.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "lib/log.hpp"

namespace hidupsd::serve {

namespace {

constexpr std::string_view kDomain = "control";
using SteadyTime = std::chrono::steady_clock::time_point;

[[noreturn]] void throwErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

sockaddr_un address(const std::filesystem::path& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string s = path.string();
  if (s.empty() || s.size() >= sizeof a.sun_path)
    throw std::system_error(ENAMETOOLONG, std::generic_category(),
                            "control socket path '" + s + "'");
  std::memcpy(a.sun_path, s.c_str(), s.size() + 1);
  return a;
}

lib::UniqueFd unixSocket(int flags) {
  lib::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0));
  if (!fd.valid()) throwErrno("socket");
  return fd;
}

bool answers(const sockaddr_un& a) {
  const auto fd = unixSocket(0);
  return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
}

/// A socket file left by a daemon that died is replaced; a live one is not.
void clearStale(const std::filesystem::path& path, const sockaddr_un& a) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode))
    throw std::runtime_error(path.string() + " exists and is not a socket");
  if (answers(a)) throw std::runtime_error("another hidupsd answers on " + path.string());
  ::unlink(path.c_str());
}

void makeFolder(const std::filesystem::path& path) {
  const auto folder = path.parent_path();
  if (folder.empty() || std::filesystem::exists(folder)) return;
  std::filesystem::create_directories(folder);
  std::filesystem::permissions(folder, std::filesystem::perms(0755));
}

struct Client {
  lib::UniqueFd fd;
  SteadyTime deadline;
  std::string in;
  std::string out;
  std::size_t sent = 0;
  bool answered = false;
  bool done = false;
};

std::string requestName(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::string(line);
}

/// What the client is answered for `line` (a handler that throws: an error).
std::string answerFor(const ControlHandler& handler, std::string_view line) {
  const std::string request = requestName(line);
  try {
    if (auto a = handler(request)) return *a;
  } catch (const std::exception& e) {
    log::error(kDomain, "request '{}' failed: {}", request, e.what());
    return "error: internal error\n";
  }
  std::string shown;
  for (const char c : request.substr(0, 32))
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  return "error: unknown request '" + shown + "'; requests: status\n";
}

class Loop {
public:
  Loop(const ControlServerOptions& o, const ControlHandler& h, int listenFd, int wakeFd)
      : options_(o), handler_(h), listen_(listenFd), wake_(wakeFd) {}

  void run() {
    for (;;) {
      std::vector<pollfd> fds{{wake_, POLLIN, 0}, {listen_, POLLIN, 0}};
      for (const auto& c : clients_)
        fds.push_back({c.fd.get(), static_cast<short>(c.answered ? POLLOUT : POLLIN), 0});
      if (::poll(fds.data(), fds.size(), waitMs()) < 0 && errno != EINTR) return;
      if (fds[0].revents != 0) return;
      for (std::size_t i = 0; i < clients_.size(); ++i)
        serve(clients_[i], fds[i + 2].revents);
      if (fds[1].revents != 0) acceptAll();
      expire();
    }
  }

private:
  int waitMs() const {
    if (clients_.empty()) return -1;
    auto first = clients_.front().deadline;
    for (const auto& c : clients_)
      first = std::min(first, c.deadline);
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(first - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count()));
  }

  void acceptAll() {
    for (;;) {
      lib::UniqueFd fd(::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd.valid()) return; // EAGAIN, or out of descriptors: the next poll tries again
      if (clients_.size() >= options_.maxClients) {
        static constexpr std::string_view kBusy = "error: busy, try again\n";
        (void)::send(fd.get(), kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        log::debug(kDomain, "{} clients already: one more refused", clients_.size());
        continue;
      }
      Client c;
      c.fd = std::move(fd);
      c.deadline = std::chrono::steady_clock::now() + options_.clientTimeout;
      clients_.push_back(std::move(c));
    }
  }

  void serve(Client& c, short revents) {
    if (revents == 0) return;
    if (c.answered)
      write(c);
    else
      read(c);
  }

  void read(Client& c) {
    char buf[256];
    const std::size_t room = options_.maxRequest - c.in.size();
    const ssize_t n = ::recv(c.fd.get(), buf, std::min(room, sizeof buf), 0);
    if (n <= 0) {
      c.done = n == 0 || (errno != EAGAIN && errno != EINTR);
      return;
    }
    c.in.append(buf, static_cast<std::size_t>(n));
    const auto newline = c.in.find('\n');
    if (newline != std::string::npos)
      answer(c, answerFor(handler_, std::string_view(c.in).substr(0, newline)));
    else if (c.in.size() >= options_.maxRequest)
      answer(c, "error: request longer than " + std::to_string(options_.maxRequest) + " bytes\n");
  }

  void answer(Client& c, std::string text) {
    c.out = std::move(text);
    c.answered = true;
    write(c);
  }

  void write(Client& c) {
    const ssize_t n =
        ::send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n < 0) {
      c.done = errno != EAGAIN && errno != EINTR;
      return;
    }
    c.sent += static_cast<std::size_t>(n);
    c.done = c.sent == c.out.size();
  }

  void expire() {
    const auto now = std::chrono::steady_clock::now();
    for (auto& c : clients_)
      if (!c.done && now >= c.deadline) {
        log::debug(kDomain, "a client took over {} ms: closed", options_.clientTimeout.count());
        c.done = true;
      }
    std::erase_if(clients_, [](const Client& c) { return c.done; });
  }

  const ControlServerOptions& options_;
  const ControlHandler& handler_;
  int listen_;
  int wake_;
  std::vector<Client> clients_;
};

} // namespace

ControlServer::ControlServer(ControlServerOptions options, ControlHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  options_.maxClients = std::max<std::size_t>(1, options_.maxClients);
  options_.maxRequest = std::max<std::size_t>(8, options_.maxRequest);
}

ControlServer::~ControlServer() { stop(); }

void ControlServer::start() {
  const sockaddr_un a = address(options_.path);
  makeFolder(options_.path);
  clearStale(options_.path, a);
  auto fd = unixSocket(SOCK_NONBLOCK);
  const mode_t mode = options_.group ? 0660 : 0600;
  ::fchmod(fd.get(), mode); // Linux: the socket file is born with this mode (minus umask)
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throwErrno("bind " + options_.path.string());
  if (::chmod(options_.path.c_str(), mode) != 0 ||
      (options_.group && ::chown(options_.path.c_str(), static_cast<uid_t>(-1), *options_.group)))
    throwErrno("chmod/chown " + options_.path.string());
  if (::listen(fd.get(), 16) != 0) throwErrno("listen " + options_.path.string());
  lib::UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) throwErrno("eventfd");
  listen_ = std::move(fd);
  wake_ = std::move(wake);
  thread_ = std::thread([this] { run(); });
}

void ControlServer::run() noexcept {
  try {
    Loop(options_, handler_, listen_.get(), wake_.get()).run();
  } catch (const std::exception& e) {
    log::error(kDomain, "control socket stopped: {}", e.what());
  }
}

void ControlServer::stop() noexcept {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  thread_.join();
  listen_.reset();
  wake_.reset();
  ::unlink(options_.path.c_str());
}

std::string askControl(const std::filesystem::path& path, std::string_view request,
                       std::chrono::milliseconds timeout, std::size_t maxAnswer) {
  const sockaddr_un a = address(path);
  const auto fd = unixSocket(0);
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throwErrno("connect " + path.string());
  const std::string line = std::string(request) + "\n";
  if (::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
    throwErrno("send " + path.string());
  std::string answer;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0) return answer;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) errno = ETIMEDOUT;
    if (n < 0) throwErrno("read " + path.string());
    answer.append(buf, static_cast<std::size_t>(n));
    if (answer.size() > maxAnswer)
      throw std::runtime_error(path.string() + ": an answer over " + std::to_string(maxAnswer) +
                               " bytes");
  }
}

} // namespace hidupsd::serve
