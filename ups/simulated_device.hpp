// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in simulated Eaton Ellipse PRO: a replay file compiled into the binary.
#pragma once

#include <memory>
#include <string_view>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"

namespace hidupsd {

/// The text of ups/simulated/ellipse_pro.replay.
extern const std::string_view kSimulatedEllipsePro;

/// A replay device playing the built-in Ellipse PRO on `clock`.
std::unique_ptr<hid::ReplayDevice> makeSimulatedEllipsePro(core::Clock& clock);

} // namespace hidupsd
