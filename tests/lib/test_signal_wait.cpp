// SPDX-License-Identifier: GPL-2.0-or-later
// SignalWait: a blocked signal, the periodic timer and another thread's wake-up each end a wait.
#include <doctest/doctest.h>

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "lib/signal_wait.hpp"

using hidupsd::lib::SignalWait;
using namespace std::chrono_literals;

namespace {

/// SIGUSR1 blocked in this thread while the test runs (signalfd reads it only then).
struct BlockedUsr1 {
  sigset_t set{};
  sigset_t old{};
  BlockedUsr1() {
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, &old);
  }
  ~BlockedUsr1() { pthread_sigmask(SIG_SETMASK, &old, nullptr); }
};

} // namespace

TEST_CASE("a signal, the timer, a wake-up: each ends the wait, and says which") {
  const BlockedUsr1 blocked;
  SignalWait wait(blocked.set);
  pthread_kill(pthread_self(), SIGUSR1);
  auto w = wait.wait();
  CHECK(w.signal == SIGUSR1);
  CHECK_FALSE(w.timer);
  CHECK_FALSE(w.woken);

  std::thread other([&] {
    std::this_thread::sleep_for(50ms);
    wait.wake();
  });
  w = wait.wait(); // blocked until the other thread's wake-up
  other.join();
  CHECK(w.woken);
  CHECK(w.signal == 0);

  wait.wake();
  wait.wake(); // twice before the wait reads it: one wake-up
  w = wait.wait();
  CHECK(w.woken);

  wait.setPeriod(20ms);
  const auto t0 = std::chrono::steady_clock::now();
  w = wait.wait();
  CHECK(w.timer);
  CHECK(std::chrono::steady_clock::now() - t0 >= 15ms);
  wait.setPeriod(0ms); // off: only the wake-up below ends the next wait
  std::this_thread::sleep_for(50ms);
  wait.wake();
  w = wait.wait();
  CHECK(w.woken);
}
