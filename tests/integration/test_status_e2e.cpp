// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --status as the admin runs it: the running daemon's state through its control socket
// with no [serve.nut], as text and JSON; the sinks' health; the UPS itself once it is gone.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;
using Json = nlohmann::json;

/// A broken host_command (a notready at start), a webhook that fails (retries 0, alert after
/// 1) and one that works, the control socket in `dir`; no [serve.nut].
std::string statusConfig(const TempDir& dir, const t::HttpReceiver& failing,
                         const t::HttpReceiver& working, std::uint16_t metrics) {
  return "[device]\nreplay = \"" + (t::fixturesDir() / "eaton-5sc-750.replay").string() +
         "\"\n[shutdown]\nhost_command = [\"/nonexistent/poweroff\"]\n[log]\n" +
         logFileSection(dir / "events.log") + "[[notify]]\ntype = \"webhook\"\nurl = \"" +
         failing.url() + "\"\nretries = 0\nalert_after_failures = 1\n" +
         "[[notify]]\ntype = \"webhook\"\nurl = \"" + working.url() + "\"\n" +
         "[serve.control]\nsocket = \"" + (dir / "run" / "control.sock").string() +
         "\"\ngroup = \"\"\n[serve.metrics]\nlisten = \"127.0.0.1:" + std::to_string(metrics) +
         "\"\n";
}

t::ProcessResult runStatus(const std::filesystem::path& config, bool json = false) {
  std::vector<std::string> argv{t::hidupsdBinary().string(), "--status", "-c", config.string()};
  if (json) argv.push_back("--json");
  return t::runProcess(argv);
}

} // namespace

TEST_CASE("--status without [serve.nut]: the daemon's state, its sinks' health, then the UPS") {
  TempDir dir;
  t::HttpReceiver failing(t::HttpReceiver::Mode::ServerError);
  t::HttpReceiver working;
  const auto config = dir / "hidupsd.toml";
  const auto metricsPort = freeLoopbackPort();
  writeFile(config, statusConfig(dir, failing, working, metricsPort));
  HidupsdProcess daemon(dir, {"-c", config.string()});
  // The notready goes to both sinks; the failing one's failure is a notifyfail the other says.
  REQUIRE_MESSAGE(waitForContent(dir / "events.log", "notifyfail"), daemon.err());

  Json j;
  for (int i = 0; i < 100; ++i) { // until the device thread has read the UPS
    const auto r = runStatus(config, true);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    j = Json::parse(r.out);
    if (j["ups"]["ever_read"] == true) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(j["source"] == "daemon");
  CHECK(j["simulation"] == true);
  CHECK(j["ups"]["comm_ok"] == true);
  CHECK(j["ups"]["variables"]["ups.status"].get<std::string>().find("OL") != std::string::npos);
  CHECK(j["pipeline"]["phase"] == "idle");
  REQUIRE(j["readiness"].is_object());
  CHECK(j["readiness"]["ready"] == false);
  CHECK(j["readiness"]["errors"][0].get<std::string>().find("/nonexistent/poweroff") !=
        std::string::npos);
  const auto events = j["last_events"].dump();
  CHECK_MESSAGE(events.find("\"notready\"") != std::string::npos, events);
  CHECK_MESSAGE(events.find("\"notifyfail\"") != std::string::npos, events);
  REQUIRE(j["notifications"].size() == 2);
  CHECK(j["notifications"][0]["name"] == "webhook #1");
  CHECK(j["notifications"][0]["failures_in_row"].get<int>() >= 1);
  CHECK(j["notifications"][0]["last_error"].get<std::string>().find("500") != std::string::npos);
  CHECK(j["notifications"][0]["last_error"].get<std::string>().find("api/webhooks") ==
        std::string::npos); // never the URL
  CHECK(j["notifications"][1]["delivered"].get<int>() >= 1);

  // The same health in /metrics (served by the listener from the state the daemon publishes
  // every 200 ms: it may lag that much behind the control socket).
  httplib::Client http("127.0.0.1", metricsPort);
  auto scrape = http.Get("/metrics");
  for (int i = 0; i < 30; ++i) {
    if (scrape && scrape->body.find("sink=\"webhook #1\"") != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
    scrape = http.Get("/metrics");
  }
  REQUIRE(scrape);
  CHECK(scrape->body.find("hidupsd_notify_failures_in_row{ups=\"ups\",sink=\"webhook #1\"} ") !=
        std::string::npos);
  CHECK(scrape->body.find("hidupsd_notify_failures_in_row{ups=\"ups\",sink=\"webhook #1\"} 0") ==
        std::string::npos);

  const auto text = runStatus(config);
  CHECK(text.status == 0);
  CHECK_MESSAGE(
      missingInOrder(text.out, {"hidupsd ", "SIMULATION", "UPS \"ups\": OL", "charge ",
                                "Shutdown: not started", "Shutdown readiness: NOT READY",
                                "error: host_command", "Last events", "notready",
                                "Notifications:", "webhook #1: ", "FAILING", "webhook #2: "})
          .empty(),
      text.out);
  CHECK(text.err.empty());

  struct stat st {};
  REQUIRE(::stat((dir / "run" / "control.sock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600); // group = "": root only

  daemon.signal(SIGTERM);
  REQUIRE(daemon.waitExit().has_value());
  CHECK_FALSE(std::filesystem::exists(dir / "run" / "control.sock"));
  // The daemon is gone: --status says so and reads the UPS itself (the replay here).
  const auto after = runStatus(config);
  CHECK(after.status == 0);
  CHECK_MESSAGE(after.err.find("no control socket at " + (dir / "run").string()) !=
                    std::string::npos,
                after.err);
  CHECK(after.out.find("read from the UPS itself") != std::string::npos);
  CHECK(after.out.find("UPS \"ups\": OL") != std::string::npos);
}
