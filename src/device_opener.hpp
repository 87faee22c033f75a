// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceOpener factories: the USB UPS of [device], a replay file, or the simulated Ellipse PRO.
#pragma once

#include <functional>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "ups/device_reader.hpp"

namespace hidupsd {

/// How the reader opens its device, and resets it when it cannot be
/// opened any more (ReaderOptions::resetPort; empty: none).
struct DeviceSource {
  DeviceOpener open;
  std::function<void(const hid::DeviceInfo& last)> resetPort;
};

/// The source [device] asks for: its `replay` file (one device whose
/// timeline runs on `clock` across reopens; a reset is the replay's), or
/// the USB UPS matching vendor_id/product_id/serial through `backend`,
/// found afresh on every open (an unplugged UPS comes back on another
/// address; a reset is a libusb_reset_device at its last bus path). Throws
/// ReplayError for a bad replay file.
DeviceSource makeDeviceSource(const DeviceConfig& device, core::Clock& clock);
/// makeDeviceSource(device, clock).open.
DeviceOpener makeOpener(const DeviceConfig& device, core::Clock& clock);

/// The built-in simulated Ellipse PRO with its scripted outage, on `clock`.
DeviceOpener simulatedOpener(core::Clock& clock);
DeviceSource simulatedSource(core::Clock& clock);

} // namespace hidupsd
