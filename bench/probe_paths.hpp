// SPDX-License-Identifier: GPL-2.0-or-later
// --probe in-process along each backend's code path: replay, hidraw (its ioctl layer replayed).
#pragma once

#include <string>
#include <vector>

#include "hid/replay_file.hpp"

namespace hidupsd::bench {

/// The device code paths a probe can take without hardware.
enum class ProbePath {
  Replay, ///< ReplayDevice: the mock backend
  Hidraw, ///< HidrawDevice over ReplayHidraw + ReplayUsbSide: the hidraw backend's own code
};
const char* nameOf(ProbePath path) noexcept;

/// Milliseconds per Probe (open the device, read the descriptor and every
/// report, decode every field and variable), `iterations` times, after 3
/// warm-ups. Also checks that both paths give the same variables (throws
/// std::runtime_error if not: a benchmark of a wrong answer is no result).
std::vector<double> measureProbe(const hid::ReplayScript& script, ProbePath path,
                                 std::size_t iterations);

} // namespace hidupsd::bench
