// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for DeviceReader: replayed timelines on a manual clock, exact times asserted.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/shared_device.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/test_support.hpp"
#include "ups/device_reader.hpp"
#include "ups/simulated_device.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
using core::ManualClock;

namespace {

double secondsAt(core::Clock::time_point t) { return core::Seconds(t.time_since_epoch()).count(); }

struct Event {
  std::string kind; ///< "snapshot", "lost", "restored"
  double at = 0;
  core::Snapshot snapshot;
  std::string reason;
};

class Recorder final : public ReaderListener {
public:
  explicit Recorder(const core::Clock& clock) : clock_(clock) {}
  void onSnapshot(const core::Snapshot& s) noexcept override {
    events.push_back({"snapshot", secondsAt(s.time), s, {}});
  }
  void onCommLost(std::string reason) noexcept override {
    events.push_back({"lost", secondsAt(clock_.now()), {}, std::move(reason)});
  }
  void onCommRestored() noexcept override {
    events.push_back({"restored", secondsAt(clock_.now()), {}, {}});
  }

  std::vector<double> times(const std::string& kind) const {
    std::vector<double> out;
    for (const auto& e : events)
      if (e.kind == kind) out.push_back(e.at);
    return out;
  }
  const Event* first(const std::string& kind, double from = 0) const {
    for (const auto& e : events)
      if (e.kind == kind && e.at >= from) return &e;
    return nullptr;
  }
  const Event* last(const std::string& kind, double before) const {
    const Event* found = nullptr;
    for (const auto& e : events)
      if (e.kind == kind && e.at < before) found = &e;
    return found;
  }
  const Event* firstWithStatus(const std::string& flag) const {
    for (const auto& e : events)
      if (e.kind == "snapshot" && e.snapshot.hasStatus(flag)) return &e;
    return nullptr;
  }

  std::vector<Event> events;

private:
  const core::Clock& clock_;
};

/// Call timeout of the replayed device: one read slice, so that a stalled
/// call ends on the same quarter-second grid as every other step.
constexpr auto kCallTimeout = 250ms;

std::shared_ptr<hid::ReplayDevice> replayed(core::Clock& clock, const std::string& fixture,
                                            const std::string& timeline,
                                            std::initializer_list<int> without = {}) {
  auto text = test::readFile(test::fixturesDir() / (fixture + ".replay")) + "\n" + timeline;
  auto script = hid::parseReplay(text, fixture + "+test");
  for (const int id : without)
    std::erase_if(script.features, [id](const auto& r) { return r.front() == id; });
  return std::make_shared<hid::ReplayDevice>(std::move(script), clock, kCallTimeout);
}

std::shared_ptr<hid::ReplayDevice> eaton3s(core::Clock& clock, const std::string& timeline) {
  return replayed(clock, "eaton-3s-700", timeline);
}

/// The reader on a ManualClock at t = 0, reading a replayed Eaton 3S 700;
/// the healing ladder resets it through the replay (resetPort).
struct Rig {
  explicit Rig(const std::string& timeline, ReaderOptions options = {})
      : Rig("eaton-3s-700", timeline, {}, std::move(options)) {}
  Rig(const std::string& fixture, const std::string& timeline, std::initializer_list<int> without,
      ReaderOptions options = {})
      : device(replayed(clock, fixture, timeline, without)),
        reader([this] { return open(); }, clock, listener, withReset(std::move(options))) {}

  ReaderOptions withReset(ReaderOptions options) {
    if (!options.resetPort)
      options.resetPort = [this](const hid::DeviceInfo&) { device->resetPort(); };
    return options;
  }
  std::unique_ptr<hid::Device> open() {
    opens.push_back(secondsAt(clock.now()));
    return std::make_unique<hid::SharedDevice>(device);
  }
  void runUntil(double s) {
    reader.runUntil(core::Clock::time_point{} +
                    std::chrono::duration_cast<core::Clock::duration>(core::Seconds(s)));
  }
  bool logged(const std::string& part) const { return logs.contains(part); }
  /// The warning and error lines of the reader.
  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    for (const auto& l : logs.entries())
      if (l.domain == "device" && l.level <= log::Level::Warning) out.push_back(l.text);
    return out;
  }

  ManualClock clock;
  std::shared_ptr<hid::ReplayDevice> device;
  Recorder listener{clock};
  std::vector<double> opens;
  test::LogCapture logs; // before the reader: it logs until it is gone
  DeviceReader reader;
};

} // namespace

TEST_CASE("the first snapshot comes at start, on line, then one per poll") {
  Rig rig("");
  rig.runUntil(6.1);
  REQUIRE_FALSE(rig.listener.events.empty());
  const auto& first = rig.listener.events.front();
  CHECK(first.kind == "snapshot");
  CHECK(first.at == 0.0);
  CHECK(first.snapshot.get("ups.status") == "OL CHRG");
  CHECK(first.snapshot.get("ups.mfr") == "EATON");
  // t = 0: the poll, then the four initial input reports; then a poll each 2 s.
  CHECK(rig.listener.times("snapshot") == std::vector<double>{0, 0, 0, 0, 0, 2, 4, 6});
  CHECK(rig.opens == std::vector<double>{0});
  CHECK(rig.reader.connected());
  CHECK(rig.reader.stats().badReports == 0);
}

TEST_CASE("on battery reaches the listener at the input report, not at the next poll") {
  Rig rig("at 5 set UPS.PowerSummary.PresentStatus.ACPresent 0\n");
  rig.runUntil(10);
  const auto* ob = rig.listener.firstWithStatus("OB");
  REQUIRE(ob != nullptr);
  CHECK(ob->at == 5.0); // polls are at 4 and 6: this is the interrupt report
  CHECK_FALSE(ob->snapshot.hasStatus("OL"));
  const auto* before = rig.listener.last("snapshot", 5.0);
  REQUIRE(before != nullptr);
  CHECK(before->snapshot.hasStatus("OL"));
  CHECK(rig.listener.times("lost").empty());
}

TEST_CASE("unplugged: comm lost 15 s after the last answer, backoff, restored on replug") {
  Rig rig("at 10.5 disconnect\nat 40 reconnect\n");
  rig.runUntil(50);
  // Polls at 0, 2, ..., 10 answered; the read slice waiting at 10.5 sees the unplug.
  CHECK(rig.listener.times("lost") == std::vector<double>{25.0});
  CHECK(rig.listener.first("lost")->reason.find("disconnected") != std::string::npos);
  // Retries 1, 2, 4, 8, 16 s apart; the one at 41.5 finds the device back.
  CHECK(rig.opens == std::vector<double>{0, 11.5, 13.5, 17.5, 25.5, 41.5});
  CHECK(rig.listener.times("restored") == std::vector<double>{41.5});
  const auto* before = rig.listener.last("snapshot", 10.5);
  const auto* after = rig.listener.first("snapshot", 41.5);
  REQUIRE(before != nullptr);
  REQUIRE(after != nullptr);
  CHECK(after->at == 41.5);
  CHECK(after->snapshot.variables == before->snapshot.variables);
  CHECK(rig.listener.last("snapshot", 41.5)->at == 10.0); // nothing while unplugged
  CHECK(rig.reader.stats().opens == 2);
  CHECK(rig.reader.stats().openFailures == 4);
}

TEST_CASE("the reconnect backoff doubles up to its cap") {
  Rig rig("at 0.5 disconnect\n");
  rig.runUntil(100);
  CHECK(rig.opens == std::vector<double>{0, 1.5, 3.5, 7.5, 15.5, 31.5, 61.5, 91.5});
  CHECK(rig.listener.times("lost") == std::vector<double>{15.0});
  CHECK(rig.listener.times("restored").empty());
}

TEST_CASE("no device at all: comm lost 15 s after start, retries keep going") {
  ManualClock clock;
  Recorder listener(clock);
  std::vector<double> opens;
  DeviceReader reader(
      [&]() -> std::unique_ptr<hid::Device> {
        opens.push_back(secondsAt(clock.now()));
        throw std::runtime_error("no UPS 0463:ffff on the bus");
      },
      clock, listener);
  reader.runUntil(core::Clock::time_point{} + 40s);
  CHECK(opens == std::vector<double>{0, 1, 3, 7, 15, 31});
  CHECK(listener.times("lost") == std::vector<double>{15.0});
  CHECK(listener.first("lost")->reason ==
        "no answer for 15 s (last error: no UPS 0463:ffff on the bus); no device could be "
        "opened to reset: check the UPS's USB cable and `lsusb`");
  CHECK(listener.times("snapshot").empty());
}

// hidupsd --simulate under valgrind: the device thread, slowed down, saw no
// answer for longer than comms_lost_timeout and said "no device opened yet".
TEST_CASE("comm lost without any error after an open: the reason is no answer, not no device") {
  ManualClock clock;
  struct Stalling final : ReaderListener {
    ManualClock& clock;
    explicit Stalling(ManualClock& c) : clock(c) {}
    std::vector<std::string> reasons;
    void onSnapshot(const core::Snapshot&) noexcept override { clock.advance(20s); }
    void onCommLost(std::string reason) noexcept override { reasons.push_back(reason); }
    void onCommRestored() noexcept override {}
  } stalling(clock);
  auto device = eaton3s(clock, "");
  DeviceReader reader([&] { return std::make_unique<hid::SharedDevice>(device); }, clock, stalling);
  reader.step(); // opens
  reader.step(); // polls; the snapshot takes 20 s
  REQUIRE(stalling.reasons.size() == 1);
  CHECK(stalling.reasons[0] == "no answer for 20 s (last error: no answer)");
}

TEST_CASE("three failed calls are no comm loss") {
  Rig rig("at 5 fail 3\n");
  rig.runUntil(30.1);
  CHECK(rig.listener.times("lost").empty());
  CHECK(rig.reader.stats().failedCalls == 3);
  CHECK(rig.reader.connected());
  CHECK(rig.listener.last("snapshot", 31)->at == 30.0);
  CHECK(rig.listener.last("snapshot", 31)->snapshot.get("ups.status") == "OL CHRG");
  CHECK(rig.logged("I/O error"));
}

TEST_CASE("a stalled device goes down the healing ladder, commbad says power-cycle it") {
  Rig rig("at 10.5 stall 20\n");
  rig.runUntil(40);
  // Last answer at 10 (the poll). At 15 (T/3) it is reopened: the open fails inside
  // the stall (its descriptor read waits out one 250 ms call), retried 1, 2 s later; at
  // 20 (2T/3) its USB port is reset through the opener (a stall is the firmware's: the
  // reset does not end it), retries 1, 2, 4, 8 s apart; at 25 comm lost, with the
  // advice; the stall ends at 30.5 and the retry at 37 finds it answering.
  CHECK(rig.opens == std::vector<double>{0, 15, 16.25, 18.5, 21, 22.25, 24.5, 28.75, 37});
  CHECK(rig.device->resets() == 1);
  CHECK(rig.reader.stats().healingReopens == 1);
  CHECK(rig.reader.stats().healingResets == 1);
  CHECK(rig.logged("no answer from the UPS for 5 s (eaton-3s-700+test: no answer within 250 "
                   "ms): reopening it (healing step 1 of 3)"));
  CHECK(rig.logged("resetting its USB port (healing step 2 of 3)"));
  CHECK(rig.listener.times("lost") == std::vector<double>{25.0});
  const auto& reason = rig.listener.first("lost")->reason;
  CHECK(reason.find("reopening it at 5 s and resetting its USB port at 10 s did not help: "
                    "power-cycle the UPS's USB link") != std::string::npos);
  CHECK(rig.listener.times("restored") == std::vector<double>{37});
  CHECK(rig.listener.first("snapshot", 10.5)->at == 37);
  CHECK(rig.listener.first("snapshot", 10.5)->snapshot.get("ups.status") == "OL CHRG");
  CHECK(rig.logged("the UPS answers again after 27 s of silence (the healing ladder had "
                   "tried: reopen, USB port reset)"));
}

TEST_CASE("a wedged device is healed by the USB port reset, before any commbad") {
  Rig rig("at 10.5 wedge\n");
  rig.runUntil(30);
  // Reopened at 15 (the open of a wedged firmware fails too), reset at 20: the next
  // open, 1 s later, reads it; no comm loss, since 15 s of silence never passed.
  CHECK(rig.device->resets() == 1);
  CHECK(rig.listener.times("lost").empty());
  CHECK(rig.listener.first("snapshot", 10.5)->at == 21);
  CHECK(rig.logged("the UPS answers again after 11 s of silence (the healing ladder had "
                   "tried: reopen, USB port reset)"));
}

TEST_CASE("a device silent for a moment comes back after the reopen alone") {
  Rig rig("at 10.5 stall 5\n");
  rig.runUntil(30);
  CHECK(rig.device->resets() == 0);
  CHECK(rig.reader.stats().healingReopens == 1);
  CHECK(rig.listener.times("lost").empty());
  CHECK(rig.logged("(the healing ladder had tried: reopen)"));
}

TEST_CASE("a poll interval longer than the ladder's first step is no silence") {
  ReaderOptions options; // comms lost after 15 s: the reopen would be due 5 s after an answer
  options.pollInterval = std::chrono::seconds(10);
  Rig rig("", options);
  rig.runUntil(120);
  CHECK(rig.opens.size() == 1);
  CHECK(rig.reader.stats().healingReopens == 0);
  CHECK(rig.listener.times("lost").empty());
}

TEST_CASE("one poll's burst of I/O errors after a quiet spell is no silence either") {
  ReaderOptions options;
  options.pollInterval = std::chrono::seconds(10);
  Rig rig("at 7 fail 3\n", options); // three calls of the poll at 10 fail, 10 s after an answer
  rig.runUntil(60);
  CHECK(rig.reader.stats().failedCalls == 3);
  CHECK(rig.reader.stats().healingReopens == 0);
  CHECK(rig.opens.size() == 1);
}

TEST_CASE("two refused reports: one warning each in 20 minutes, not one per poll") {
  // The 5SC capture without feature reports 0x09 and 0x25 (both polled): the daemon of
  // the issue logged 1,244 warnings in 20 minutes here.
  Rig rig("eaton-5sc-750", "", {0x09, 0x25});
  rig.runUntil(20 * 60);
  std::size_t about09 = 0, about25 = 0;
  const auto warnings = rig.warnings();
  for (const auto& w : warnings) {
    about09 += w.find("0x09") != std::string::npos;
    about25 += w.find("0x25") != std::string::npos;
  }
  CHECK(about09 == 1);
  CHECK(about25 == 1);
  CHECK(warnings.size() <= 4); // the two, and any other report the capture lacks
  CHECK(rig.logged("Feature report 0x09 (UPS.PowerSummary.DelayBeforeShutdown; missing "
                   "meanwhile: ups.timer.shutdown): the UPS refuses it (eaton-5sc-750+test: no "
                   "Feature report 0x09); left out of the poll, tried again in 60 s"));
  // Still polled every 2 s: the other reports answer, the snapshots keep coming.
  CHECK(rig.listener.times("snapshot").size() > 550);
  CHECK(rig.listener.times("lost").empty());
  // Tried at 1, 3, 7 and 15 min: 5 failed reads each, quietly.
  CHECK(rig.reader.stats().failedCalls == 10);
}

TEST_CASE("a refused report that comes back is said once, and polled again") {
  Rig rig("eaton-5sc-750", "at 200 feature 09 3c 00 00 00\n", {0x09});
  rig.runUntil(400);
  // Refused at 0, retried at 60 (refused), 180 (refused), 420: not yet. At 200 it
  // exists again; the retry at 420 would find it — run on.
  rig.runUntil(430);
  CHECK(rig.logged("Feature report 0x09 answers again after 3 failed read(s) over 7 min: "
                   "back in the poll"));
  const auto* last = rig.listener.last("snapshot", 431);
  REQUIRE(last != nullptr);
  CHECK(last->snapshot.get("ups.timer.shutdown") == "60");
}

TEST_CASE("after a system resume every report is read again at once") {
  ReaderOptions options;
  std::chrono::nanoseconds suspended{0};
  options.suspendedTime = [&]() -> std::optional<std::chrono::nanoseconds> { return suspended; };
  options.pollInterval = std::chrono::seconds(30);
  Rig rig("eaton-5sc-750", "", {0x09}, options);
  rig.runUntil(100);
  const auto failedBefore = rig.reader.stats().failedCalls; // 0x09 at 0 and at 60
  suspended = std::chrono::hours(1); // CLOCK_BOOTTIME ran ahead of CLOCK_MONOTONIC
  rig.runUntil(100.5);
  CHECK(rig.logged("the system resumed after 1 h suspended: reading every report again"));
  CHECK(rig.reader.stats().resumes == 1);
  CHECK(rig.reader.stats().failedCalls == failedBefore + 1); // 0x09 retried at once
  CHECK(rig.listener.last("snapshot", 101)->at == 100);      // polled at once, not at 120
}

TEST_CASE("garbage input reports are counted and dropped; the state stays") {
  Rig rig("at 3 input 01\n"                    // short: zero-padding would fake ACPresent = 0
          "at 3.5 input 99 01 02\n"            // no such Input report
          "at 4.5 input 01 25 00 00 00 00\n"); // long: truncated, kept
  rig.runUntil(8.1);
  const auto stats = rig.reader.stats();
  CHECK(stats.badReports == 2);
  CHECK(stats.oddReports == 1);
  CHECK(rig.logged("Input report 0x01: 1 bytes, the descriptor says 4: dropped [01]"));
  CHECK(rig.logged("0x99"));
  CHECK(rig.listener.times("snapshot") == std::vector<double>{0, 0, 0, 0, 0, 2, 4, 4.5, 6, 8});
  CHECK(rig.listener.firstWithStatus("OB") == nullptr);
  CHECK(rig.listener.last("snapshot", 9)->snapshot.get("ups.status") == "OL CHRG");
  CHECK(rig.reader.connected());
}

TEST_CASE("a reconnect to another UPS is refused") {
  ManualClock clock;
  Recorder listener(clock);
  const std::string sim(kSimulatedEllipsePro);
  auto first = std::make_shared<hid::ReplayDevice>(
      hid::parseReplay(sim + "\nat 1.1 disconnect\n", "first"), clock);
  auto text = sim;
  text.replace(text.find("G355P2SIM0"), 10, "OTHER00001");
  auto other = std::make_shared<hid::ReplayDevice>(hid::parseReplay(text, "other"), clock);
  int calls = 0;
  DeviceReader reader(
      [&]() -> std::unique_ptr<hid::Device> {
        return std::make_unique<hid::SharedDevice>(calls++ == 0 ? first : other);
      },
      clock, listener);
  reader.runUntil(core::Clock::time_point{} + 60s);
  CHECK(reader.serial() == "G355P2SIM0");
  CHECK(reader.stats().opens == 1);
  CHECK(reader.stats().openFailures == 5);                    // at 2.1, 4.1, 8.1, 16.1, 32.1
  CHECK(listener.times("lost") == std::vector<double>{15.0}); // last answer: t = 0
  CHECK(listener.first("lost")->reason.find("OTHER00001") != std::string::npos);
  CHECK(listener.times("restored").empty());
}

TEST_CASE("stop() ends run() within a slice, connected or not") {
  core::SteadyClock clock;
  ReaderOptions options;
  options.readSlice = 20ms;
  SUBCASE("connected to the simulated Ellipse PRO") {
    std::atomic<int> snapshots{0};
    struct Counting final : ReaderListener {
      std::atomic<int>& n;
      explicit Counting(std::atomic<int>& c) : n(c) {}
      void onSnapshot(const core::Snapshot&) noexcept override { ++n; }
      void onCommLost(std::string) noexcept override {}
      void onCommRestored() noexcept override {}
    } counting(snapshots);
    DeviceReader reader([&] { return makeSimulatedEllipsePro(clock); }, clock, counting, options);
    std::thread thread([&] { reader.run(); });
    for (int i = 0; i < 200 && snapshots.load() == 0; ++i)
      std::this_thread::sleep_for(10ms);
    CHECK(snapshots.load() > 0);
    const auto stopAt = std::chrono::steady_clock::now();
    reader.stop();
    thread.join();
    CHECK(std::chrono::steady_clock::now() - stopAt < 500ms);
  }
  SUBCASE("waiting to reconnect") {
    Recorder listener(clock);
    DeviceReader reader([]() -> std::unique_ptr<hid::Device> { throw std::runtime_error("none"); },
                        clock, listener, options);
    std::thread thread([&] { reader.run(); });
    std::this_thread::sleep_for(100ms);
    const auto stopAt = std::chrono::steady_clock::now();
    reader.stop();
    thread.join();
    CHECK(std::chrono::steady_clock::now() - stopAt < 500ms);
  }
}
