// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for CurlHttpClient against a real HTTP server on 127.0.0.1.
#include <doctest/doctest.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "notify/curl_easy.hpp"
#include "notify/curl_http_client.hpp"

using namespace hidupsd::notify;
using namespace std::chrono_literals;

namespace {

const CurlGlobal curlGlobal;

/// An httplib server on 127.0.0.1 and a free port, serving on its own thread.
class LocalServer {
public:
  explicit LocalServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalServer() {
    while (!server_.is_running())
      std::this_thread::sleep_for(1ms);
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

HttpRequest post(std::string url, std::string body = "{}") {
  HttpRequest r;
  r.url = std::move(url);
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  r.timeout = 2000ms;
  return r;
}

} // namespace

TEST_CASE("204: the request arrives exactly, the answer comes back") {
  std::mutex mutex;
  httplib::Request seen;
  LocalServer server([&](httplib::Server& s) {
    s.Post("/hook/secret", [&](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      seen = req;
      res.status = 204;
    });
  });
  CurlHttpClient client;
  HttpRequest request = post(server.url("/hook/secret"), std::string(3000, 'x') + "{\"é\":1}");
  request.headers.emplace_back("X-Custom", "a b");
  HttpResponse response = client.send(request);
  CHECK(response.status == 204);
  CHECK(response.body.empty());
  std::lock_guard lock(mutex);
  CHECK(seen.method == "POST");
  CHECK(seen.body == request.body);
  CHECK(seen.get_header_value("Content-Type") == "application/json");
  CHECK(seen.get_header_value("X-Custom") == "a b");
  CHECK(seen.get_header_value("User-Agent").starts_with("hidupsd/"));
  CHECK_FALSE(seen.has_header("Expect"));
}

TEST_CASE("429 with Retry-After, 500, headers lower-cased, body exact") {
  LocalServer server([](httplib::Server& s) {
    s.Post("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "7");
      res.set_header("X-RateLimit-Remaining", "0");
      res.set_content("{\"retry_after\": 7.5}", "application/json");
    });
    s.Post("/broken", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("internal\r\nerror", "text/plain");
    });
    s.Get("/get", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method, "text/plain");
    });
  });
  CurlHttpClient client;
  HttpResponse busy = client.send(post(server.url("/busy")));
  CHECK(busy.status == 429);
  CHECK(busy.headers["retry-after"] == "7");
  CHECK(busy.headers["x-ratelimit-remaining"] == "0");
  CHECK(busy.headers["content-type"] == "application/json");
  CHECK(busy.body == "{\"retry_after\": 7.5}");
  HttpResponse broken = client.send(post(server.url("/broken")));
  CHECK(broken.status == 500);
  CHECK(broken.body == "internal\r\nerror");
  CHECK(broken.headers.count("retry-after") == 0);
  HttpRequest get = post(server.url("/get"), "");
  get.method = "GET";
  CHECK(client.send(get).body == "GET");
}

TEST_CASE("a redirect is an answer, not followed; a large body is capped") {
  LocalServer server([](httplib::Server& s) {
    s.Post("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/elsewhere", 302);
    });
    s.Post("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(200 * 1024, 'b'), "text/plain");
    });
  });
  CurlHttpClient client;
  HttpResponse moved = client.send(post(server.url("/moved")));
  CHECK(moved.status == 302);
  CHECK(moved.headers["location"] == "/elsewhere");
  HttpResponse big = client.send(post(server.url("/big")));
  CHECK(big.status == 200);
  CHECK(big.body == std::string(CurlHttpClient::kMaxBody, 'b'));
}

TEST_CASE("a hanging server: HttpError timedOut within the timeout, no URL secrets") {
  std::atomic<bool> release{false};
  LocalServer server([&](httplib::Server& s) {
    s.Post("/hook/s3cr3t", [&](const httplib::Request&, httplib::Response& res) {
      for (int i = 0; i < 300 && !release; ++i)
        std::this_thread::sleep_for(10ms);
      res.status = 204;
    });
  });
  CurlHttpClient client;
  HttpRequest request = post(server.url("/hook/s3cr3t?token=abc"));
  request.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  try {
    client.send(request);
    FAIL("no HttpError");
  } catch (const HttpError& e) {
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(e.timedOut());
    CHECK(took >= 250ms);
    CHECK(took < 1500ms);
    const std::string what = e.what();
    CHECK(what.starts_with("127.0.0.1: "));
    CHECK(what.find("s3cr3t") == std::string::npos);
    CHECK(what.find("token") == std::string::npos);
  }
  release = true;
}

TEST_CASE("transport failures and other schemes are HttpErrors") {
  int closedPort = 0;
  {
    LocalServer gone([](httplib::Server&) {});
    closedPort = gone.port();
  }
  CurlHttpClient client;
  HttpRequest refused = post("http://127.0.0.1:" + std::to_string(closedPort) + "/x/secret");
  try {
    client.send(refused);
    FAIL("no HttpError");
  } catch (const HttpError& e) {
    CHECK_FALSE(e.timedOut());
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
  }
  CHECK_THROWS_AS(client.send(post("file:///etc/hostname")), HttpError);
  CHECK_THROWS_AS(client.send(post("ftp://127.0.0.1:1/x")), HttpError);
  CHECK_THROWS_AS(client.send(post("not a url")), HttpError);
}

TEST_CASE("urlHost keeps the host only") {
  CHECK(urlHost("https://discord.com/api/webhooks/1/TOKEN") == "discord.com");
  CHECK(urlHost("http://user:pw@127.0.0.1:8080/x?y=z") == "127.0.0.1");
  CHECK(urlHost("::::") == "(bad URL)");
}
