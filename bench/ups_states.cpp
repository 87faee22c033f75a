// SPDX-License-Identifier: GPL-2.0-or-later
// UpsStates: report bytes derived through the replay format's `set`, never hand-written.
#include "bench/ups_states.hpp"

#include <chrono>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/report_descriptor.hpp"

namespace hidupsd::bench {

namespace {

using namespace std::chrono_literals;
constexpr const char* kStatus = "UPS.PowerSummary.PresentStatus.";

std::string setLine(const FieldValue& change) {
  return "at 1 set " + change.first + " " + std::to_string(change.second) + "\n";
}

/// Whether the fixture's descriptor carries `change`'s path (ReplayDevice
/// rejects a `set` on a path it cannot resolve).
bool carries(const std::string& text, const std::string& source, const FieldValue& change) {
  try {
    core::ManualClock clock;
    hid::ReplayDevice probe(hid::parseReplay(text + "\n" + setLine(change), source), clock);
    return true;
  } catch (const hid::ReplayError&) {
    return false;
  }
}

/// Input reports in first-sent order, each ID once with its last bytes.
void addInput(std::vector<Report>& inputs, Report report) {
  for (auto& known : inputs)
    if (!known.empty() && known.front() == report.front()) {
      known = std::move(report);
      return;
    }
  inputs.push_back(std::move(report));
}

std::map<std::uint8_t, Report> featuresOf(hid::ReplayDevice& device) {
  std::map<std::uint8_t, Report> out;
  const auto descriptor = hid::ReportDescriptor::parse(device.reportDescriptor());
  for (const auto& layout : descriptor.reports()) {
    if (layout.type != hid::ReportType::Feature) continue;
    try {
      out[layout.id] = device.getFeatureReport(layout.id);
    } catch (const hid::DeviceError&) {
      // The fixture has no bytes for it: the UPS refuses it, before and after.
    }
  }
  return out;
}

/// The MGE dialect (NUT's mge-hid, Eaton) also derives OL/OB from the input
/// converters: Input.[1] "Used" is mains, Input.[3] "Used" the battery. A
/// UPS that has them changes them with ACPresent; those without skip them.
/// ACPresent's report is listed last, so it is the last one sent.
StateReports stateOf(const std::string& text, const std::string& source, bool onBattery,
                     bool lowBattery) {
  const std::string s = kStatus;
  const std::string converter = "UPS.PowerConverter.Input.";
  return reportsAfter(text, source,
                      {{converter + "[1].PresentStatus.Used", onBattery ? 0 : 1},
                       {converter + "[3].PresentStatus.Used", onBattery ? 1 : 0},
                       {s + "ShutdownImminent", lowBattery ? 1 : 0},
                       {s + "Charging", onBattery ? 0 : 1},
                       {s + "Discharging", onBattery ? 1 : 0},
                       {s + "BelowRemainingCapacityLimit", lowBattery ? 1 : 0},
                       {s + "ACPresent", onBattery ? 0 : 1}});
}

} // namespace

StateReports reportsAfter(const std::string& text, const std::string& source,
                          const std::vector<FieldValue>& changes) {
  std::string timeline;
  for (const auto& change : changes)
    if (carries(text, source, change)) timeline += setLine(change);
  core::ManualClock clock;
  hid::ReplayDevice device(hid::parseReplay(text + "\n" + timeline, source), clock);
  while (device.readInput(0ms)) {
    // The fixture's own initial input reports: not part of the change.
  }
  clock.advance(2s);
  StateReports state;
  while (auto report = device.readInput(0ms))
    if (!report->empty()) addInput(state.inputs, std::move(*report));
  state.features = featuresOf(device);
  return state;
}

UpsStates upsStates(const std::string& text, const std::string& source) {
  return {stateOf(text, source, false, false), stateOf(text, source, true, false),
          stateOf(text, source, true, true)};
}

} // namespace hidupsd::bench
