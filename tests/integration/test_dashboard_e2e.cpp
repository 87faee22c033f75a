// SPDX-License-Identifier: GPL-2.0-or-later
// The dashboard as a person sees it: the daemon on a replayed UPS, the API, Debian's chromium.
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/daemon_support.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;
using nlohmann::json;

const char* const kChromium = "/usr/bin/chromium";
const std::string kToken = "dashboard-test-token-0123";

struct Dashboard {
  explicit Dashboard(const std::string& timeline) {
    const auto replay = writeReplay(dir / "ups.replay", timeline);
    writeFile(config, daemonConfig(replay, logFileSection(dir / "events.log"), dir / "history.db") +
                          "[serve.http]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                          "\"\naction_token = \"" + kToken + "\"\n");
    daemon = std::make_unique<HidupsdProcess>(dir, std::vector<std::string>{"-c", config.string()});
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::optional<json> get(const std::string& path) const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(2);
    c.set_read_timeout(5);
    const auto r = c.Get(path);
    if (!r || r->status != 200) return std::nullopt;
    return json::parse(r->body, nullptr, false);
  }
  /// The status once `pred` holds, within `limit`.
  std::optional<json> statusWhen(const std::function<bool(const json&)>& pred,
                                 std::chrono::milliseconds limit) const {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (auto s = get("/api/v1/status"); s && !s->is_discarded() && pred(*s)) return s;
      std::this_thread::sleep_for(100ms);
    }
    return std::nullopt;
  }
  TempDir dir;
  fs::path config = dir / "hidupsd.toml";
  std::uint16_t port = freeLoopbackPort();
  std::unique_ptr<HidupsdProcess> daemon;
};

std::string variable(const json& s, const std::string& name) {
  const auto& v = s["ups"]["variables"];
  return v.contains(name) ? v[name].get<std::string>() : std::string();
}

bool statusHas(const json& s, const std::string& flag) {
  return (" " + variable(s, "ups.status") + " ").find(" " + flag + " ") != std::string::npos;
}

/// chromium's headless run, bounded by timeout(1); its own profile in `dir`.
t::ProcessResult chromium(const TempDir& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/timeout",
                                "90",
                                kChromium,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run",
                                "--user-data-dir=" + (dir / "chromium").string(),
                                "--virtual-time-budget=6000"};
  argv.insert(argv.end(), args.begin(), args.end());
  return t::runProcess(argv);
}

/// The text inside the element with `id` in chromium's DOM dump ("" if absent).
std::string elementText(const std::string& dom, const std::string& id) {
  const auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  const auto open = dom.find('>', at);
  const auto close = dom.find('<', open);
  return open == std::string::npos || close == std::string::npos
             ? std::string()
             : dom.substr(open + 1, close - open - 1);
}

} // namespace

TEST_CASE("the API: the state, the plan, the history, on the same listener as /metrics") {
  Dashboard d(outageAt(6) + mainsBackAt(9));
  const auto online = d.statusWhen([](const json& s) { return statusHas(s, "OL"); }, 20s);
  REQUIRE_MESSAGE(online, d.daemon->err());
  CHECK_FALSE(variable(*online, "battery.charge").empty());
  CHECK_FALSE(variable(*online, "battery.runtime").empty());
  // The replayed outage reaches the API (the page polls it every second).
  const auto onBattery = d.statusWhen([](const json& s) { return statusHas(s, "OB"); }, 20s);
  REQUIRE_MESSAGE(onBattery, d.daemon->err());
  const auto plan = d.get("/api/v1/plan");
  REQUIRE(plan);
  CHECK((*plan)["api"] == 1);
  CHECK((*plan)["host_command"] == json::array({"systemctl", "poweroff"}));
  CHECK((*plan)["ups_power_cycle"]["enabled"] == true);
  CHECK((*plan)["deadline_seconds"].get<int>() >= 15);
  const auto history = d.get("/api/v1/history?range=24h");
  REQUIRE(history);
  CHECK((*history)["range"] == "24h");
  httplib::Client c("127.0.0.1", d.port);
  const auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("hidupsd_") != std::string::npos);
  const auto chart = c.Get("/api/v1/chart?metric=charge&range=24h");
  REQUIRE(chart);
  CHECK(chart->body.starts_with("<svg"));
}

TEST_CASE(
    "chromium renders the state and the charts; screenshots light and dark, narrow and wide") {
  if (!fs::exists(kChromium)) {
    MESSAGE("skipped: Debian's chromium is not installed (apt-get install chromium)");
    return;
  }
  Dashboard d("");
  const auto online = d.statusWhen(
      [](const json& s) { return statusHas(s, "OL") && !variable(s, "battery.charge").empty(); },
      20s);
  REQUIRE_MESSAGE(online, d.daemon->err());
  const auto dump = chromium(d.dir, {"--dump-dom", d.url()});
  REQUIRE_MESSAGE(dump.status == 0, dump.err);
  const auto& dom = dump.out;
  CHECK(elementText(dom, "charge") == variable(*online, "battery.charge") + " %");
  CHECK(elementText(dom, "state-words") == "On mains");
  CHECK(dom.find("class=\"chart") != std::string::npos);
  CHECK(dom.find("<svg") != std::string::npos);
  CHECK(dom.find("If the battery ran low now") != std::string::npos);
  CHECK(dom.find("systemctl poweroff") != std::string::npos);

  // Screenshots for a person to look at: HIDUPSD_SCREENSHOTS=DIR keeps them.
  const char* keep = std::getenv("HIDUPSD_SCREENSHOTS");
  const fs::path out = keep != nullptr ? fs::path(keep) : d.dir.path();
  for (const auto& [name, size, dark] : {std::tuple{"light-wide", "1280,2400", false},
                                         {"dark-wide", "1280,2400", true},
                                         {"light-narrow", "390,3600", false},
                                         {"dark-narrow", "390,3600", true}}) {
    const auto file = out / (std::string("issue-20-") + name + ".png");
    std::vector<std::string> args{"--window-size=" + std::string(size), "--hide-scrollbars",
                                  "--screenshot=" + file.string()};
    if (dark) args.push_back("--force-dark-mode");
    args.push_back(d.url());
    const auto shot = chromium(d.dir, args);
    CHECK_MESSAGE(shot.status == 0, shot.err);
    CHECK(fs::exists(file));
    CHECK(fs::file_size(file) > 10000);
  }
}
