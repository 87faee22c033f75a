// SPDX-License-Identifier: GPL-2.0-or-later
// allow = [...]: the NUT and HTTP servers close a peer outside the list before a byte is read,
// on 127.0.0.1 and ::1, and log each refused address once per interval.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "serve/allow_list.hpp"
#include "serve/http_server.hpp"
#include "serve/nut_server.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/serve/test_raw_connection.hpp"
#include "tests/support/log_capture.hpp"

using namespace hidupsd::serve;
using hidupsd::lib::IpNetwork;
using hidupsd::lib::parseIpNetwork;
using hidupsd::test::eventually;
using hidupsd::test::RawConnection;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<IpNetwork> networks(std::initializer_list<const char*> texts) {
  std::vector<IpNetwork> out;
  for (const char* t : texts)
    out.push_back(parseIpNetwork(t));
  return out;
}

/// A NUT server on "::" (IPv4 clients too, as ::ffff:a.b.c.d) allowing `allow`; null when this
/// machine has no IPv6.
std::unique_ptr<NutServer> dualStackNut(hidupsd::test::FakeUpsBackend& backend,
                                        std::vector<IpNetwork> allow) {
  NutServerOptions o;
  o.host = "::";
  o.port = 0;
  o.service = {"ups", "test UPS", "0.1.0", hidupsd::test::testUsers()};
  o.allow = std::move(allow);
  try {
    auto server = std::make_unique<NutServer>(std::move(o), backend);
    server->start();
    return server;
  } catch (const std::system_error& e) {
    MESSAGE("no IPv6 here: " << e.what());
    return nullptr;
  }
}

/// Whether the NUT server answers VER on a connection from `host`.
bool nutAnswers(const NutServer& server, const char* host) {
  RawConnection c(server.port(), host);
  c.send("VER\n");
  return c.receive(1).starts_with("hidupsd");
}

/// Whether a connection from `host` is closed without a byte, even though it sent a request.
bool nutShutsOut(const NutServer& server, const char* host) {
  RawConnection c(server.port(), host);
  ::send(c.fd.get(), "VER\n", 4, MSG_NOSIGNAL); // may fail: the server may have closed already
  return c.closedSilently();
}

} // namespace

TEST_CASE("AllowList: no networks allows everyone; refusals logged once per address per "
          "interval") {
  CHECK(AllowList().allows(nullptr, 0)); // empty: nothing to check
  AllowList list(networks({"10.0.0.0/8"}), 60s);
  const auto t0 = Clock::time_point() + 1h;
  CHECK(list.refused("192.0.2.1", t0) ==
        "closed a connection from 192.0.2.1: not in allow (next ones from it are counted, one "
        "line per 60 s)");
  CHECK_FALSE(list.refused("192.0.2.1", t0 + 1s));
  CHECK_FALSE(list.refused("192.0.2.1", t0 + 59s));
  CHECK(list.refused("192.0.2.2", t0 + 59s).has_value()); // another address: its own line
  CHECK(list.refused("192.0.2.1", t0 + 60s) ==
        "closed 3 connection(s) from 192.0.2.1 in the last 60 s: not in allow");
  CHECK_FALSE(list.refused("192.0.2.1", t0 + 61s));
  CHECK(list.refusedTotal() == 6);
}

TEST_CASE("AllowList: a flood from many addresses is remembered up to a bound, then counted "
          "together") {
  AllowList list(networks({"10.0.0.0/8"}), 60s);
  const auto t0 = Clock::time_point() + 1h;
  std::size_t lines = 0;
  for (std::size_t i = 0; i < AllowList::kMaxAddresses; ++i)
    lines += list.refused(fmt::format("2001:db8::{:x}", i), t0).has_value() ? 1 : 0;
  CHECK(lines == AllowList::kMaxAddresses);
  CHECK(list.refused("192.0.2.1", t0) ==
        "closed 1 connection(s) from addresses not in allow, too many to name each (4096 "
        "remembered)");
  for (int i = 2; i < 1000; ++i)
    CHECK_FALSE(list.refused(fmt::format("192.0.2.{}", i % 250), t0 + 30s));
  // A minute on, the stale addresses are forgotten: a new one is named again.
  CHECK(list.refused("198.51.100.1", t0 + 61s) ==
        "closed a connection from 198.51.100.1: not in allow (next ones from it are counted, one "
        "line per 60 s)");
}

TEST_CASE("NUT server: allow = [\"::1\"] serves ::1 and shuts 127.0.0.1 out before a byte") {
  hidupsd::test::FakeUpsBackend backend;
  hidupsd::test::LogCapture logs;
  auto server = dualStackNut(backend, networks({"::1"}));
  if (!server) return;
  CHECK(nutAnswers(*server, "::1"));
  CHECK(nutShutsOut(*server, "127.0.0.1"));
  CHECK(nutShutsOut(*server, "127.0.0.1"));
  CHECK(eventually([&] { return server->deniedCount() == 2; }));
  CHECK(nutAnswers(*server, "::1"));
  const auto texts = logs.texts("nut");
  CHECK(std::count_if(texts.begin(), texts.end(), [](const std::string& t) {
          return t.find("::ffff:127.0.0.1") != std::string::npos;
        }) == 1); // once per address per interval
  CHECK(logs.contains("NUT server: closed a connection from ::ffff:127.0.0.1: not in allow"));
  CHECK(server->clientCount() <= 1);
}

TEST_CASE("NUT server: allow = [\"127.0.0.0/8\"] serves 127.0.0.1 and shuts ::1 out") {
  hidupsd::test::FakeUpsBackend backend;
  hidupsd::test::LogCapture logs;
  auto server = dualStackNut(backend, networks({"127.0.0.0/8"}));
  if (!server) return;
  CHECK(nutAnswers(*server, "127.0.0.1"));
  CHECK(nutShutsOut(*server, "::1"));
  CHECK(logs.contains("NUT server: closed a connection from ::1: not in allow"));
}

TEST_CASE("NUT server: no allow-list serves both; a list of another network serves none") {
  hidupsd::test::FakeUpsBackend backend;
  auto open = dualStackNut(backend, {});
  if (!open) return;
  CHECK(nutAnswers(*open, "127.0.0.1"));
  CHECK(nutAnswers(*open, "::1"));
  auto closed = dualStackNut(backend, networks({"192.168.1.0/24", "fd00::/8"}));
  CHECK(nutShutsOut(*closed, "127.0.0.1"));
  CHECK(nutShutsOut(*closed, "::1"));
  CHECK(eventually([&] { return closed->deniedCount() == 2; }));
}

TEST_CASE("HTTP server: a peer outside allow is closed before its request is read") {
  hidupsd::test::LogCapture logs;
  HttpServerOptions o;
  o.host = "::";
  o.allow = networks({"::1"});
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(o);
  } catch (const std::system_error& e) {
    MESSAGE("no IPv6 here: " << e.what());
    return;
  }
  server->route("/metrics", [](const HttpRequest&) {
    return HttpResponse{200, "text/plain", "up 1\n"};
  });
  server->start();
  const std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
  {
    RawConnection allowed(server->port(), "::1");
    allowed.send(request);
    const auto status = allowed.receive(1);
    CHECK_MESSAGE(status.starts_with("HTTP/1.1 200 OK\r\n"), status);
  }
  for (int i = 0; i < 2; ++i) {
    RawConnection refused(server->port(), "127.0.0.1");
    ::send(refused.fd.get(), request.data(), request.size(), MSG_NOSIGNAL);
    CHECK(refused.closedSilently());
  }
  CHECK(eventually([&] { return server->stats().denied == 2; }));
  CHECK(server->stats().requests == 1);
  const auto texts = logs.texts("http");
  CHECK(std::count_if(texts.begin(), texts.end(), [](const std::string& t) {
          return t.find("closed a connection from ::ffff:127.0.0.1: not in allow") !=
                 std::string::npos;
        }) == 1);
}
