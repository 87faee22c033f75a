// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in simulated Eaton Ellipse PRO.
#include "ups/simulated_device.hpp"

#include "hid/replay_file.hpp"

namespace hidupsd {

std::unique_ptr<hid::ReplayDevice> makeSimulatedEllipsePro(core::Clock& clock) {
  return std::make_unique<hid::ReplayDevice>(
      hid::parseReplay(kSimulatedEllipsePro, "built-in:ellipse-pro.replay"), clock);
}

} // namespace hidupsd
