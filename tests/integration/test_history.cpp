// SPDX-License-Identifier: GPL-2.0-or-later
// The history of a running daemon: three outages recorded and listed, counters across a restart,
// and a really full and a really read-only file system under the database (a private tmpfs).
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fault_support.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;

std::string historyConfig(const fs::path& replay, const fs::path& dir, const fs::path& db,
                          std::uint16_t metricsPort) {
  return daemonConfig(replay, logFileSection(dir / "events.log"), db) +
         "[serve.metrics]\nlisten = " + "\"127.0.0.1:" + std::to_string(metricsPort) + "\"\n" +
         "[serve.control]\nsocket = \"" + (dir / "control.sock").string() + "\"\n";
}

/// GET /metrics; the value of a series without labels but ups, or -1.
double metric(std::uint16_t port, const std::string& name) {
  httplib::Client http("127.0.0.1", port);
  const auto r = http.Get("/metrics");
  if (!r || r->status != 200) return -1;
  std::smatch m;
  const std::regex re("\n" + name + R"(\{ups="ups"\} ([0-9.e+]+)\n)");
  return std::regex_search(r->body, m, re) ? std::stod(m[1].str()) : -1;
}

bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 30s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(kPollStep);
  }
  return true;
}

void stop(HidupsdProcess& p) {
  p.signal(SIGTERM);
  const auto code = p.waitExit();
  REQUIRE_MESSAGE(code.has_value(), p.err());
  CHECK_MESSAGE(*code == 0, p.err());
}

} // namespace

// DESIGN.md's done-when for issue 19: three outages of 8, 12 and 20 s, each recorded with its
// duration (±1.5 s), listed by --history --json while the daemon runs, and still counted by
// /metrics after a restart.
TEST_CASE("history: three outages recorded, listed, and counted again after a restart") {
  TempDir dir;
  const auto db = dir / "history.db";
  const std::uint16_t port = freeLoopbackPort();
  const auto replay =
      writeReplay(dir / "ups.replay", outageAt(2) + mainsBackAt(10) + outageAt(16) +
                                          mainsBackAt(28) + outageAt(34) + mainsBackAt(54));
  writeFile(dir / "hidupsd.toml", historyConfig(replay, dir.path(), db, port));
  const std::vector<std::string> args{"-c", (dir / "hidupsd.toml").string()};
  {
    HidupsdProcess daemon(dir, args);
    REQUIRE_MESSAGE(waitFor([&] { return metric(port, "hidupsd_outages_total") == 3; }, 90s),
                    daemon.err());
    const auto listed =
        t::runProcess({t::hidupsdBinary().string(), "--history", "--json", "-c", args[1]});
    REQUIRE_MESSAGE(listed.status == 0, listed.err);
    const auto j = nlohmann::json::parse(listed.out);
    REQUIRE(j["outages"].size() == 3);
    const double expected[] = {20, 12, 8}; // newest first
    for (std::size_t i = 0; i < 3; ++i) {
      const double got = j["outages"][i]["duration"];
      MESSAGE("outage " << i << ": " << got << " s (expected " << expected[i] << " s)");
      CHECK(std::abs(got - expected[i]) <= 1.5);
      CHECK(j["outages"][i]["ended_by"] == "mains");
      CHECK(j["outages"][i]["blip"] == false);
    }
    CHECK(j["statistics"]["transfers"] == 3);
    const auto text = t::runProcess({t::hidupsdBinary().string(), "--history", "-c", args[1]});
    CHECK(text.status == 0);
    CHECK(contains(text.out, "transfers to battery  3 (0 blips)"));
    // --status: the daemon's own summary of it, through the control socket.
    const auto status = t::runProcess({t::hidupsdBinary().string(), "--status", "-c", args[1]});
    CHECK_MESSAGE(status.status == 0, status.err);
    CHECK_MESSAGE(contains(status.out, "History: 3 transfers to battery (0 blips), "), status.out);
    const auto state = nlohmann::json::parse(
        t::runProcess({t::hidupsdBinary().string(), "--status", "--json", "-c", args[1]}).out);
    CHECK(state["history"]["transfers"] == 3);
    CHECK(state["history"]["writable"] == true);
    stop(daemon);
  }
  writeReplay(replay, ""); // mains all along now
  HidupsdProcess again(dir, args);
  REQUIRE_MESSAGE(waitFor([&] { return metric(port, "hidupsd_outages_total") >= 0; }), again.err());
  CHECK(metric(port, "hidupsd_outages_total") == 3);
  CHECK(metric(port, "hidupsd_on_battery_seconds_total") == doctest::Approx(40).epsilon(0.1));
  CHECK(metric(port, "hidupsd_last_outage_duration_seconds") == doctest::Approx(20).epsilon(0.1));
  CHECK(metric(port, "hidupsd_history_ok") == 1);
  stop(again);
}

namespace {

/// unshare -m works (root): the tmpfs and the remounts need it.
bool mountNamespaces() {
  return t::runProcess({"/usr/bin/unshare", "-m", "/bin/true"}).status == 0 &&
         t::runProcess({"/usr/bin/nsenter", "--version"}).status == 0;
}

/// In the daemon's mount namespace: `command` (nsenter).
t::ProcessResult inside(pid_t pid, std::vector<std::string> command) {
  std::vector<std::string> argv{"/usr/bin/nsenter",
                                "--mount=/proc/" + std::to_string(pid) + "/ns/mnt"};
  argv.insert(argv.end(), command.begin(), command.end());
  return t::runProcess(argv);
}

} // namespace

// A real read-only file system (the daemon starts with its database directory on a tmpfs
// mounted read-only, as after a boot that left it so), then a real ENOSPC (the tmpfs, writable
// again, filled by another file): each a streak of failures logged once when it starts and
// once when it ends; the events never wait (the event log is on another file system); what
// waited in memory is written afterwards, nothing lost.
TEST_CASE("history: a read-only file system, then a full disk: logged once each, nothing lost") {
  if (!mountNamespaces()) {
    MESSAGE("skipped: no mount namespace here (needs root for unshare -m and nsenter)");
    return;
  }
  TempDir dir;
  const auto mnt = dir / "mnt";
  fs::create_directories(mnt);
  const auto db = mnt / "history.db";
  const std::uint16_t port = freeLoopbackPort();
  // Outages every 30 s: each is a write at once (a transfer), the moment a fault shows.
  std::string timeline;
  for (int t = 8; t < 300; t += 30)
    timeline += outageAt(t) + mainsBackAt(t + 4);
  const auto replay = writeReplay(dir / "ups.replay", timeline);
  writeFile(dir / "hidupsd.toml", historyConfig(replay, dir.path(), db, port));
  const std::string script = "mount -t tmpfs -o size=256k hidupsd-history \"$1\" || exit 97\n"
                             "mount -o remount,ro \"$1\" || exit 97\nshift\nexec \"$@\"\n";
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()},
                        {"/usr/bin/unshare", "-m", "/bin/sh", "-c", script, "sh", mnt.string()});
  const auto pid = daemon.pid();
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "cannot open " + db.string(), 30s),
                  daemon.err());
  const auto events = dir / "events.log";
  // An outage while it cannot write: the events go on, on their own file system.
  REQUIRE_MESSAGE(waitForContent(events, "online", 40s), daemon.err());
  REQUIRE(inside(pid, {"/bin/mount", "-o", "remount,rw", mnt.string()}).status == 0);
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "writing to " + db.string() + " again", 40s),
                  daemon.err());

  // Every byte left goes to a filler: the next write of the database meets ENOSPC.
  REQUIRE(inside(pid, {"/bin/sh", "-c",
                       "head -c 1048576 /dev/zero > " + (mnt / "filler").string() +
                           " 2>/dev/null; exit 0"})
              .status == 0);
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "cannot write to " + db.string(), 60s),
                  daemon.err());
  const auto onlines = countOf(readIfAny(events), "online");
  REQUIRE_MESSAGE(waitFor([&] { return countOf(readIfAny(events), "online") > onlines; }, 40s),
                  daemon.err()); // and an outage while the disk is full
  inside(pid, {"/bin/rm", "-f", (mnt / "filler").string()});
  REQUIRE_MESSAGE(
      waitFor([&] { return t::faults::linesWith(daemon.err(), "again after") == 2; }, 60s),
      daemon.err());
  const std::string err = daemon.err();
  CAPTURE(err);
  CHECK(t::faults::linesWith(err, "history: cannot") == 2); // one line a streak
  CHECK(contains(err, "read-only"));
  CHECK(contains(err, "disk full"));
  const auto listed = inside(pid, {t::hidupsdBinary().string(), "--history", "--json", "-c",
                                   (dir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(listed.status == 0, listed.err);
  const auto j = nlohmann::json::parse(listed.out);
  // None was lost: every outage counted is in the file (one may have ended since the count).
  const auto counted = j["statistics"]["transfers"].get<std::size_t>();
  MESSAGE(counted << " outages counted and listed");
  CHECK(counted >= 2);
  CHECK(j["outages"].size() == counted);
  stop(daemon);
}
