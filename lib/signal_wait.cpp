// SPDX-License-Identifier: GPL-2.0-or-later
// SignalWait: signalfd + timerfd + eventfd under one poll(2).
#include "lib/signal_wait.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace hidupsd::lib {

namespace {

int checked(int fd, const char* what) {
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  return fd;
}

/// Reads a counter descriptor (timerfd, eventfd) empty; true if it had fired.
bool drain(int fd) noexcept {
  std::uint64_t count = 0;
  return ::read(fd, &count, sizeof count) == static_cast<ssize_t>(sizeof count) && count > 0;
}

} // namespace

SignalWait::SignalWait(const sigset_t& signals)
    : signals_(checked(::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK), "signalfd")),
      timer_(
          checked(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), "timerfd_create")),
      event_(checked(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd")) {}

void SignalWait::setPeriod(std::chrono::nanoseconds period) {
  itimerspec spec{};
  if (period.count() > 0) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(period);
    spec.it_interval.tv_sec = static_cast<time_t>(s.count());
    spec.it_interval.tv_nsec = static_cast<long>((period - s).count());
    spec.it_value = spec.it_interval;
  }
  if (::timerfd_settime(timer_.get(), 0, &spec, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(), "timerfd_settime");
}

void SignalWait::wake() noexcept {
  const std::uint64_t one = 1;
  // Only fails when the counter would overflow: it is then set anyway.
  [[maybe_unused]] const auto n = ::write(event_.get(), &one, sizeof one);
}

SignalWait::Wakeup SignalWait::wait() {
  pollfd fds[3] = {
      {signals_.get(), POLLIN, 0}, {timer_.get(), POLLIN, 0}, {event_.get(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    Wakeup w;
    if ((fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      if (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        w.signal = static_cast<int>(info.ssi_signo);
    }
    w.timer = (fds[1].revents & POLLIN) != 0 && drain(timer_.get());
    w.woken = (fds[2].revents & POLLIN) != 0 && drain(event_.get());
    if (w.signal != 0 || w.timer || w.woken) return w;
  }
}

} // namespace hidupsd::lib
