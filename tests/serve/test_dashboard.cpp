// SPDX-License-Identifier: GPL-2.0-or-later
// The dashboard's routes on a real HttpServer (127.0.0.1): the page, the API, the action gate.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include <httplib.h>

#include "lib/password.hpp"
#include "serve/dashboard.hpp"

using namespace hidupsd::serve;

namespace {

class FakeBackend final : public DashboardBackend {
public:
  std::string status() override { return R"({"format":1,"ups":{"variables":{}}})"; }
  std::string history(HistoryRange range) override {
    return std::string(R"({"api":1,"range":")") + std::string(nameOf(range)) + "\"}";
  }
  std::string plan() override { return R"({"api":1,"groups":[]})"; }
  ChartData chart(std::string_view metric, HistoryRange) override {
    ChartData d;
    d.title = std::string(metric);
    d.from = 1000;
    d.to = 2000;
    d.series.push_back({"x", {{1000, 1}, {2000, 2}}});
    return d;
  }
  ActionOutcome act(DashboardAction action, const std::string& peer,
                    const std::string& credential) override {
    ++acts;
    lastPeer = peer;
    lastCredential = credential;
    return {true, std::string(nameOf(action)) + " done"};
  }
  std::atomic<int> acts{0};
  std::string lastPeer;
  std::string lastCredential;
};

const std::string kToken = "0123456789abcdef0123";

ActionCredentials withToken(const std::string& token) {
  ActionCredentials c;
  c.token = token;
  return c;
}

ActionCredentials withHash(const std::string& hash) {
  ActionCredentials c;
  c.passwordHash = hash;
  return c;
}

struct Served {
  explicit Served(ActionCredentials credentials)
      : server(options()), dashboard(server, backend, std::move(credentials)) {
    server.start();
  }
  static HttpServerOptions options() {
    HttpServerOptions o;
    o.maxConnections = 8;
    return o;
  }
  std::string csrf() {
    httplib::Client c("127.0.0.1", server.port());
    const auto r = c.Get("/api/v1/session");
    REQUIRE(r);
    const auto at = r->body.find("\"csrf\":\"");
    REQUIRE(at != std::string::npos);
    return r->body.substr(at + 8, 32);
  }
  httplib::Result post(const std::string& action, const std::string& body,
                       httplib::Headers headers = {}, const char* type = "application/json") {
    httplib::Client c("127.0.0.1", server.port());
    return c.Post("/api/v1/actions/" + action, headers, body, type);
  }
  std::string body(const std::string& csrf, const std::string& credential) {
    return R"({"csrf":")" + csrf + R"(","credential":")" + credential + "\"}";
  }
  FakeBackend backend;
  HttpServer server;
  Dashboard dashboard;
};

} // namespace

TEST_CASE("the page and its files: the daemon's own, under a strict policy") {
  Served s(ActionCredentials{});
  httplib::Client c("127.0.0.1", s.server.port());
  const auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body.find("<script src=\"/dashboard.js\"") != std::string::npos);
  const auto policy = page->get_header_value("Content-Security-Policy");
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page->get_header_value("X-Frame-Options") == "DENY");
  for (const char* path : {"/dashboard.css", "/dashboard.js", "/favicon.svg"}) {
    const auto r = c.Get(path);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.size() > 100);
  }
  // Nothing from another origin: no http(s):// in what the page loads (but the SVG namespace).
  const auto js = c.Get("/dashboard.js");
  CHECK(js->body.find("https://") == std::string::npos);
  CHECK(page->body.find("https://") == std::string::npos);
}

TEST_CASE("the API: the backend's documents, ranges and metrics checked") {
  Served s(ActionCredentials{});
  httplib::Client c("127.0.0.1", s.server.port());
  CHECK(c.Get("/api/v1/status")->body == R"({"format":1,"ups":{"variables":{}}})");
  CHECK(c.Get("/api/v1/status")->get_header_value("Cache-Control") == "no-store");
  CHECK(c.Get("/api/v1/history")->body == R"({"api":1,"range":"24h"})");
  CHECK(c.Get("/api/v1/history?range=1y")->body == R"({"api":1,"range":"1y"})");
  CHECK(c.Get("/api/v1/history?range=2w")->status == 400);
  CHECK(c.Get("/api/v1/plan")->body == R"({"api":1,"groups":[]})");
  const auto chart = c.Get("/api/v1/chart?metric=load&range=30d&width=400&tz=60");
  REQUIRE(chart);
  CHECK(chart->status == 200);
  CHECK(chart->get_header_value("Content-Type") == "image/svg+xml; charset=utf-8");
  CHECK(chart->body.starts_with("<svg"));
  CHECK(c.Get("/api/v1/chart?metric=passwd")->status == 400);
  CHECK(c.Get("/api/v1/chart?metric=load&width=99999")->status == 400);
  CHECK(c.Get("/api/v1/chart?metric=load&tz=abc")->status == 400);
  const auto index = c.Get("/api/v1");
  CHECK(index->body.find("/api/v1/plan") != std::string::npos);
  const auto session = c.Get("/api/v1/session");
  CHECK(session->body.find(R"("enabled":false)") != std::string::npos);
}

TEST_CASE("actions are off without a credential: the routes answer 404 and nothing runs") {
  Served s(ActionCredentials{});
  const auto r = s.post("test-notification", s.body(s.csrf(), ""));
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(s.backend.acts == 0);
}

TEST_CASE("an action needs JSON, this origin, the CSRF token and the credential") {
  Served s(withToken(kToken));
  const auto csrf = s.csrf();
  CHECK(csrf.size() == 32);
  SUBCASE("a form post (what a cross-site page can send without CORS): 415") {
    const auto r = s.post("beeper-mute", "csrf=" + csrf + "&credential=" + kToken, {},
                          "application/x-www-form-urlencoded");
    CHECK(r->status == 415);
  }
  SUBCASE("another site, as the browser says: 403") {
    CHECK(s.post("beeper-mute", s.body(csrf, kToken), {{"Sec-Fetch-Site", "cross-site"}})->status ==
          403);
    CHECK(
        s.post("beeper-mute", s.body(csrf, kToken), {{"Origin", "http://evil.example"}})->status ==
        403);
  }
  SUBCASE("no or a stale CSRF token: 403") {
    CHECK(s.post("beeper-mute", s.body("", kToken))->status == 403);
    CHECK(s.post("beeper-mute", s.body(std::string(32, '0'), kToken))->status == 403);
    CHECK(s.post("beeper-mute", "[1,2]")->status == 400);
  }
  SUBCASE("a wrong token: 401, then the address waits (429 with Retry-After)") {
    CHECK(s.post("beeper-mute", s.body(csrf, "not-the-token-at-all"))->status == 401);
    const auto again = s.post("beeper-mute", s.body(csrf, kToken));
    CHECK(again->status == 429);
    CHECK_FALSE(again->get_header_value("Retry-After").empty());
  }
  SUBCASE("all of them: the backend acts, once, and the answer says what it did") {
    const auto origin = "http://127.0.0.1:" + std::to_string(s.server.port());
    const auto r = s.post("battery-test", s.body(csrf, kToken),
                          {{"Origin", origin}, {"Sec-Fetch-Site", "same-origin"}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.find("battery-test done") != std::string::npos);
    CHECK(s.backend.lastCredential == kToken); // passed on, for the root side to re-check
    CHECK(s.backend.lastPeer == "127.0.0.1");
  }
  CHECK(s.backend.acts <= 1);
  SUBCASE("GET on an action: 405") {
    httplib::Client c("127.0.0.1", s.server.port());
    CHECK(c.Get("/api/v1/actions/beeper-mute")->status == 405);
  }
  SUBCASE("a body past the server's limit is refused before the gate reads it: 413") {
    const auto r = s.post("beeper-mute", std::string(64 * 1024, ' '));
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(s.backend.acts == 0);
  }
}

TEST_CASE("a password hash works as the credential") {
  const auto hash = hidupsd::lib::hashPassword("correct horse");
  Served s(withHash(hash));
  const auto csrf = s.csrf();
  CHECK(s.post("test-notification", s.body(csrf, "correct horse"))->status == 200);
  CHECK(s.backend.acts == 1);
}
