// SPDX-License-Identifier: GPL-2.0-or-later
// Soak: 1,000 outages and blips on a manual clock in one process; RSS and open fds stay flat.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "src/event_log.hpp"
#include "tests/support/daemon_support.hpp"
#include "tests/support/test_support.hpp"
#include "ups/device_reader.hpp"
#include "ups/engine.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace d = hidupsd::test::daemon;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

/// 1,000 cycles; 200 under AddressSanitizer, which is 20 times slower here
/// (every pattern below still comes 8 times; LeakSanitizer needs no more).
constexpr int kCycles = kAddressSanitizer ? 200 : 1000;
constexpr int kPeriod = 60;        ///< s of UPS time per cycle
constexpr int kSampleEvery = 25;   ///< cycles between samples: every pattern below fits in 25
constexpr long kRssSlackKb = 1024; ///< last-quarter max RSS over first-quarter max, at most

bool isBlip(int i) { return i % 4 == 3; }
bool hasLowBattery(int i) { return i % 10 == 0; }
bool hasUnplug(int i) { return i % 25 == 5; }
bool hasIoErrors(int i) { return i % 7 == 2; }

std::string at(int t, const std::string& what) {
  return "at " + std::to_string(t) + " " + what + "\n";
}

/// One cycle from t0: a blip (1 s on battery, under the 5-s on_battery_delay)
/// or an outage of 12 s; sometimes low battery, I/O errors, an unplug of 20 s
/// on mains; a short (dropped) input report every cycle.
std::string cycle(int i) {
  const int t0 = 5 + i * kPeriod;
  const int end = t0 + (isBlip(i) ? 1 : 12);
  std::string out = d::outageAt(t0) + at(t0 + 3, "input 01");
  if (hasIoErrors(i)) out += at(t0 + 2, "fail 3");
  if (hasLowBattery(i)) out += d::lowBatteryAt(t0 + 8);
  out += d::mainsBackAt(end);
  if (hasUnplug(i)) out += at(t0 + 20, "disconnect") + at(t0 + 40, "reconnect");
  return out;
}

std::string timeline() {
  std::string out;
  for (int i = 0; i < kCycles; ++i)
    out += cycle(i);
  return out;
}

/// Counts events per kind and writes each to a real event log (one fd).
class CountingSink final : public EventSink {
public:
  explicit CountingSink(const fs::path& log) : log_(log) {}
  void onEvent(const core::Event& event) noexcept override {
    ++counts[static_cast<std::size_t>(event.kind)];
    log_.append(event);
  }
  int count(core::EventKind kind) const { return counts[static_cast<std::size_t>(kind)]; }
  std::array<int, core::kEventNames.size()> counts{};

private:
  EventLog log_;
};

long rssKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

long openFds() {
  long n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd"))
    ++n;
  return n - 1; // the iterator's own
}

struct Sample {
  long rss;
  long fds;
};

long maxRss(std::vector<Sample>::const_iterator from, std::vector<Sample>::const_iterator to) {
  long m = 0;
  for (auto it = from; it != to; ++it)
    m = std::max(m, it->rss);
  return m;
}

void checkFlat(const std::vector<Sample>& samples) {
  REQUIRE(samples.size() >= 8);
  const auto quarter = static_cast<std::ptrdiff_t>(samples.size() / 4);
  const long first = maxRss(samples.begin(), samples.begin() + quarter);
  const long last = maxRss(samples.end() - quarter, samples.end());
  std::string rss, fds;
  for (const auto& s : samples) {
    rss += " " + std::to_string(s.rss);
    fds += " " + std::to_string(s.fds);
  }
  MESSAGE("RSS kB per " << kSampleEvery << " cycles:" << rss);
  MESSAGE("open fds:" << fds);
  MESSAGE("RSS max: first quarter " << first << " kB, last quarter " << last << " kB");
  for (const auto& s : samples)
    CHECK(s.fds == samples.front().fds);
  if (kAddressSanitizer) {
    // ASan's quarantine holds freed memory back (256 MB): RSS grows by
    // design there. LeakSanitizer checks the leaks of this build instead.
    MESSAGE("AddressSanitizer build: RSS not compared");
    return;
  }
  CHECK(last <= first + kRssSlackKb);
}

} // namespace

TEST_CASE("soak: 1,000 outages and blips in one process: events exact, RSS and fds flat") {
  d::TempDir dir;
  core::ManualClock clock;
  const auto text = test::readFile(test::fixturesDir() / "eaton-3s-700.replay") + "\n" + timeline();
  auto device = std::make_shared<hid::ReplayDevice>(hid::parseReplay(text, "soak"), clock, 250ms);
  CountingSink sink(dir / "events.log");
  PolicyOptions policy; // on_battery_delay 5 s, online_delay 5 s, comms lost 15 s
  Engine engine(policy, clock, sink);
  ReaderOptions options;      // comms lost after 15 s
  options.pollInterval = 10s; // fewer polls, same events: input reports carry the changes
  options.readSlice = 10s;
  DeviceReader reader([&] { return std::make_unique<hid::SharedDevice>(device); }, clock, engine,
                      options);
  std::vector<Sample> samples;
  const auto wallStart = std::chrono::steady_clock::now();
  for (int i = 0; i < kCycles; ++i) {
    reader.runUntil(core::Clock::time_point{} + std::chrono::seconds(5 + (i + 1) * kPeriod));
    if ((i + 1) % kSampleEvery == 0) samples.push_back({rssKb(), openFds()});
  }
  MESSAGE("wall time: "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count()
          << " s");
  int outages = 0, lows = 0, unplugs = 0;
  for (int i = 0; i < kCycles; ++i) {
    outages += isBlip(i) ? 0 : 1;
    lows += hasLowBattery(i) ? 1 : 0;
    unplugs += hasUnplug(i) ? 1 : 0;
  }
  using K = core::EventKind;
  CHECK(sink.count(K::OnBattery) == outages);
  CHECK(sink.count(K::Online) == outages);
  CHECK(sink.count(K::LowBattery) == lows);
  CHECK(sink.count(K::Shutdown) == 1); // at most one, ever
  CHECK(sink.count(K::CommBad) == unplugs);
  CHECK(sink.count(K::CommOk) == unplugs);
  const auto stats = reader.stats();
  CHECK(stats.badReports == static_cast<std::uint64_t>(kCycles));
  // Every reconnect is an unplug's or a healing reopen's: I/O errors spread over a few
  // calls after 8 s without an answer (10-s polls) are a silence for the ladder.
  int ioCycles = 0;
  for (int i = 0; i < kCycles; ++i)
    ioCycles += hasIoErrors(i) ? 1 : 0;
  CHECK(stats.opens == static_cast<std::uint64_t>(1 + unplugs) + stats.healingReopens);
  CHECK(stats.healingReopens <= static_cast<std::uint64_t>(unplugs + ioCycles));
  CHECK(stats.healingResets == 0); // each reopen answered: no USB reset was needed
  checkFlat(samples);
}
