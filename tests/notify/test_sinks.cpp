// SPDX-License-Identifier: GPL-2.0-or-later
// The HTTP sinks for real (Discord, webhook, ntfy): an HTTP server on 127.0.0.1.
#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "notify/curl_http_client.hpp"
#include "notify/discord_sink.hpp"
#include "notify/ntfy_sink.hpp"
#include "notify/webhook_sink.hpp"
#include "tests/notify/sink_support.hpp"

namespace hidupsd::notify {
namespace {

using namespace test;
using Json = nlohmann::ordered_json;

/// An HTTP server on 127.0.0.1:<free port> that records every POST and
/// answers as told.
class Receiver {
public:
  struct Seen {
    std::string target; ///< path and query, as sent
    std::string body;
    httplib::Headers headers;
    std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? "" : it->second;
    }
  };

  Receiver() {
    server_.Post(".*",
                 [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void respond(int status, std::string body = "{}", httplib::Headers headers = {}) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
    headers_ = std::move(headers);
  }
  void hang() { hang_ = true; }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  Seen only() const {
    auto all = seen();
    REQUIRE(all.size() == 1);
    return all.front();
  }

private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back({req.target, req.body, req.headers});
      res.status = status_;
      res.set_content(body_, "application/json");
      for (const auto& [name, value] : headers_)
        res.set_header(name.c_str(), value);
    }
    for (int i = 0; hang_ && !stopping_ && i < 500; ++i)
      std::this_thread::sleep_for(10ms);
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
  int status_ = 200;
  std::string body_ = "{}";
  httplib::Headers headers_;
  std::atomic<bool> hang_{false};
  std::atomic<bool> stopping_{false};
};

// ---- Discord ---------------------------------------------------------------

TEST_CASE("discord: the exact JSON of an outage, posted to ?wait=true") {
  Receiver receiver;
  CurlHttpClient http;
  DiscordSink sink({quick(), receiver.url("/api/webhooks/123/secret-token")}, http);
  const Notification n = outage();
  Delivery d = sink.deliver(n);
  CHECK(d.result == R::Delivered);
  CHECK(d.detail == "HTTP 200");
  CHECK(sink.name() == "discord #1");

  auto seen = receiver.only();
  CHECK(seen.target == "/api/webhooks/123/secret-token?wait=true");
  CHECK(seen.header("Content-Type") == "application/json");
  // The title is the message line; the values are said once, as fields.
  Json expected = Json::parse(R"({
    "content": "⚡ Power outage on pve1",
    "embeds": [{
      "description": "Running on battery since 2026-11-25 20:31:02.",
      "color": 15105570,
      "timestamp": "2026-11-25T20:31:02Z",
      "fields": [
        {"name": "Battery", "value": "100 %", "inline": true},
        {"name": "Runtime", "value": "30 min", "inline": true},
        {"name": "Load", "value": "29 %", "inline": true},
        {"name": "Input → Output", "value": "229.0 V → 228.4 V", "inline": true},
        {"name": "Power", "value": "137 VA", "inline": true},
        {"name": "Status", "value": "OB DISCHRG", "inline": true},
        {"name": "Model", "value": "Ellipse PRO 850", "inline": true}],
      "footer": {"text": "hidupsd"}}],
    "allowed_mentions": {"parse": []}})");
  CHECK(seen.body == expected.dump());
}

TEST_CASE("discord: without fields the body says the values; without an embed, the line does") {
  Receiver receiver;
  CurlHttpClient http;
  DiscordOptions options{quick(), receiver.url("/hook")};
  options.fields = false;
  DiscordSink noFields(options, http);
  options.embed = false;
  DiscordSink noEmbed(options, http);
  const Notification n = outage();
  const std::string body = rendered(n).body;
  CHECK(noFields.deliver(n).result == R::Delivered);
  CHECK(noEmbed.deliver(n).result == R::Delivered);
  const auto sent = receiver.seen();
  REQUIRE(sent.size() == 2);
  const Json withEmbed = Json::parse(sent[0].body);
  CHECK(withEmbed["content"] == "⚡ Power outage on pve1");
  CHECK(withEmbed["embeds"][0]["description"] == body);
  CHECK(!withEmbed["embeds"][0].contains("fields"));
  const Json lineOnly = Json::parse(sent[1].body);
  CHECK(lineOnly["content"] == "⚡ Power outage on pve1\n" + body);
  CHECK(!lineOnly.contains("embeds"));
  // The old message's seven values, in the words people read.
  for (const char* value :
       {"Model: Ellipse PRO 850", "Battery: 100 %", "runtime: 30 min", "Load: 29 %",
        "Input 229.0 V → Output 228.4 V", "Power: 137 VA", "Status: OB DISCHRG"})
    CHECK_MESSAGE(body.find(value) != std::string::npos, value);
}

TEST_CASE("discord: French field names, real power, critical colour") {
  Receiver receiver;
  CurlHttpClient http;
  SinkOptions options = quick();
  options.language = Language::Fr;
  DiscordSink sink({options, receiver.url("/hook")}, http);
  Notification n = outage(EventKind::LowBattery);
  n.event.snapshot.variables["ups.realpower"] = "120";
  n.event.snapshot.variables["battery.runtime"] = "168";
  CHECK(sink.deliver(n).result == R::Delivered);
  auto sent = Json::parse(receiver.only().body);
  CHECK(sent["embeds"][0]["color"] == 0xe74c3c);
  CHECK(sent["embeds"][0]["fields"][0]["name"] == "Batterie");
  CHECK(sent["embeds"][0]["fields"][1] ==
        Json::parse(R"({"name": "Autonomie", "value": "2 min 48 s", "inline": true})"));
  CHECK(sent["embeds"][0]["fields"][2] ==
        Json::parse(R"({"name": "Charge appliquée", "value": "29 %", "inline": true})"));
  CHECK(sent["embeds"][0]["fields"][5] ==
        Json::parse(R"({"name": "Puissance active", "value": "120 W", "inline": true})"));
  CHECK(sent["embeds"][0]["description"] ==
        "L'onduleur signale une batterie faible à 2026-11-25 20:31:02.\n"
        "Raison : sur batterie depuis 5 s");
}

TEST_CASE("discord: wait=true joins an existing query") {
  CHECK(DiscordSink::postUrl("https://d/api/webhooks/1/t") ==
        "https://d/api/webhooks/1/t?wait=true");
  CHECK(DiscordSink::postUrl("https://d/w?thread_id=7") == "https://d/w?thread_id=7&wait=true");
  CHECK(DiscordSink::postUrl("https://d/w?wait=false") == "https://d/w?wait=false");
}

TEST_CASE("discord: statuses as outcomes") {
  Receiver receiver;
  CurlHttpClient http;
  DiscordSink sink({quick(1, 500ms), receiver.url("/api/webhooks/9/tok")}, http);
  SUBCASE("429 with Discord's retry_after") {
    receiver.respond(429, R"({"message": "You are being rate limited.", "retry_after": 1.5})");
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Retry);
    CHECK(d.retryAfter == 1500ms);
  }
  SUBCASE("429 with only a Retry-After header") {
    receiver.respond(429, "slow down", {{"Retry-After", "3"}});
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Retry);
    CHECK(d.retryAfter == 3000ms);
  }
  SUBCASE("500") {
    receiver.respond(500);
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Retry);
    CHECK(d.detail == "HTTP 500");
  }
  SUBCASE("404") {
    receiver.respond(404, R"({"message": "Unknown Webhook", "code": 10015})");
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "HTTP 404");
  }
  SUBCASE("a server that never answers") {
    receiver.hang();
    auto start = std::chrono::steady_clock::now();
    Delivery d = sink.deliver(outage());
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(d.result == R::Retry);
    CHECK(d.detail.find("tok") == std::string::npos);
  }
}

TEST_CASE("discord: long texts cut to Discord's limits, UTF-8 intact") {
  CHECK(truncateUtf8("aé€😀b", 5) == "aé€😀b");
  CHECK(truncateUtf8("aé€😀b", 4) == "aé€…");
  CHECK(truncateUtf8("😀😀", 1) == "…");
  CHECK(utf8Length("aé€😀") == 4);

  Receiver receiver;
  CurlHttpClient http;
  SinkOptions options = quick();
  std::string longBody;
  for (int i = 0; i < 5000; ++i)
    longBody += "é😀";
  options.templates["onbatt"].body = longBody;
  DiscordSink sink({options, receiver.url("/hook")}, http);
  Notification n = outage();
  n.host.clear();
  for (int i = 0; i < 2100; ++i)
    n.host += "ü";
  n.event.snapshot.variables["ups.model"] = std::string(1500, 'M');
  n.event.snapshot.variables["ups.status"] = std::string(1500, 'S');
  n.event.snapshot.variables["input.voltage"] = std::string(1500, '9');
  CHECK(sink.deliver(n).result == R::Delivered);

  const std::string raw = receiver.only().body;
  CHECK(raw.find("\xEF\xBF\xBD") == std::string::npos); // no sequence was broken
  auto sent = Json::parse(raw);
  auto length = [](const Json& j) { return utf8Length(j.get<std::string>()); };
  const Json& embed = sent["embeds"][0];
  CHECK(length(sent["content"]) == 2000);
  CHECK(!embed.contains("title"));
  CHECK(length(embed["fields"][6]["value"]) == 1024);
  CHECK(embed["fields"][6]["value"].get<std::string>().ends_with("M…"));
  std::size_t total = length(embed["description"]) + length(embed["footer"]["text"]);
  for (const auto& f : embed["fields"])
    total += length(f["name"]) + length(f["value"]);
  CHECK(length(embed["description"]) < 4096); // gave way to the fields
  CHECK(total == 6000);
  CHECK(embed["description"].get<std::string>().ends_with("…"));
}

// ---- generic webhook, ntfy ---------------------------------------------------

TEST_CASE("webhook: the documented schema, extra headers, statuses") {
  Receiver receiver;
  CurlHttpClient http;
  WebhookSink sink({quick(2), receiver.url("/in/abc"), {{"X-Api-Key", "k3y"}}}, http);
  const Notification n = outage();
  CHECK(sink.deliver(n).result == R::Delivered);
  CHECK(sink.name() == "webhook #2");
  auto seen = receiver.only();
  CHECK(seen.target == "/in/abc");
  CHECK(seen.header("X-Api-Key") == "k3y");
  CHECK(seen.header("Content-Type") == "application/json");
  Json expected = Json::parse(R"({
    "event": "onbatt", "severity": "warning",
    "time": "2026-11-25T20:31:02Z", "unix_time": 1795638662,
    "host": "pve1", "reason": "on battery for 5 s", "reason_key": "reason.on_battery",
    "message": {"title": "⚡ Power outage on pve1", "body": ""},
    "ups": {"battery.charge": "100", "battery.runtime": "1772", "input.voltage": "229.0",
            "output.voltage": "228.4", "ups.load": "29", "ups.model": "Ellipse PRO 850",
            "ups.power": "137", "ups.status": "OB DISCHRG"},
    "status": ["OB", "DISCHRG"]})");
  expected["message"]["body"] = rendered(n).body;
  CHECK(seen.body == expected.dump());

  receiver.respond(503);
  CHECK(sink.deliver(n).result == R::Retry);
  receiver.respond(400);
  CHECK(sink.deliver(n).result == R::Failed);
}

TEST_CASE("ntfy: topic URL, title, priority, tags, token") {
  Receiver receiver;
  CurlHttpClient http;
  NtfyOptions options{quick(), receiver.url("/"), "ups-pve1", "tk_secret", std::nullopt};
  SUBCASE("onbatt, with a token") {
    NtfySink sink(options, http);
    const Notification n = outage();
    CHECK(sink.deliver(n).result == R::Delivered);
    auto seen = receiver.only();
    CHECK(seen.target == "/ups-pve1");
    CHECK(seen.header("Title") == "⚡ Power outage on pve1");
    CHECK(seen.header("Priority") == "4");
    CHECK(seen.header("Tags") == "zap");
    CHECK(seen.header("Authorization") == "Bearer tk_secret");
    CHECK(seen.body == rendered(n).body);
  }
  SUBCASE("lowbatt is urgent; online is default") {
    NtfySink sink(options, http);
    sink.deliver(outage(EventKind::LowBattery));
    sink.deliver(outage(EventKind::Online));
    auto seen = receiver.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].header("Priority") == "5");
    CHECK(seen[0].header("Tags") == "rotating_light,battery");
    CHECK(seen[1].header("Priority") == "3");
    CHECK(seen[1].header("Tags") == "electric_plug");
  }
  SUBCASE("a configured priority, no token") {
    options.token.clear();
    options.priority = 2;
    NtfySink sink(options, http);
    sink.deliver(outage());
    auto seen = receiver.only();
    CHECK(seen.header("Priority") == "2");
    CHECK(seen.headers.count("Authorization") == 0);
  }
  SUBCASE("403") {
    receiver.respond(403);
    NtfySink sink(options, http);
    CHECK(sink.deliver(outage()).result == R::Failed);
  }
}

} // namespace
} // namespace hidupsd::notify
