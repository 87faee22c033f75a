// SPDX-License-Identifier: GPL-2.0-or-later
// ReplayDevice: a Device that plays a replay script on a Clock (the mock backend).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "hid/device.hpp"
#include "hid/replay_file.hpp"
#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

/// Plays a ReplayScript as a device would. Time 0 is construction time on
/// `clock`; an `at T` statement takes effect at the first call made when
/// the clock reads T or later (and while readInput() waits).
///
/// - reportDescriptor(): the script's bytes. info(): the device line, path =
///   the script's source name.
/// - getFeatureReport(id): the current bytes for the ID (initial `feature`
///   lines, replaced by `at T feature`, changed by `set` and by
///   setFeatureReport()); an ID with no bytes throws NoSuchReport.
/// - readInput(timeout): the initial `input` reports in file order (as if
///   sent at t = 0), then each `at T input` once due, in time order. With
///   none due it sleeps on the clock until the next timeline entry or the
///   timeout, whichever is first, and repeats until a report is due or the
///   timeout has passed (then nullopt). It never spins.
/// - `set PATH VALUE`: PATH is resolved at construction in the vendor's
///   dialect (dialectForVendor) against the parsed descriptor; at T the
///   logical value (rounded to the nearest integer) is written into every
///   Feature and Input report field with that path. A report the file never
///   gave is created zero-filled at its layout length (byteLength()), one
///   shorter than its layout is zero-padded to it first. Each Input report
///   so changed is also sent (queued for readInput()) at T.
/// - `disconnect`: from then on every call except info() throws Disconnected,
///   until `reconnect`. Reports queued for readInput() are dropped and input
///   reports due meanwhile are not sent (their bytes are still stored), as
///   an unplugged device loses them. A readInput() waiting when the
///   disconnect falls due throws Disconnected at once.
/// - `fail N`: the next N calls (any except info()) throw Io.
/// - `stall S`: for calls made in [T, T + S), the call sleeps on the clock
///   for its timeout (readInput's own, callTimeout() for the others), then
///   throws Timeout.
/// - `wedge`: from then on calls hang as in a stall, until resetPort(): a
///   firmware that only a USB port reset brings back (a reopen does not).
///   Precedence on entry: disconnected, then stalled or wedged, then fail; a
///   call that throws Disconnected or Timeout does not use up a `fail` count.
/// - resetPort(): a USB port reset: throws Disconnected while unplugged;
///   else clears a wedge (not a stall: that one is the firmware's and runs
///   its course), drops queued input reports and counts it in resets().
/// - setFeatureReport(report): accepted when the descriptor lays out a
///   Feature report with its ID (else NoSuchReport, also for an empty span):
///   the bytes become that ID's feature report and are appended to writes().
/// - indexedString(i): the `string i` text, else "".
///
/// Thread rules: as Device, one caller thread; `clock` must outlive this.
class ReplayDevice final : public Device {
public:
  /// Throws ReplayError naming the line of a `set` whose path the
  /// descriptor does not carry (or when the descriptor cannot be parsed and
  /// a `set` needs it). A malformed descriptor alone is not an error here:
  /// reportDescriptor() returns it as given, as a real device would.
  ReplayDevice(ReplayScript script, core::Clock& clock,
               std::chrono::milliseconds callTimeout = std::chrono::seconds(1));

  const DeviceInfo& info() const noexcept override { return script_.device; }
  std::vector<std::uint8_t> reportDescriptor() override;
  std::vector<std::uint8_t> getFeatureReport(std::uint8_t id) override;
  void setFeatureReport(std::span<const std::uint8_t> report) override;
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout) override;
  std::string indexedString(std::uint8_t index) override;
  void resetPort() override;

  /// How long a stalled call other than readInput() blocks before Timeout.
  std::chrono::milliseconds callTimeout() const noexcept { return callTimeout_; }
  /// Every accepted setFeatureReport(), in call order, ID byte first.
  const std::vector<std::vector<std::uint8_t>>& writes() const noexcept { return writes_; }
  /// resetPort() calls that reset the device.
  std::size_t resets() const noexcept { return resets_; }

private:
  using Report = std::vector<std::uint8_t>;

  void resolveSets();
  std::vector<std::size_t> fieldsWithPath(const ReplayEvent& set) const;
  std::chrono::nanoseconds elapsed() const noexcept;
  std::chrono::nanoseconds nextEventAt() const noexcept;
  void applyDue();
  void apply(const ReplayEvent& event, std::size_t index);
  void applySet(const ReplayEvent& event, std::size_t index);
  void sendInput(const Report& report);
  Report& reportFor(const Field& field);
  void beginCall(std::chrono::milliseconds timeout);

  ReplayScript script_;
  core::Clock& clock_;
  std::chrono::milliseconds callTimeout_;
  core::Clock::time_point start_;
  std::optional<ReportDescriptor> descriptor_;
  std::string descriptorError_;
  std::map<std::size_t, std::vector<std::size_t>> setFields_; ///< timeline index → field indexes
  std::size_t next_ = 0;                                      ///< first timeline entry not applied
  std::map<std::uint8_t, Report> features_;
  std::map<std::uint8_t, Report> inputs_;
  std::deque<Report> queue_; ///< input reports sent, not yet read
  std::vector<Report> writes_;
  bool disconnected_ = false;
  bool wedged_ = false;
  std::size_t resets_ = 0;
  std::uint64_t failsLeft_ = 0;
  std::chrono::nanoseconds stallEnd_{0};
};

} // namespace hidupsd::hid
