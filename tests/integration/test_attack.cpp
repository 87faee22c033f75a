// SPDX-License-Identifier: GPL-2.0-or-later
// The combined attack: 1,100 idle /metrics connections, 300 NUT connections saying VER and a
// 50 MB chunked POST, against the daemon under a 1,024-descriptor limit — and a low battery
// in the middle of it. The shutdown must go through; honest clients must be answered.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include <httplib.h>

#include "tests/support/attack_support.hpp"
#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true; // shadow memory: the daemon's RSS says nothing about its own use
#else
constexpr bool kAsan = false;
#endif

/// Low battery this long after the daemon opened the replayed UPS: the attack is in full
/// swing by then (it takes a second or two to set up, more under ASan on a loaded machine).
constexpr int kLowBatteryAt = 16;

std::string config(const TempDir& dir, const t::FakePve& pve, std::uint16_t nut,
                   std::uint16_t http) {
  const auto replay =
      writeReplay(dir / "ups.replay", outageAt(kLowBatteryAt - 2) + lowBatteryAt(kLowBatteryAt));
  return "[device]\nreplay = \"" + replay.string() +
         "\"\npoll_interval = 1\n"
         "[policy]\non_battery_delay = 1\nsimulation = false\n"
         "[shutdown]\nhost_command = [\"" +
         pve.poweroff() + "\"]\nkill_power_flag = \"" + (dir / "killpower").string() +
         "\"\nguest_timeout = 30\n[proxmox]\nqm = \"" + pve.qm() + "\"\npct = \"" + pve.pct() +
         "\"\npvesh = \"" + pve.pvesh() + "\"\ncontainers = false\n[comeback]\nstate_file = \"" +
         (dir / "comeback").string() + "\"\n[log]\n" + logFileSection(dir / "events.log") +
         "[serve.nut]\nlisten = \"127.0.0.1:" + std::to_string(nut) +
         "\"\n[serve.metrics]\nlisten = \"127.0.0.1:" + std::to_string(http) + "\"\n";
}

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// upsc (Debian's nut-client) asking ups.status; how long it took, or -1 when it failed.
double timedUpsc(std::uint16_t port) {
  const auto t0 = Clock::now();
  const auto r = t::runProcess(
      {"timeout", "30", "upsc", "ups@127.0.0.1:" + std::to_string(port), "ups.status"});
  return r.status == 0 && !r.out.empty() ? secondsSince(t0) : -1;
}

/// An honest Prometheus scrape, retried as Prometheus would until `limit`; how long, or -1.
double timedScrape(std::uint16_t port, std::chrono::seconds limit) {
  const auto t0 = Clock::now();
  while (Clock::now() - t0 < limit) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    const auto res = client.Get("/metrics");
    if (res && res->status == 200 && res->body.find("hidupsd_shutdown_ready") != std::string::npos)
      return secondsSince(t0);
    std::this_thread::sleep_for(200ms);
  }
  return -1;
}

} // namespace

TEST_CASE("under the combined attack with 1,024 descriptors, a low battery still shuts down") {
  // main: accept() took every descriptor; qm could not start ("Too many open files"): no
  // guest stopped, no power-off; upsc was refused.
  t::raiseDescriptorLimit();
  TempDir dir;
  t::FakePve pve(t::uniformVms(2, 1.0));
  const auto nutPort = freeLoopbackPort();
  const auto httpPort = freeLoopbackPort();
  writeFile(dir / "hidupsd.toml", config(dir, pve, nutPort, httpPort));
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()},
                        {"/usr/bin/prlimit", "--nofile=1024:1024", "--"});
  const auto started = Clock::now();
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "listener (pid "), daemon.err());
  t::ProcessSampler sampler(daemon.pid());
  // The connections land in the listener (privilege separation): its descriptors are its own.
  const auto err = daemon.err();
  const auto at = err.find("listener (pid ") + 14;
  const pid_t listenerPid = std::stoi(err.substr(at, err.find(' ', at) - at));
  t::ProcessSampler listenerSampler(listenerPid);

  t::IdleFlood idle(httpPort, 1100);
  t::NutChatter chatter(nutPort, 300, 2000ms);
  t::ChunkedPost post(httpPort, 50u * 1024 * 1024);
  for (int i = 0; i < 200 && (idle.opened() < 1100 || chatter.answers() < 300); ++i)
    std::this_thread::sleep_for(50ms);
  MESSAGE("attack set up " << secondsSince(started) << " s after the start: " << idle.opened()
                           << " HTTP connections opened, " << chatter.answers() << " NUT answers");

  const double upsc = timedUpsc(nutPort);
  const double scrape = timedScrape(httpPort, 15s);
  MESSAGE("honest upsc answered in " << upsc << " s; honest scrape in " << scrape << " s");
  CHECK(upsc >= 0);
  CHECK(upsc <= 5.0);
  CHECK(scrape >= 0);
  CHECK(scrape <= 15.0);

  // The low battery comes during the attack: the pipeline must run to the end.
  const auto events = dir / "events.log";
  const bool finished = waitForContent(events, "shutdown pipeline finished", 90s);
  CHECK_MESSAGE(finished, readIfAny(events) << daemon.err());
  MESSAGE("attack at the end: " << idle.opened() << " HTTP connections opened, "
                                << idle.closedByServer() << " closed by the server; "
                                << chatter.answers() << " NUT answers; POST bytes taken "
                                << post.sent());
  CHECK(pve.status("vm", 100) == "stopped");
  CHECK(pve.status("vm", 101) == "stopped");
  CHECK(pve.started("poweroff").size() == 1);
  CHECK(fs::exists(dir / "killpower"));
  CHECK(post.sent() < 50u * 1024 * 1024); // refused at its head, never read through
  const auto log = readIfAny(events);
  CHECK(log.find("cannot start") == std::string::npos);
  CHECK(log.find("Too many open files") == std::string::npos);

  const auto peakFds = sampler.peakDescriptors();
  const long peakRss = sampler.peakRssKiB();
  MESSAGE("daemon peak: " << peakFds << " descriptors of 1024, "
                          << static_cast<double>(peakRss) / 1024.0 << " MiB resident"
                          << std::string(kAsan ? " (ASan build: not checked)" : ""));
  MESSAGE("listener peak: " << listenerSampler.peakDescriptors() << " descriptors of 1024, "
                            << static_cast<double>(listenerSampler.peakRssKiB()) / 1024.0
                            << " MiB resident");
  CHECK(peakFds <= 100); // the attack's connections are the listener's, not the daemon's
  CHECK(listenerSampler.peakDescriptors() <= 1024);
  if (!kAsan) CHECK(peakRss <= 64 * 1024);
  CHECK(daemon.err().find("descriptors: limit 1024") != std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
}
