// SPDX-License-Identifier: GPL-2.0-or-later
// runProcess: posix_spawn, pipes for the output, a pidfd for the exit, a deadline, a reap.
#include "lib/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "lib/unique_fd.hpp"

namespace hidupsd::lib {
namespace {

using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void throwErrno(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

/// Both ends close-on-exec (the child gets the write end as 1 and 2 through
/// dup2, which clears the flag); the read end is non-blocking so that a
/// drain never waits for a grandchild that keeps the pipe open.
Pipe makePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throwErrno(errno, "pipe2");
  Pipe p{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (::fcntl(p.read.get(), F_SETFL, O_NONBLOCK) != 0) throwErrno(errno, "fcntl");
  return p;
}

/// posix_spawn's attribute and file-action objects, destroyed on every path.
class SpawnSetup {
public:
  SpawnSetup(int outFd, int errFd) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
    check(posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0));
    check(posix_spawn_file_actions_adddup2(&actions_, outFd, 1));
    check(posix_spawn_file_actions_adddup2(&actions_, errFd, 2));
    // The daemon's sockets, device handles and pipes are none of the child's business.
    check(posix_spawn_file_actions_addclosefrom_np(&actions_, 3));
    // Own process group: a timeout kills the script and everything it started.
    // Default mask and dispositions: the daemon blocks signals for its own
    // handling, and a blocked SIGTERM would survive exec and defeat the timeout.
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    check(posix_spawnattr_setpgroup(&attr_, 0));
    check(posix_spawnattr_setsigmask(&attr_, &none));
    check(posix_spawnattr_setsigdefault(&attr_, &all));
    check(posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                               POSIX_SPAWN_SETSIGDEF));
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    posix_spawnattr_destroy(&attr_);
    posix_spawn_file_actions_destroy(&actions_);
  }

  const posix_spawn_file_actions_t* actions() const noexcept { return &actions_; }
  const posix_spawnattr_t* attr() const noexcept { return &attr_; }

private:
  static void check(int error) {
    if (error != 0) throwErrno(error, "posix_spawn setup");
  }
  posix_spawn_file_actions_t actions_{};
  posix_spawnattr_t attr_{};
};

/// A descriptor that polls readable when `pid` exits (Linux 5.3); -1 before.
/// Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
int openPidfd(pid_t pid) noexcept {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

std::vector<char*> cArray(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

/// A started child that is always reaped: the destructor kills its group and
/// waits when an exception leaves runProcess early.
class Child {
public:
  explicit Child(pid_t pid) noexcept : pid_(pid), pidfd_(openPidfd(pid)) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (reaped_) return;
    signalGroup(SIGKILL);
    abandon();
  }

  /// Whether the child has exited, without reaping it: an unreaped zombie
  /// keeps its pid, so the group id stays ours to signal.
  bool exited() const noexcept {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  }
  void signalGroup(int sig) const noexcept { ::kill(-pid_, sig); }
  /// Blocks until the child is gone; its wait status.
  int reap() noexcept {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status;
  }
  /// Leaves the child to a detached thread that reaps it whenever it exits: waiting here
  /// could be forever. (Without a thread it stays a zombie: better than a hung caller.)
  void abandon() noexcept {
    reaped_ = true;
    try {
      std::thread([pid = pid_] {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
      }).detach();
    } catch (...) {
    }
  }
  /// Readable when the child exits; -1 on kernels before 5.3 (then we tick).
  int pidfd() const noexcept { return pidfd_.get(); }

private:
  pid_t pid_;
  UniqueFd pidfd_;
  bool reaped_ = false;
};

/// One output stream up to a cap; past it, read and thrown away so the child never blocks.
class Collector {
public:
  Collector(UniqueFd fd, std::size_t cap, std::string& text, bool& truncated)
      : fd_(std::move(fd)), cap_(cap), text_(text), truncated_(truncated) {}
  bool open() const noexcept { return fd_.valid(); }
  int fd() const noexcept { return fd_.get(); }

  /// Reads what is there now; closes at EOF.
  void drain() {
    char buf[4096];
    while (fd_.valid()) {
      ssize_t n = ::read(fd_.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break; // EAGAIN: nothing more for now
      if (n == 0) {
        fd_.reset();
        break;
      }
      append(buf, static_cast<std::size_t>(n));
    }
  }

private:
  void append(const char* data, std::size_t n) {
    std::size_t room = cap_ - std::min(cap_, text_.size());
    text_.append(data, std::min(room, n));
    if (n > room) truncated_ = true;
  }
  UniqueFd fd_;
  std::size_t cap_;
  std::string& text_;
  bool& truncated_;
};

/// The child's output streams: stdout, and stderr when it has its own pipe.
struct Outputs {
  std::vector<Collector> streams;
  void drainAll() {
    for (auto& c : streams)
      c.drain();
  }
};

int pollTimeoutMs(SteadyClock::time_point until, bool haveExitFd) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(until - SteadyClock::now());
  if (!haveExitFd) left = std::min(left, std::chrono::milliseconds(10));
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

/// Reads output until the child exits (true) or `until` passes (false).
bool waitForExit(const Child& child, SteadyClock::time_point until, Outputs& out) {
  for (;;) {
    if (child.exited()) return true;
    if (SteadyClock::now() >= until) return false;
    pollfd fds[3];
    nfds_t n = 0;
    for (const auto& c : out.streams)
      if (c.open()) fds[n++] = {c.fd(), POLLIN, 0};
    if (child.pidfd() >= 0) fds[n++] = {child.pidfd(), POLLIN, 0};
    if (::poll(fds, n, pollTimeoutMs(until, child.pidfd() >= 0)) > 0) out.drainAll();
  }
}

void fillStatus(ProcessResult& r, int status) {
  if (WIFEXITED(status)) {
    r.exitStatus = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signaled = true;
    r.termSignal = WTERMSIG(status);
  }
}

} // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const ProcessOptions& options) {
  if (argv.empty() || argv.front().empty()) throw std::invalid_argument("empty command");
  Pipe outPipe = makePipe();
  Pipe errPipe;
  if (options.separateStderr) errPipe = makePipe();
  const auto started = SteadyClock::now();
  pid_t pid = 0;
  {
    SpawnSetup setup(outPipe.write.get(),
                     options.separateStderr ? errPipe.write.get() : outPipe.write.get());
    auto cArgv = cArray(argv);
    auto cEnv = cArray(env);
    // glibc reports exec failures (ENOENT, EACCES) here: it spawns with CLONE_VFORK.
    int error =
        ::posix_spawnp(&pid, cArgv[0], setup.actions(), setup.attr(), cArgv.data(), cEnv.data());
    if (error != 0) throwErrno(error, "posix_spawn");
  }
  // Else our own copies would keep the pipes from ever reaching EOF.
  outPipe.write.reset();
  errPipe.write.reset();
  Child child(pid);
  ProcessResult result;
  Outputs out;
  out.streams.reserve(2);
  out.streams.emplace_back(std::move(outPipe.read), options.outputCap, result.output,
                           result.truncated);
  if (options.separateStderr)
    out.streams.emplace_back(std::move(errPipe.read), options.outputCap, result.errors,
                             result.errorsTruncated);

  if (!waitForExit(child, started + options.timeout, out)) {
    result.timedOut = true;
    child.signalGroup(SIGTERM);
    waitForExit(child, SteadyClock::now() + options.killGrace, out);
    child.signalGroup(SIGKILL); // the program is gone or never will be: its helpers too
    if (!waitForExit(child, SteadyClock::now() + options.reapTimeout, out)) {
      child.abandon();
      result.abandoned = true;
      result.signaled = true;
      result.termSignal = SIGKILL;
      result.duration =
          std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
      return result;
    }
  }
  out.drainAll();
  fillStatus(result, child.reap());
  result.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  return result;
}

} // namespace hidupsd::lib
