// SPDX-License-Identifier: GPL-2.0-or-later
// Device: names of the device error kinds.
#include "hid/device.hpp"

namespace hidupsd::hid {

const char* nameOf(DeviceError::Kind kind) noexcept {
  switch (kind) {
  case DeviceError::Kind::Disconnected: return "disconnected";
  case DeviceError::Kind::Io: return "I/O error";
  case DeviceError::Kind::Timeout: return "timeout";
  case DeviceError::Kind::NoSuchReport: return "no such report";
  }
  return "unknown device error";
}

} // namespace hidupsd::hid
