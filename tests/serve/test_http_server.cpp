// SPDX-License-Identifier: GPL-2.0-or-later
// HttpServer under hostile clients on 127.0.0.1: idle floods, bodies, huge heads, slow requests.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include <httplib.h>

#include "serve/http_server.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/serve/test_raw_connection.hpp"

using namespace hidupsd::serve;
using hidupsd::test::RawConnection;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

HttpServerOptions small(std::size_t maxConnections) {
  HttpServerOptions o;
  o.maxConnections = maxConnections;
  return o;
}

HttpServer& withRoutes(HttpServer& server) {
  server.route("/metrics", [](const HttpRequest& r) {
    return HttpResponse{200, "text/plain", r.head ? "ignored" : "up 1\n"};
  });
  return server;
}

/// The status line and headers of one answer read off a raw connection.
std::string head(RawConnection& c) {
  std::string text = c.receive(1);
  while (text.find("\r\n\r\n") == std::string::npos && !text.ends_with("<closed>") &&
         !text.ends_with("<timeout>"))
    text += c.receive(1);
  return text;
}

/// This process's resident memory, in KiB.
long rssKiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return 0;
}

} // namespace

TEST_CASE("an idle flood never locks an honest client out, and the server holds few sockets") {
  // main (cpp-httplib): every idle connection was accepted and kept; the descriptors ran out.
  HttpServer server(small(8));
  withRoutes(server).start();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 100; ++i)
    idle.push_back(std::make_unique<RawConnection>(server.port()));
  CHECK(hidupsd::test::eventually([&] { return server.stats().accepted >= 100; }, 10s));
  httplib::Client honest("127.0.0.1", server.port());
  honest.set_connection_timeout(5);
  const auto t0 = Clock::now();
  const auto res = honest.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == "up 1\n");
  CHECK(Clock::now() - t0 < 5s);
  const auto s = server.stats();
  MESSAGE("100 idle connections: " << s.evicted << " evicted, " << s.connections << " open");
  CHECK(s.evicted >= 90);
  CHECK(s.connections <= 8 + HttpServer::kEvictionSlack);
}

TEST_CASE("anything but GET and HEAD is 405, its body never read") {
  HttpServer server(small(8));
  withRoutes(server).start();
  httplib::Client client("127.0.0.1", server.port());
  const auto post = client.Post("/metrics", "x=1", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  const auto del = client.Delete("/metrics");
  REQUIRE(del);
  CHECK(del->status == 405);
  const auto head = client.Head("/metrics");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  const auto missing = client.Get("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("a 50 MB chunked POST is refused at its head: memory stays flat") {
  // main: cpp-httplib 0.11 read a chunked body whatever its size (CVE-2025-46728).
  HttpServer server(small(8));
  withRoutes(server).start();
  const long before = rssKiB();
  RawConnection c(server.port());
  c.send("POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "100000\r\n" + std::string(0x100000, 'a') + "\r\n"; // 1 MiB
  std::size_t sent = 0;
  for (int i = 0; i < 50; ++i) {
    const auto n = ::send(c.fd.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) {
      if (errno == EAGAIN && hidupsd::serve::waitFor(c.fd.get(), POLLOUT, 1000ms)) continue;
      break; // reset: the server closed after its answer
    }
    sent += static_cast<std::size_t>(n);
  }
  MESSAGE("bytes the client got into the connection before the server closed it: " << sent);
  CHECK(sent < 50u * 0x100000);
  const auto answer = head(c);
  CHECK(answer.starts_with("HTTP/1.1 405"));
  const long after = rssKiB();
  MESSAGE("RSS before " << before << " KiB, after " << after << " KiB");
  CHECK(after - before < 16 * 1024);
}

TEST_CASE("a request head over the memory limit is refused and closed") {
  HttpServer server(small(8));
  withRoutes(server).start();
  SUBCASE("one 1 MB header line") {
    RawConnection c(server.port());
    c.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ");
    std::size_t sent = 0;
    const std::string block(64 * 1024, 'a');
    for (int i = 0; i < 16; ++i) {
      const auto n = ::send(c.fd.get(), block.data(), block.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    const auto answer = head(c);
    MESSAGE(answer.substr(0, answer.find('\r')));
    CHECK((answer.starts_with("HTTP/1.1 431") || answer.starts_with("HTTP/1.1 413") ||
           answer.ends_with("<closed>")));
  }
  SUBCASE("100,000 small headers") {
    RawConnection c(server.port());
    c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n");
    std::string many;
    for (int i = 0; i < 100000; ++i)
      many += "X-" + std::to_string(i) + ": 1\r\n";
    (void)::send(c.fd.get(), many.data(), many.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    const auto answer = head(c);
    MESSAGE(answer.substr(0, answer.find('\r')));
    CHECK_FALSE(answer.starts_with("HTTP/1.1 200"));
  }
  httplib::Client client("127.0.0.1", server.port());
  const auto ok = client.Get("/metrics");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("a request that trickles in is closed past its deadline (checked as clients connect)") {
  HttpServerOptions o = small(8);
  o.requestDeadline = 1s;
  HttpServer server(o);
  withRoutes(server).start();
  RawConnection slow(server.port());
  for (const char* piece : {"GET /met", "ri", "cs HT", "TP/1", ".1\r\n"}) {
    slow.send(piece); // a few bytes now and then: past the deadline all the same
    std::this_thread::sleep_for(500ms);
  }
  httplib::Client client("127.0.0.1", server.port()); // a new connection sweeps the late ones
  REQUIRE(client.Get("/metrics"));
  CHECK(slow.closedByPeer());
  CHECK(server.stats().expired >= 1);
}

TEST_CASE("a port in use, or an address not ours, fails naming host:port") {
  HttpServer first(small(4));
  CHECK_THROWS_WITH_AS(HttpServer([&] {
                         auto o = small(4);
                         o.port = first.port();
                         return o;
                       }()),
                       doctest::Contains(("127.0.0.1:" + std::to_string(first.port())).c_str()),
                       std::system_error);
  auto far = small(4);
  far.host = "192.0.2.1"; // TEST-NET-1
  CHECK_THROWS_WITH_AS(HttpServer{far}, doctest::Contains("192.0.2.1:0"), std::system_error);
  auto name = small(4);
  name.host = "localhost"; // literals only, as for [serve.nut]
  CHECK_THROWS_AS(HttpServer{name}, std::system_error);
}

TEST_CASE("IPv6 loopback works") {
  auto o = small(4);
  o.host = "::1";
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(o);
  } catch (const std::system_error& e) {
    MESSAGE("no IPv6 here: " << e.what());
    return;
  }
  withRoutes(*server).start();
  httplib::Client client("::1", server->port());
  const auto res = client.Get("/metrics");
  REQUIRE(res);
  CHECK(res->status == 200);
}

namespace {

/// A server with a POST route echoing its body and a GET route echoing a header and an argument.
struct PostServer {
  explicit PostServer(HttpServerOptions o) : server(std::move(o)) {
    server.route(
        "/act",
        [this](const HttpRequest& r) {
          ++posts;
          return HttpResponse{200, "text/plain", "got " + r.body, {{"Cache-Control", "no-store"}}};
        },
        {HttpMethod::Post});
    server.route("/echo", [](const HttpRequest& r) {
      return HttpResponse{200, "text/plain",
                          r.header("x-thing") + "|" + r.arg("range") + "|" + r.peer};
    });
    server.start();
  }
  HttpServer server;
  std::atomic<int> posts{0};
};

HttpServerOptions bodyLimit(std::size_t bytes) {
  auto o = small(8);
  o.maxBodySize = bytes;
  return o;
}

} // namespace

TEST_CASE("a POST route gets its body; each route answers only its methods") {
  PostServer s(bodyLimit(64));
  httplib::Client client("127.0.0.1", s.server.port());
  const auto post = client.Post("/act", "csrf=1&x=2", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 200);
  CHECK(post->body == "got csrf=1&x=2");
  CHECK(post->get_header_value("Cache-Control") == "no-store");
  CHECK(post->get_header_value("X-Content-Type-Options") == "nosniff");
  const auto exactly = client.Post("/act", std::string(64, 'a'), "text/plain");
  REQUIRE(exactly);
  CHECK(exactly->body == "got " + std::string(64, 'a'));
  const auto get = client.Get("/act");
  REQUIRE(get);
  CHECK(get->status == 405);
  CHECK(get->get_header_value("Allow") == "POST");
  const auto wrong = client.Post("/echo", "x", "text/plain");
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->get_header_value("Allow") == "GET, HEAD");
  CHECK(s.posts == 2);
}

TEST_CASE("headers, query arguments and the peer's address reach the handler") {
  PostServer s(bodyLimit(64));
  httplib::Client client("127.0.0.1", s.server.port());
  const auto res = client.Get("/echo?range=30d&x=%20", {{"X-Thing", "yes"}});
  REQUIRE(res);
  CHECK(res->body == "yes|30d|127.0.0.1");
}

TEST_CASE("a body over the limit: 413 at the head when announced, the connection closed when "
          "chunked") {
  PostServer s(bodyLimit(64));
  SUBCASE("Content-Length past the limit: 413, the body never read, the handler never called") {
    RawConnection c(s.server.port());
    c.send("POST /act HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n");
    const auto answer = head(c);
    CHECK(answer.starts_with("HTTP/1.1 413"));
    CHECK(c.closedByPeer());
  }
  SUBCASE("Expect: 100-continue with a large body: 413 instead of 100") {
    RawConnection c(s.server.port());
    c.send("POST /act HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n"
           "Expect: 100-continue\r\n\r\n");
    CHECK(head(c).starts_with("HTTP/1.1 413"));
  }
  SUBCASE("a chunked body growing past the limit: closed without an answer") {
    RawConnection c(s.server.port());
    c.send("POST /act HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "20\r\n" + std::string(32, 'a') + "\r\n";
    for (int i = 0; i < 4; ++i)
      (void)::send(c.fd.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    const auto answer = head(c);
    CHECK_FALSE(answer.starts_with("HTTP/1.1 200"));
  }
  SUBCASE("a Content-Length that is not a number: 400") {
    RawConnection c(s.server.port());
    c.send("POST /act HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n");
    const auto answer = head(c);
    CHECK((answer.starts_with("HTTP/1.1 400") || answer.ends_with("<closed>")));
  }
  CHECK(s.posts == 0);
  httplib::Client client("127.0.0.1", s.server.port());
  const auto ok = client.Post("/act", "fine", "text/plain");
  REQUIRE(ok);
  CHECK(ok->body == "got fine");
}

TEST_CASE("a POST body that trickles in is closed past the request deadline") {
  auto o = bodyLimit(64);
  o.requestDeadline = 1s;
  PostServer s(o);
  RawConnection slow(s.server.port());
  slow.send("POST /act HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
  for (const char* piece : {"a", "b", "c", "d"}) {
    slow.send(piece);
    std::this_thread::sleep_for(500ms);
  }
  httplib::Client client("127.0.0.1", s.server.port()); // sweeps the late ones
  REQUIRE(client.Get("/echo"));
  CHECK(slow.closedByPeer());
  CHECK(s.server.stats().expired >= 1);
  CHECK(s.posts == 0);
}

TEST_CASE("POST bodies keep the connection limit: held-open POSTs are evicted for newcomers") {
  PostServer s(bodyLimit(64));
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 40; ++i) {
    held.push_back(std::make_unique<RawConnection>(s.server.port()));
    held.back()->send("POST /act HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
  }
  CHECK(hidupsd::test::eventually([&] { return s.server.stats().accepted >= 40; }, 10s));
  httplib::Client honest("127.0.0.1", s.server.port());
  honest.set_connection_timeout(5);
  const auto res = honest.Post("/act", "honest", "text/plain");
  REQUIRE(res);
  CHECK(res->body == "got honest");
  const auto stats = s.server.stats();
  MESSAGE("40 half-sent POSTs: " << stats.evicted << " evicted, " << stats.connections << " open");
  CHECK(stats.evicted >= 30);
  CHECK(stats.connections <= 8 + HttpServer::kEvictionSlack);
}
