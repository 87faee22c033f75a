// SPDX-License-Identifier: GPL-2.0-or-later
// The NUT server under abuse: eviction, logged-in clients kept, silent connections, throttled
// logins, summarised refusals — and the pure guards behind them.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "serve/nut_client.hpp"
#include "serve/nut_guard.hpp"
#include "serve/nut_server.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/serve/test_raw_connection.hpp"
#include "tests/support/log_capture.hpp"

using namespace hidupsd::serve;
using hidupsd::test::eventually;
using hidupsd::test::FakeUpsBackend;
using hidupsd::test::RawConnection;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Fixture {
  FakeUpsBackend backend;
  hidupsd::test::LogCapture logs;

  NutServerOptions options() {
    NutServerOptions o;
    o.port = 0;
    o.service = {"ups", "test UPS", "0.1.0", hidupsd::test::testUsers()};
    return o;
  }
  static NutClient connect(const NutServer& server) {
    return NutClient({"127.0.0.1", server.port(), 3000ms});
  }
  std::size_t linesWith(const std::string& text) const {
    const auto all = logs.lines();
    return static_cast<std::size_t>(std::count_if(
        all.begin(), all.end(), [&](const auto& l) { return l.find(text) != std::string::npos; }));
  }
};

/// `n` connections that each said VER once and then keep quiet.
std::vector<std::unique_ptr<RawConnection>> quietClients(const NutServer& server, int n) {
  std::vector<std::unique_ptr<RawConnection>> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(std::make_unique<RawConnection>(server.port()));
    out.back()->send("VER\n");
    REQUIRE(out.back()->receive(1).starts_with("hidupsd"));
  }
  return out;
}

} // namespace

TEST_CASE_FIXTURE(Fixture, "32 connections that keep talking do not lock a new client out") {
  // main: 32 connections sending VER now and then refused every new client, indefinitely.
  NutServer server(options(), backend); // maxClients 32, the old global cap
  server.start();
  auto squatters = quietClients(server, 32);
  for (int round = 0; round < 3; ++round) {
    for (auto& s : squatters) // some were closed to make room: their sends may fail
      (void)::send(s->fd.get(), "VER\n", 4, MSG_NOSIGNAL);
    auto honest = connect(server); // upsc, Home Assistant, hidupsd --status
    CHECK(honest.getVariable("ups", "ups.status") == "OL");
  }
  CHECK(server.clientCount() <= 32);
  CHECK(server.evictionCount() >= 1);
}

TEST_CASE_FIXTURE(Fixture, "logged-in clients are never closed for others; when all are, a "
                           "new connection is refused, logged once") {
  auto o = options();
  o.maxClients = 3;
  NutServer server(o, backend);
  server.start();
  auto secondary = connect(server);
  secondary.authenticate("monsec", "secpass");
  secondary.request("LOGIN ups");
  std::vector<NutClient> passers; // a flood of newcomers evicts each other, never the login
  for (int i = 0; i < 10; ++i) {
    passers.push_back(connect(server));
    CHECK(passers.back().version().starts_with("hidupsd"));
  }
  CHECK(server.evictionCount() >= 8);
  CHECK(secondary.getVariable("ups", "ups.status") == "OL");
  auto second = connect(server);
  second.authenticate("monsec", "secpass");
  second.request("LOGIN ups");
  auto third = connect(server);
  third.authenticate("monsec", "secpass");
  third.request("LOGIN ups");
  CHECK(server.loginCount() == 3);
  RawConnection refused(server.port());
  CHECK(refused.closedByPeer());
  RawConnection refusedAgain(server.port());
  CHECK(refusedAgain.closedByPeer());
  CHECK(secondary.getVariable("ups", "ups.status") == "OL");
  CHECK(linesWith("refused a connection from 127.0.0.1: all 3 connections are logged-in") == 1);
}

TEST_CASE_FIXTURE(Fixture, "a connection that sends no complete line in time is closed") {
  auto o = options();
  o.firstLineTimeout = 300ms;
  NutServer server(o, backend);
  server.start();
  RawConnection silent(server.port());
  RawConnection trickling(server.port());
  RawConnection talking(server.port());
  talking.send("VER\n");
  CHECK(talking.receive(1).starts_with("hidupsd"));
  trickling.send("VE"); // a byte now and then is not a request
  CHECK(silent.closedByPeer());
  CHECK(trickling.closedByPeer());
  CHECK(eventually([&] { return server.clientCount() == 1; }));
  talking.send("NETVER\n");
  CHECK(talking.receive(1) == "1.3\n");
  CHECK(logs.contains("no request line within 300 ms"));
}

TEST_CASE_FIXTURE(Fixture, "failed logins make their address wait longer each time; a success "
                           "clears it") {
  // main: about 7,000 guesses a second, one log line each.
  auto o = options();
  o.authDelay = 200ms;
  o.authMaxDelay = 800ms;
  o.logInterval = 1s;
  NutServer server(o, backend);
  server.start();
  const auto t0 = Clock::now();
  int guesses = 0;
  while (Clock::now() - t0 < 1500ms) { // each guess on a fresh connection, as a script would
    auto guesser = connect(server);
    guesser.authenticate("monsec", "guess" + std::to_string(guesses));
    CHECK_THROWS_WITH_AS(guesser.request("LOGIN ups"), doctest::Contains("ACCESS-DENIED"),
                         NutError);
    ++guesses;
  }
  // 200 + 400 + 800 ms: at most 3 answers in 1.5 s (each answer waits too).
  MESSAGE("wrong passwords answered in 1.5 s: " << guesses);
  CHECK(guesses <= 4);
  CHECK(linesWith("wrong credentials from 127.0.0.1") <= 2); // once per 1 s summary period
  CHECK(eventually([&] { return logs.contains("failed logins (each address waits longer"); }, 3s));
  std::this_thread::sleep_for(900ms); // the longest wait is over
  auto honest = connect(server);
  honest.authenticate("monsec", "secpass");
  honest.request("LOGIN ups");
  CHECK(server.loginCount() == 1);
}

TEST_CASE_FIXTURE(Fixture, "parallel guesses from one address wait their turn") {
  auto o = options();
  o.authDelay = 300ms;
  o.authMaxDelay = 300ms;
  NutServer server(o, backend);
  server.start();
  std::vector<std::unique_ptr<RawConnection>> guessers;
  for (int i = 0; i < 5; ++i) {
    guessers.push_back(std::make_unique<RawConnection>(server.port()));
    guessers.back()->send("USERNAME monsec\nPASSWORD wrong\nLOGIN ups\n");
  }
  const auto t0 = Clock::now();
  for (auto& g : guessers)
    CHECK(g->receive(3) == "OK\nOK\nERR ACCESS-DENIED\n");
  // One guess per 300 ms for the address, whatever the number of connections.
  const auto took = Clock::now() - t0;
  MESSAGE("5 parallel wrong passwords answered in "
          << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(took >= 1200ms);
}

TEST_CASE_FIXTURE(Fixture,
                  "a client that leaves while held after a wrong password is gone at once") {
  auto o = options();
  o.authDelay = 5000ms;
  o.authMaxDelay = 5000ms;
  NutServer server(o, backend);
  server.start();
  {
    RawConnection c(server.port());
    c.send("USERNAME monsec\nPASSWORD wrong\nLOGIN ups\n");
    std::this_thread::sleep_for(300ms); // answered, held: the answers wait 5 s with it
    REQUIRE(server.clientCount() == 1);
    const linger reset{1, 0};
    REQUIRE(::setsockopt(c.fd.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)) == 0);
  } // reset here, while held
  // Gone long before its wait is over (and nothing spun on its hang-up meanwhile). A plain
  // close (FIN) is seen when the wait is over, as before: nothing is read from a held client.
  CHECK(eventually([&] { return server.clientCount() == 0; }, 2000ms));
}

TEST_CASE("AuthThrottle doubles the wait per failure up to the longest, per address") {
  AuthThrottle t(100ms, 1000ms, 60s);
  const auto now = Clock::now();
  CHECK(t.allowedAt("a", now) == now);
  CHECK(t.failed("a", now) == 100ms);
  CHECK(t.failed("a", now) == 200ms);
  CHECK(t.failed("a", now) == 400ms);
  CHECK(t.failed("a", now) == 800ms);
  CHECK(t.failed("a", now) == 1000ms);
  CHECK(t.failed("a", now) == 1000ms);
  CHECK(t.allowedAt("a", now) == now + 1000ms);
  CHECK(t.allowedAt("b", now) == now); // another address is not affected
  t.succeeded("a");
  CHECK(t.failures("a") == 0);
  t.failed("c", now);
  CHECK(t.allowedAt("c", now + 61s) == now + 61s); // forgotten after a quiet minute
  for (std::size_t i = 0; i < AuthThrottle::kMaxAddresses + 10; ++i)
    t.failed("x" + std::to_string(i), now + std::chrono::milliseconds(i));
  CHECK(t.failures("x0") == 0); // the stalest went first
  CHECK(t.failures("x" + std::to_string(AuthThrottle::kMaxAddresses + 9)) == 1);
}

TEST_CASE("RefusalLog: the first of each kind in full, the rest in one summary per interval") {
  RefusalLog log(10s);
  const auto t0 = Clock::now();
  CHECK_FALSE(log.dueAt());
  CHECK(log.count(RefusalLog::Kind::Evicted, t0));
  CHECK_FALSE(log.count(RefusalLog::Kind::Evicted, t0));
  CHECK(log.count(RefusalLog::Kind::AuthFailed, t0));
  for (int i = 0; i < 100; ++i)
    log.count(RefusalLog::Kind::AuthFailed, t0 + 1s);
  CHECK(log.dueAt() == t0 + 10s);
  CHECK(log.summary(t0 + 9s).empty());
  CHECK(log.summary(t0 + 10s) ==
        "NUT server, last 10 s, besides the lines above: 1 idle connections closed to admit new "
        "ones, 100 failed logins (each address waits longer after each)");
  CHECK_FALSE(log.dueAt());
  CHECK(log.count(RefusalLog::Kind::Evicted, t0 + 11s)); // a new period: in full again
  CHECK(log.total(RefusalLog::Kind::Evicted) == 3);
}

TEST_CASE("constantTimeEquals compares whole strings") {
  CHECK(constantTimeEquals("secret", "secret"));
  CHECK_FALSE(constantTimeEquals("secret", "secreT"));
  CHECK_FALSE(constantTimeEquals("secret", "secret2"));
  CHECK_FALSE(constantTimeEquals("secret", ""));
  CHECK(constantTimeEquals("", ""));
  CHECK_FALSE(constantTimeEquals(std::string("a\0b", 3), "a"));
}
