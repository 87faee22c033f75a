// SPDX-License-Identifier: GPL-2.0-or-later
// Readiness as the admin sees it: a broken host_command is notified at once and shown in
// /metrics; fixed and reloaded, it is ready again. Test and simulation messages are marked.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;
using Json = nlohmann::json;

std::string configWith(const TempDir& dir, const std::string& hostCommand,
                       const t::HttpReceiver& hook, std::uint16_t metrics) {
  return "[device]\nreplay = \"" + (t::fixturesDir() / "eaton-5sc-750.replay").string() +
         "\"\n[shutdown]\nhost_command = [\"" + hostCommand + "\"]\n[log]\n" +
         logFileSection(dir / "events.log") + "[[notify]]\ntype = \"webhook\"\nurl = \"" +
         hook.url() + "\"\n[serve.metrics]\nlisten = \"127.0.0.1:" + std::to_string(metrics) +
         "\"\n";
}

/// The value of hidupsd_shutdown_ready in a scrape, "" when absent or unreachable.
std::string readyGauge(std::uint16_t port) {
  const auto res = httplib::Client("127.0.0.1", port).Get("/metrics");
  if (!res) return "";
  const std::string key = "hidupsd_shutdown_ready{ups=\"ups\"} ";
  const auto at = res->body.find(key);
  return at == std::string::npos ? "" : res->body.substr(at + key.size(), 1);
}

/// The webhook bodies of event `name`.
std::vector<Json> posted(const t::HttpReceiver& hook, const std::string& name) {
  std::vector<Json> out;
  for (const auto& body : hook.bodies()) {
    auto j = Json::parse(body, nullptr, false);
    if (!j.is_discarded() && j.value("event", "") == name) out.push_back(std::move(j));
  }
  return out;
}

} // namespace

TEST_CASE("a host_command typo is notified at once and shown in /metrics; fixed, ready again") {
  // main: the daemon started and said nothing; the typo would be found at the next outage.
  TempDir dir;
  t::HttpReceiver hook;
  const auto metrics = freeLoopbackPort();
  const auto config = dir / "hidupsd.toml";
  writeFile(config, configWith(dir, "/sbin/shutdwn", hook, metrics));
  HidupsdProcess daemon(dir, {"-c", config.string()});
  CHECK_MESSAGE(eventually([&] { return !posted(hook, "notready").empty(); }), daemon.err());
  CHECK(eventually([&] { return readyGauge(metrics) == "0"; }));
  const auto sent = posted(hook, "notready");
  REQUIRE(sent.size() == 1);
  const std::string title = sent[0]["message"]["title"];
  CHECK(title.starts_with("🔸 SIMULATION — 🚫 The automatic shutdown would fail on "));
  CHECK(sent[0].value("reason", "").find("host_command: /sbin/shutdwn cannot run") !=
        std::string::npos);
  CHECK(contains(daemon.err(), "the shutdown would fail: host_command: /sbin/shutdwn cannot run"));
  CHECK(contains(readIfAny(dir / "events.log"), "notready: host_command: /sbin/shutdwn"));

  writeFile(config, configWith(dir, "true", hook, metrics));
  daemon.signal(SIGHUP);
  CHECK(waitForContent(dir / "events.log", "preflight: the shutdown would work again"));
  CHECK(eventually([&] { return readyGauge(metrics) == "1"; }));
  CHECK(posted(hook, "notready").size() == 1); // said once, not at every check
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}

TEST_CASE("--test-event marks its messages as a test") {
  TempDir dir;
  t::HttpReceiver hook;
  const auto config = dir / "hidupsd.toml";
  writeFile(config, configWith(dir, "true", hook, freeLoopbackPort()));
  const auto r =
      t::runProcess({t::hidupsdBinary().string(), "--test-event", "onbatt", "-c", config.string()});
  CHECK(r.status == 0);
  const auto sent = posted(hook, "onbatt");
  REQUIRE(sent.size() == 1);
  const std::string title = sent[0]["message"]["title"];
  CHECK(title.starts_with("🧪 TEST — ⚡ Power outage on "));
}
