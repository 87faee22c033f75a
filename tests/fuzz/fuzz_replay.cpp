// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: replay-file text, parsed, then played by a ReplayDevice.
//
// parseReplay on the input as text; if it parses, a ReplayDevice plays it on a
// manual clock: every input report read in turn (the clock jumps to each `at`),
// every feature report fetched and one written back. ReplayError and DeviceError
// are normal outcomes; anything else escaping, or a sanitizer report, is a finding.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"

using namespace hidupsd;

namespace {

/// Longer than any `at` time (at most 1e9 s): each read reaches the next event.
constexpr std::chrono::milliseconds kLongWait{2'000'000'000'000};

void readInputs(hid::ReplayDevice& device, std::size_t calls) {
  for (std::size_t i = 0; i < calls; ++i) {
    try {
      if (!device.readInput(kLongWait)) return;
    } catch (const hid::DeviceError&) {
      // disconnect, fail and stall statements make calls fail: expected.
    }
  }
}

void touchFeatures(hid::ReplayDevice& device, const hid::ReplayScript& script) {
  for (const auto& report : script.features) {
    try {
      const auto bytes = device.getFeatureReport(report.front());
      device.setFeatureReport(bytes);
    } catch (const hid::DeviceError&) {
    }
  }
}

void play(const hid::ReplayScript& script) {
  core::ManualClock clock;
  try {
    hid::ReplayDevice device(script, clock);
    (void)device.reportDescriptor();
    (void)device.indexedString(1);
    touchFeatures(device, script);
    readInputs(device, script.timeline.size() + script.inputs.size() + 2);
    touchFeatures(device, script);
  } catch (const hid::ReplayError&) {
    // A `set` path the descriptor lacks.
  } catch (const hid::DeviceError&) {
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  hid::ReplayScript script;
  try {
    script = hid::parseReplay(text, "fuzz.replay");
  } catch (const hid::ReplayError&) {
    return 0;
  }
  play(script);
  return 0;
}
