// SPDX-License-Identifier: GPL-2.0-or-later
// ListenerSupervisor: spawn, feed, answer, watch, restart.
#include "src/listener_supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "lib/unique_fd.hpp"

extern char** environ;

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "listener";
namespace ch = serve::channel;
using Clock = std::chrono::steady_clock;

/// Starts the listener with `childEnd` as its descriptor 3, in its own process group (a ^C on
/// the terminal is the daemon's to handle), with no signal blocked. Throws std::system_error.
pid_t spawnListener(const std::vector<std::string>& argv, int childEnd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, childEnd, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigfillset(&defaults);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> args; // argv[0] is the program's path, the rest its argv
  for (std::size_t i = 1; i < argv.size(); ++i)
    args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv.at(0).c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "spawning the listener");
  return pid;
}

std::string howEnded(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status),
                       ::strsignal(WTERMSIG(status)));
  return "ended";
}

} // namespace

ListenerSupervisor::ListenerSupervisor(std::vector<std::string> argv, SetupFn setup, StateFn state,
                                       RequestFn handle, ListenerTimings timings)
    : argv_(std::move(argv)), setup_(std::move(setup)), state_(std::move(state)),
      handle_(std::move(handle)), timings_(timings) {
  wakeFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeFd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

ListenerSupervisor::~ListenerSupervisor() {
  stop();
  ::close(wakeFd_);
}

void ListenerSupervisor::start() {
  worker_ = std::thread([this] { work(); });
  supervisor_ = std::thread([this] { supervise(); });
}

void ListenerSupervisor::stop() noexcept {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wakeFd_, &one, sizeof one);
  if (supervisor_.joinable()) supervisor_.join();
  if (worker_.joinable()) worker_.join();
}

void ListenerSupervisor::wake() noexcept {
  {
    std::lock_guard lock(mutex_);
    ++readings_;
    changed_.notify_all();
  }
  stateDue_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wakeFd_, &one, sizeof one);
}

bool ListenerSupervisor::sleepFor(std::chrono::seconds d) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, d, [this] { return stopping_.load(); });
  return !stopping_.load();
}

void ListenerSupervisor::supervise() {
  auto backoff = timings_.firstBackoff;
  while (!stopping_.load()) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      log::error(kDomain, "cannot make its channel: {}", std::strerror(errno));
      if (!sleepFor(backoff)) break;
      backoff = std::min(backoff * 2, timings_.maxBackoff);
      continue;
    }
    lib::UniqueFd ours(pair[0]);
    lib::UniqueFd theirs(pair[1]);
    pid_t pid = 0;
    try {
      pid = spawnListener(argv_, theirs.get());
    } catch (const std::exception& e) {
      log::error(kDomain, "{}", e.what());
      if (!sleepFor(backoff)) break;
      backoff = std::min(backoff * 2, timings_.maxBackoff);
      continue;
    }
    theirs.reset();
    ++starts_;
    pid_.store(pid);
    const auto began = Clock::now();
    std::string why;
    try {
      why = serveOne(ours.get(), pid);
    } catch (const std::exception& e) { // out of memory: the listener goes, the daemon stays
      ::kill(-pid, SIGKILL);
      why = fmt::format("serving it failed: {}", e.what());
    }
    ours.reset(); // the listener reads EOF: it ends
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 20 && !reaped; ++i) { // 2 s to exit on its own
      reaped = ::waitpid(pid, &status, WNOHANG) == pid;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!reaped) {
      ::kill(-pid, SIGKILL); // its process group: anything it might have left behind too
      reaped = ::waitpid(pid, &status, 0) == pid;
    }
    pid_.store(0);
    logins_.store(kUnknown); // its connections died with it; a new one reports again
    {
      std::lock_guard lock(mutex_);
      requests_.clear();
      replies_.clear();
      ++generation_;
    }
    const auto ended = reaped ? howEnded(status) : std::string("could not be reaped");
    if (stopping_.load()) {
      log::info(kDomain, "listener (pid {}) stopped: {}", pid, ended);
      break;
    }
    if (Clock::now() - began >= timings_.stableAfter) backoff = timings_.firstBackoff;
    log::error(kDomain,
               "listener (pid {}) {}: {}; the monitor and the shutdown go on, the servers "
               "start again in {} s",
               pid, ended, why, backoff.count());
    if (!sleepFor(backoff)) break;
    backoff = std::min(backoff * 2, timings_.maxBackoff);
  }
}

std::string ListenerSupervisor::serveOne(int fd, pid_t pid) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  const auto began = Clock::now();
  std::string out; // framed bytes, written up to `sent`
  std::size_t sent = 0;
  out = ch::frame(setup_()); // first: what to serve
  std::string lastState;     // the last State sent, encoded
  Clock::time_point stateSent{};
  Clock::time_point nextState{};
  Clock::time_point nextPing = began + timings_.pingPeriod;
  auto pongDue = Clock::time_point::max(); // max: no ping waits for its answer
  std::uint64_t pingSequence = 0;
  bool hello = false;
  ch::FrameReader frames;
  std::string buffer(64 * 1024, '\0');
  std::string message;

  const auto kill = [pid](const std::string& why) {
    ::kill(-pid, SIGKILL); // the listener leads its own process group
    return why + " (killed)";
  };

  while (!stopping_.load()) {
    const auto now = Clock::now();
    if (!hello && now - began > timings_.helloTimeout)
      return kill(fmt::format("not serving {} s after its start", timings_.helloTimeout.count()));
    if (now > pongDue)
      return kill(fmt::format("no answer to a ping for {} s", timings_.pongTimeout.count()));
    if (stateDue_.exchange(false)) nextState = now;
    if (hello && now >= nextState) {
      nextState = now + timings_.statePeriod;
      try {
        auto encoded = ch::frame(state_());
        if (encoded != lastState || now - stateSent >= timings_.stateRefresh) {
          out += encoded;
          lastState = std::move(encoded);
          stateSent = now;
        }
      } catch (const std::exception& e) {
        log::error(kDomain, "state for the listener: {}", e.what());
      }
    }
    if (now >= nextPing) {
      nextPing = now + timings_.pingPeriod;
      if (pongDue == Clock::time_point::max()) pongDue = now + timings_.pongTimeout;
      out += ch::frame(ch::Ping{++pingSequence});
    }
    {
      std::lock_guard lock(mutex_);
      for (auto& r : replies_)
        out += r;
      replies_.clear();
    }
    if (out.size() - sent > timings_.maxOutgoing)
      return kill(fmt::format("{} bytes sent and not read", out.size() - sent));

    pollfd fds[2] = {{fd, static_cast<short>(POLLIN | (out.size() == sent ? 0 : POLLOUT)), 0},
                     {wakeFd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(timings_.statePeriod.count()));
    if (ready < 0 && errno != EINTR) return fmt::format("poll: {}", std::strerror(errno));
    if (fds[1].revents & POLLIN) {
      std::uint64_t v = 0;
      [[maybe_unused]] const auto n = ::read(wakeFd_, &v, sizeof v);
    }
    if (fds[0].revents & POLLOUT && out.size() > sent) {
      const auto n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0)
        sent += static_cast<std::size_t>(n);
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        return fmt::format("writing its channel: {}", std::strerror(errno));
      if (sent == out.size() || sent > (std::size_t{1} << 20)) { // compact now and then only
        out.erase(0, sent);
        sent = 0;
      }
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) return "its channel closed";
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      if (errno == ECONNRESET) return "its channel closed"; // it left bytes of ours unread
      return fmt::format("reading its channel: {}", std::strerror(errno));
    }
    try {
      frames.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      while (frames.next(message)) {
        // A type only the daemon sends is refused before it is decoded (a 4 MiB State).
        if (message.size() >= 2 && static_cast<unsigned char>(message[1]) < 16)
          throw ch::ChannelError(1, "a message only the daemon sends");
        auto m = ch::decode(message);
        if (const auto* h = std::get_if<ch::Hello>(&m)) {
          if (hello) throw ch::ChannelError(0, "a second Hello");
          hello = true;
          nextState = Clock::now();
          log::notice(kDomain, "listener (pid {}) serving as uid {}{}{}", h->pid, h->uid,
                      h->nutPort ? fmt::format(", NUT on port {}", h->nutPort) : "",
                      h->httpPort ? fmt::format(", HTTP on port {}", h->httpPort) : "");
          if (h->uid == 0 && ::geteuid() == 0)
            log::error(kDomain, "the listener still runs as root");
        } else if (const auto* l = std::get_if<ch::Logins>(&m)) {
          logins_.store(std::min<std::size_t>(l->count, 100000));
        } else if (const auto* p = std::get_if<ch::Pong>(&m)) {
          if (p->sequence == pingSequence) pongDue = Clock::time_point::max();
        } else if (auto* q = std::get_if<ch::Request>(&m)) {
          if (!hello) throw ch::ChannelError(0, "a request before Hello");
          std::lock_guard lock(mutex_);
          if (requests_.size() + (busy_ ? 1 : 0) >= timings_.maxQueuedRequests) {
            ch::Reply busy;
            busy.id = q->id;
            busy.text = "the daemon is busy: try again";
            out += ch::frame(busy);
          } else {
            requests_.push_back(std::move(*q));
            changed_.notify_all();
          }
        } else {
          throw ch::ChannelError(0, "a message only the daemon sends");
        }
      }
    } catch (const ch::ChannelError& e) {
      return kill(fmt::format("it sent a malformed message: {}", e.what()));
    }
  }
  return "the daemon stops";
}

void ListenerSupervisor::work() {
  for (;;) {
    ch::Request q;
    std::uint64_t generation = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_.load() || !requests_.empty(); });
      if (stopping_.load()) return;
      q = std::move(requests_.front());
      requests_.pop_front();
      generation = generation_;
      busy_ = true;
    }
    const bool write = q.kind == ch::Request::Kind::InstantCommand ||
                       q.kind == ch::Request::Kind::SetVariable ||
                       q.kind == ch::Request::Kind::ForcedShutdown;
    const auto readingsBefore = readings_.load();
    ch::Reply reply;
    try {
      reply = handle_(q);
    } catch (const std::exception& e) {
      reply.ok = false;
      reply.text = e.what();
    }
    reply.id = q.id;
    // A client that wrote reads back at once (upsrw, then upsc): the state goes first.
    std::string fresh;
    if (write) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, kReadBackWait,
                          [&] { return stopping_.load() || readings_.load() != readingsBefore; });
      }
      try {
        fresh = ch::frame(state_());
      } catch (const std::exception& e) {
        log::error(kDomain, "state for the listener: {}", e.what());
      }
    }
    std::string framed;
    try {
      framed = ch::frame(reply);
    } catch (const std::exception& e) {
      ch::Reply tooBig;
      tooBig.id = q.id;
      tooBig.text = e.what();
      framed = ch::frame(tooBig);
    }
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
      if (generation == generation_) {
        if (!fresh.empty()) replies_.push_back(std::move(fresh));
        replies_.push_back(std::move(framed));
      }
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wakeFd_, &one, sizeof one);
  }
}

} // namespace hidupsd
