// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceReader: the device thread's loop: open, read input reports, poll features, reconnect.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/snapshot.hpp"
#include "hid/device.hpp"
#include "hid/report_descriptor.hpp"
#include "lib/log.hpp"
#include "ups/reader_health.hpp"
#include "ups/ups_model.hpp"
#include "ups/ups_source.hpp"
#include "ups/writables.hpp"

namespace hidupsd {

/// Opens the UPS. Returns an open device; throws (hid::DeviceError,
/// std::runtime_error) when there is none to open. Called on the device
/// thread, once per connection attempt.
using DeviceOpener = std::function<std::unique_ptr<hid::Device>()>;

/// What the reader reports. Every method is called on the device thread,
/// must not throw and should return quickly: the next input report waits.
class ReaderListener {
public:
  virtual ~ReaderListener() = default;
  /// After every input report stored and after every feature poll in
  /// which at least one report answered (a poll of a hung device publishes
  /// nothing rather than stale values with a fresh time).
  /// `snapshot.time` is the reader's clock at that moment.
  virtual void onSnapshot(const core::Snapshot& snapshot) noexcept = 0;
  /// Once, when no call has succeeded for comms_lost_timeout (counted from
  /// the last success, or from the first step() if none ever did).
  /// `reason` is the last error seen.
  virtual void onCommLost(std::string reason) noexcept = 0;
  /// Once, at the first success after onCommLost(). A fresh snapshot follows.
  virtual void onCommRestored() noexcept = 0;
  /// Called after every step of the loop (at least once per read slice):
  /// the place to run timers on the device thread.
  virtual void onIdle(core::Clock::time_point /*now*/) noexcept {}
  /// The next instant onIdle() must run; the loop never waits past it.
  virtual std::optional<core::Clock::time_point> wakeAt() const noexcept { return std::nullopt; }
};

struct ReaderOptions {
  std::chrono::milliseconds pollInterval{2000};      ///< between feature-report polls
  std::chrono::milliseconds commsLostTimeout{15000}; ///< without success before onCommLost
  std::chrono::milliseconds readSlice{250};          ///< longest single wait; bounds stop()
  std::chrono::milliseconds backoffMin{1000};        ///< first reconnect delay, then doubled
  std::chrono::milliseconds backoffMax{30000};       ///< reconnect delay cap
  /// Reconnect only to a device with this serial. Empty: the first device
  /// opened that has a serial fixes it for every later reconnect.
  std::string expectedSerial;
  ModelOptions model;
  /// NUT's descriptor fix-ups (hid/descriptor_fixups.hpp); false: NUT's
  /// disable_fix_report_desc.
  bool fixDescriptors = true;
  /// Refused reports' back-off (ReportSchedule).
  ReportScheduleOptions schedule;
  /// The system's time spent suspended so far (CLOCK_BOOTTIME minus
  /// CLOCK_MONOTONIC); empty: resumes are seen by clock jumps only.
  std::function<std::optional<std::chrono::nanoseconds>()> suspendedTime;
  /// A USB port reset of the device last opened, without opening it: the
  /// healing ladder's second step when the device cannot be opened any
  /// more. Throws hid::DeviceError. Empty: only an open device is reset.
  std::function<void(const hid::DeviceInfo& last)> resetPort;
};

/// Counters, readable from any thread.
struct ReaderStats {
  std::uint64_t snapshots = 0;   ///< onSnapshot() calls
  std::uint64_t badReports = 0;  ///< reports dropped: unknown ID, empty, short Input
  std::uint64_t oddReports = 0;  ///< reports kept with a warning (long, short Feature)
  std::uint64_t failedCalls = 0; ///< device calls that threw (any kind)
  std::uint64_t opens = 0;       ///< successful opens (connections)
  std::uint64_t openFailures = 0;
  std::uint64_t healingReopens = 0; ///< the healing ladder's reopens
  std::uint64_t healingResets = 0;  ///< the healing ladder's USB port resets
  std::uint64_t resumes = 0;        ///< system resumes (or clock jumps) seen
};

/// Reads one UPS on the device thread (DESIGN.md "Data flow").
///
/// Open: opener() → reportDescriptor() → parse → UpsModel; the serial must
/// match (ReaderOptions::expectedSerial); then every polledReports() feature
/// report is read and a snapshot published. Connected, each step either
/// polls (when poll_interval has passed since the last poll began) or
/// waits up to one read slice for an input report and, when one comes,
/// stores it and publishes a snapshot at once.
///
/// Errors: a report that does not fit the descriptor is counted, logged
/// (once per report and connection) and dropped (a short Input report too:
/// zero-padding it would fake flags such as ACPresent = 0); a longer one is
/// truncated. A feature report the UPS refuses (NoSuchReport), or that
/// fails with I/O errors three polls in a row, is logged once with its
/// paths and the variables that go missing, left out of the poll and
/// retried with back-off (ReaderHealth); its first answer is logged once.
/// A Timeout ends the current poll (a hung device costs one call timeout
/// per poll, not one per report); Disconnected, or any error while opening,
/// drops the device and retries after backoffMin, doubling to backoffMax.
/// Only an answered call counts as an answer (a read slice with no report
/// does not: a hung device's interrupt endpoint is just silent; nor does an
/// open). A UPS that does not answer goes through the healing ladder:
/// reopened at comms_lost_timeout / 3, its USB port reset at 2/3, and at
/// the timeout onCommLost() with the advice to power-cycle its USB. After a
/// system resume every report is read again at once. Waits are sleeps on
/// the clock, at most one read slice each; no step busy-loops.
///
/// Thread rules: run(), step(), runFor() and runUntil() on one thread (the
/// device thread); stop(), stopping() and stats() from any thread. The
/// opener and listener are called on the device thread only. Nothing here
/// throws except std::bad_alloc (errors are logged, domain "device", and counted).
class DeviceReader final : public UpsSource {
public:
  DeviceReader(DeviceOpener opener, core::Clock& clock, ReaderListener& listener,
               ReaderOptions options = {});
  ~DeviceReader() override;
  DeviceReader(const DeviceReader&) = delete;
  DeviceReader& operator=(const DeviceReader&) = delete;

  /// Steps until stop(); returns within one read slice (or one device call
  /// timeout) of it.
  void run() override;
  /// One bounded unit of work: an open attempt, a backoff wait of at most
  /// one slice, a poll, or one input read.
  void step();
  /// Steps until the clock reads `end` or stop(); the last step may end up
  /// to one slice later.
  void runUntil(core::Clock::time_point end);
  void runFor(core::Clock::duration d) { runUntil(clock_.now() + d); }

  void stop() noexcept override { stop_.store(true); }
  bool stopping() const noexcept { return stop_.load(); }

  /// Device thread only.
  bool connected() const noexcept { return conn_ != nullptr; }
  bool commLost() const noexcept { return commLost_; }
  /// The serial reconnects must match ("" while none is known).
  const std::string& serial() const noexcept { return serial_; }

  ReaderStats stats() const noexcept;

  /// Queues `task` for the device thread (any thread). Tasks run in order at
  /// the start of the next step (within one read slice); a snapshot is
  /// published after each that had a connection. Tasks still queued when
  /// run() returns are run with nullptr, so nobody waits for them forever.
  void post(DeviceTask task) override;
  /// The instant commands of the UPS connected last (supportedCommands), any thread.
  std::vector<std::string> commands() const override;
  /// The writable variables of the UPS connected last (supportedWritables), any thread.
  std::vector<WritableSpec> writables() const override;

private:
  struct Connection;
  enum class CallResult : std::uint8_t;
  struct Counters {
    std::atomic<std::uint64_t> snapshots{0}, badReports{0}, oddReports{0}, failedCalls{0}, opens{0},
        openFailures{0}, healingReopens{0}, healingResets{0}, resumes{0};
  };

  void stepDisconnected();
  void stepConnected();
  void tryOpen();
  std::unique_ptr<Connection> open();
  void checkSerial(const hid::DeviceInfo& info);
  void drop(const std::string& why);
  void scheduleRetry();
  void poll();
  CallResult pollReport(std::uint8_t id);
  void readInput();
  bool store(hid::ReportType type, const std::vector<std::uint8_t>& report);
  void publish();
  std::string fetchString(std::uint8_t index);

  void noteSuccess();
  void noteFailure(const hid::DeviceError& e);
  void noteReportFailure(std::uint8_t id, const hid::DeviceError& e);
  void noteMiss(std::string why);
  bool silent() const noexcept;
  void checkCommLost();
  void checkResume();
  void runLadder();
  void reopenNow();
  void resetPort();
  log::Level onceLevel(hid::ReportType type, std::uint8_t id);
  void say(const HealthNote& note) const noexcept;
  void sleepTowards(core::Clock::time_point t);
  core::Clock::time_point clampToWake(core::Clock::time_point t) const noexcept;
  void runTasks() noexcept;
  void dropTasks() noexcept;

  DeviceOpener opener_;
  core::Clock& clock_;
  ReaderListener& listener_;
  ReaderOptions options_;
  std::atomic<bool> stop_{false};
  Counters counters_;
  mutable std::mutex tasksMutex_;
  std::deque<DeviceTask> tasks_;        // guarded by tasksMutex_
  std::vector<std::string> commands_;   // guarded by tasksMutex_
  std::vector<WritableSpec> writables_; // guarded by tasksMutex_
  ReaderHealth health_;

  std::unique_ptr<Connection> conn_;
  std::string serial_;
  std::optional<hid::DeviceInfo> lastInfo_; ///< the device opened last (for resetPort)
  bool started_ = false;
  bool commLost_ = false;
  bool failing_ = false; ///< the last call failed (log level choice)
  /// A call or an open failed since the last answer, first and last at
  /// these times. The healing ladder climbs only once the UPS failed again
  /// on a later attempt (a long poll interval is no silence, and one poll's
  /// burst of I/O errors no dead UPS).
  bool missed_ = false;
  core::Clock::time_point firstMiss_{};
  core::Clock::time_point lastMiss_{};
  std::string lastError_ = "no device opened yet";
  core::Clock::time_point lastSuccess_{};
  core::Clock::time_point nextAttempt_{};
  core::Clock::time_point nextPoll_{};
  core::Clock::duration backoff_{};
};

} // namespace hidupsd
