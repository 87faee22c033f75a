// SPDX-License-Identifier: GPL-2.0-or-later
// UpsSource: what the daemon runs on its device thread: a USB UPS's reader or a remote one's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hid/device.hpp"
#include "hid/report_state.hpp"
#include "ups/ups_model.hpp"
#include "ups/writables.hpp"

namespace hidupsd {

/// The open connection, lent to a device task for the time of the call.
struct DeviceAccess {
  hid::Device& device;
  UpsModel& model; ///< a task may change its server-side options (SET VAR ups.delay.*)
  hid::ReportState& state;
};
/// Work for the device thread (an instant command, a variable write):
/// `access` is nullptr when no UPS is connected. Must not throw.
using DeviceTask = std::function<void(DeviceAccess* access)>;

/// The device thread's loop, whatever the UPS is reached through: DeviceReader (a USB UPS,
/// a replay) or NutReader (a UPS another host's NUT server serves). Either tells its
/// ReaderListener the snapshots, the comm losses and restores, and runs its timers.
///
/// Thread rules: run() on the device thread; the rest from any thread. Nothing throws
/// but std::bad_alloc.
class UpsSource {
public:
  virtual ~UpsSource() = default;
  /// Loops until stop(); returns within one read slice (or one call timeout) of it.
  virtual void run() = 0;
  virtual void stop() noexcept = 0;
  /// Queues work for the device thread; run with nullptr when no UPS is connected (a
  /// remote source always does so: its UPS is the primary's to command).
  virtual void post(DeviceTask task) = 0;
  /// The instant commands this host may send (none for a remote source).
  virtual std::vector<std::string> commands() const = 0;
  /// The writable variables this host may set (none for a remote source).
  virtual std::vector<WritableSpec> writables() const = 0;
};

} // namespace hidupsd
