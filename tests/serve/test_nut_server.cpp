// SPDX-License-Identifier: GPL-2.0-or-later
// NutServer and NutClient over loopback: framing, limits, timeouts, IPv6, errors, stop().
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <thread>

#include "serve/nut_client.hpp"
#include "serve/nut_server.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/serve/test_raw_connection.hpp"

using namespace hidupsd::serve;
using hidupsd::test::eventually;
using hidupsd::test::FakeUpsBackend;
using hidupsd::test::RawConnection;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  FakeUpsBackend backend;
  hidupsd::test::LogCapture logs;

  NutServerOptions options(const std::string& host = "127.0.0.1") {
    NutServerOptions o;
    o.host = host;
    o.port = 0;
    o.service = {"ups", "test UPS", "0.1.0", hidupsd::test::testUsers()};
    return o;
  }
  static NutClient connect(const NutServer& server, const std::string& host = "127.0.0.1") {
    return NutClient({host, server.port(), 2000ms});
  }
};

} // namespace

TEST_CASE_FIXTURE(Fixture, "a client reads variables from a server on an ephemeral port") {
  NutServer server(options(), backend);
  REQUIRE(server.port() != 0);
  server.start();
  auto client = connect(server);
  CHECK(client.version().starts_with("hidupsd 0.1.0"));
  const auto variables = client.listVariables("ups");
  REQUIRE(variables.size() == backend.state().snapshot.variables.size());
  CHECK(variables.front() == std::pair<std::string, std::string>{"battery.charge", "100"});
  CHECK(client.getVariable("ups", "ups.id") == "rack \"A\" #1 \\ main"); // unescaped
  CHECK(client.listCommands("ups").size() == 5);
  CHECK(logs.contains("NUT server listening on 127.0.0.1:"));
}

TEST_CASE_FIXTURE(Fixture, "NutClient looks a host name up within its timeout") {
  NutServer server(options(), backend);
  server.start();
  // "localhost" is a name, not a literal: it goes through the bounded lookup's thread.
  auto client = connect(server, "localhost");
  CHECK(client.version().starts_with("hidupsd 0.1.0"));
}

TEST_CASE_FIXTURE(Fixture, "NutClient raises the server's error code") {
  NutServer server(options(), backend);
  server.start();
  auto client = connect(server);
  try {
    client.getVariable("nope", "ups.status");
    FAIL("no exception");
  } catch (const NutError& e) {
    CHECK(e.code() == "UNKNOWN-UPS");
  }
  client.authenticate("admin", "wrong");
  try {
    client.instantCommand("ups", "beeper.disable");
    FAIL("no exception");
  } catch (const NutError& e) {
    CHECK(e.code() == "ACCESS-DENIED");
    CHECK(std::string(e.what()).find("wrong") == std::string::npos);
  }
  auto admin = connect(server);
  admin.authenticate("admin", "adminpass");
  admin.instantCommand("ups", "load.off", "a \"quoted\" value");
  admin.setVariable("ups", "ups.id", "new id");
  CHECK(backend.instantCalls().back().second == "a \"quoted\" value");
  CHECK(backend.setCalls().back().second == "new id");
  admin.logout();
  CHECK_THROWS(admin.version()); // closed: EOF (NutError) or a reset (std::system_error)
}

TEST_CASE_FIXTURE(Fixture, "IPv6 loopback") {
  NutServer server(options("::1"), backend);
  server.start();
  auto client = connect(server, "::1");
  client.authenticate("monsec", "secpass");
  CHECK(client.request("LOGIN ups") == std::vector<std::string>{"OK"});
  CHECK(client.list("LIST CLIENT ups") ==
        std::vector<std::vector<std::string>>{{"CLIENT", "ups", "::1"}});
  CHECK(server.loginCount() == 1);
}

TEST_CASE_FIXTURE(Fixture, "binding a taken port or a non-literal host throws, naming host:port") {
  NutServer first(options(), backend);
  auto o = options();
  o.port = first.port();
  try {
    NutServer second(o, backend);
    FAIL("bound twice");
  } catch (const std::system_error& e) {
    CHECK(e.code().value() == EADDRINUSE);
    CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())) !=
          std::string::npos);
  }
  o.host = "localhost";
  CHECK_THROWS_AS(NutServer(o, backend), std::system_error);
}

TEST_CASE_FIXTURE(Fixture, "lines may arrive in pieces, several at once, with CRLF") {
  NutServer server(options(), backend);
  server.start();
  RawConnection raw(server.port());
  raw.send("GET VAR ups ups.st");
  std::this_thread::sleep_for(50ms);
  raw.send("atus\r\nNETVER\nVER x\n");
  CHECK(raw.receive(3) == "VAR ups ups.status \"OL\"\n1.3\nERR INVALID-ARGUMENT\n");
}

TEST_CASE_FIXTURE(Fixture, "an over-long line is answered ERR TOO-LONG and skipped") {
  auto o = options();
  o.maxLineLength = 64;
  NutServer server(o, backend);
  server.start();
  RawConnection raw(server.port());
  raw.send("GET VAR ups " + std::string(64 - 12, 'x') + "\n"); // exactly the limit
  CHECK(raw.receive(1) == "ERR VAR-NOT-SUPPORTED\n");
  raw.send("GET VAR ups " + std::string(100, 'y'));
  CHECK(raw.receive(1) == "ERR TOO-LONG\n");
  raw.send(std::string(5000, 'z') + "\nNETVER\n"); // the rest of the long line is skipped
  CHECK(raw.receive(1) == "1.3\n");
  CHECK(logs.contains("sent a line over 64 bytes"));
}

TEST_CASE_FIXTURE(Fixture, "a full server closes the longest-idle client to admit a new one") {
  auto o = options();
  o.maxClients = 2;
  NutServer server(o, backend);
  server.start();
  RawConnection older(server.port());
  older.send("VER\n");
  CHECK(older.receive(1).starts_with("hidupsd"));
  std::this_thread::sleep_for(50ms);
  auto b = connect(server);
  CHECK(b.version().starts_with("hidupsd"));
  auto third = connect(server); // full: `older`, idle longest, makes room
  CHECK(third.version().starts_with("hidupsd"));
  CHECK(older.closedByPeer());
  CHECK(server.clientCount() == 2);
  CHECK(server.evictionCount() == 1);
  CHECK(logs.contains("2 connections (the limit): closed the one idle longest, from 127.0.0.1"));
}

TEST_CASE_FIXTURE(Fixture, "an idle client is disconnected; an active one is not") {
  auto o = options();
  o.idleTimeout = 300ms;
  NutServer server(o, backend);
  server.start();
  RawConnection idle(server.port());
  auto active = connect(server);
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(100ms);
    CHECK(active.getVariable("ups", "ups.status") == "OL");
  }
  CHECK(idle.closedByPeer());
  CHECK(server.clientCount() == 1);
}

TEST_CASE_FIXTURE(Fixture, "a logged-in client that disconnects leaves the login count") {
  NutServer server(options(), backend);
  server.start();
  {
    auto client = connect(server);
    client.authenticate("monsec", "secpass");
    client.request("LOGIN ups");
    CHECK(server.loginCount() == 1);
  }
  CHECK(eventually([&] { return server.loginCount() == 0; }));
}

TEST_CASE_FIXTURE(Fixture, "stop() closes clients and joins; it is idempotent") {
  NutServer server(options(), backend);
  server.start();
  RawConnection raw(server.port());
  auto client = connect(server);
  client.authenticate("monsec", "secpass");
  client.request("LOGIN ups");
  server.stop();
  CHECK(raw.closedByPeer());
  CHECK(server.loginCount() == 0);
  server.stop();
  CHECK_THROWS_AS(connect(server), std::system_error);
}

TEST_CASE_FIXTURE(Fixture, "a server that never started stops cleanly") {
  NutServer server(options(), backend);
  CHECK(server.port() != 0);
}
