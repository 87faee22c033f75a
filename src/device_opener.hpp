// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceOpener factories: the USB UPS of [device], a replay file, or the simulated Ellipse PRO.
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "ups/device_reader.hpp"

namespace hidupsd {

/// The opener [device] asks for: its `replay` file (one device whose
/// timeline runs on `clock` across reopens) or the USB UPS matching
/// vendor_id/product_id/serial, enumerated afresh on every open (an
/// unplugged UPS comes back on another address). Throws ReplayError for a
/// bad replay file and std::runtime_error when hidapi cannot start.
DeviceOpener makeOpener(const DeviceConfig& device, core::Clock& clock);

/// The built-in simulated Ellipse PRO with its scripted outage, on `clock`.
DeviceOpener simulatedOpener(core::Clock& clock);

} // namespace hidupsd
