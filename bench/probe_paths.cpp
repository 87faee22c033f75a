// SPDX-License-Identifier: GPL-2.0-or-later
// --probe in-process along each backend's code path, timed per probe.
#include "bench/probe_paths.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>

#include "core/clock.hpp"
#include "hid/hidraw_device.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_hidraw.hpp"
#include "src/probe.hpp"

namespace hidupsd::bench {

namespace {

constexpr std::size_t kWarmups = 3;

/// One probe along `path`; the variables it gave.
std::map<std::string, std::string> probeOnce(const hid::ReplayScript& script, ProbePath path) {
  core::ManualClock clock;
  auto replay = std::make_shared<hid::ReplayDevice>(script, clock);
  if (path == ProbePath::Replay) return Probe(*replay).snapshot().variables;
  hid::HidrawEntry entry;
  entry.hid.info = replay->info();
  entry.node = "/dev/hidraw0";
  hid::HidrawDevice device(entry, std::make_unique<hid::ReplayHidraw>(replay),
                           std::make_unique<hid::ReplayUsbSide>(replay));
  return Probe(device).snapshot().variables;
}

} // namespace

const char* nameOf(ProbePath path) noexcept {
  return path == ProbePath::Replay ? "replay" : "hidraw";
}

std::vector<double> measureProbe(const hid::ReplayScript& script, ProbePath path,
                                 std::size_t iterations) {
  if (probeOnce(script, path) != probeOnce(script, ProbePath::Replay))
    throw std::runtime_error(script.source + ": the " + nameOf(path) +
                             " path decodes differently from the replay path");
  for (std::size_t i = 0; i < kWarmups; ++i)
    probeOnce(script, path);
  std::vector<double> millis;
  millis.reserve(iterations);
  for (std::size_t i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    probeOnce(script, path);
    const auto end = std::chrono::steady_clock::now();
    millis.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  return millis;
}

} // namespace hidupsd::bench
