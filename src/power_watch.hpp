// SPDX-License-Identifier: GPL-2.0-or-later
// PowerWatch: the engine's listener, forwarding everything, that also tells who cares about OB.
#pragma once

#include <functional>
#include <optional>

#include "ups/device_reader.hpp"

namespace hidupsd {

/// Sits between the device reader and the engine: every call goes to `inner`
/// first (the reaction path is not delayed), then, when ups.status gains or
/// loses OB, `onChange(onBattery)` is told — at the first OB report, before
/// on_battery_delay and the onbatt event: the guest inventory refreshes the
/// shutdown plan from there. A snapshot without OL or OB changes nothing.
///
/// Thread rules: the device thread's (ReaderListener); `onChange` runs there
/// and must not block (InventoryKeeper::setOnBattery does not).
class PowerWatch final : public ReaderListener {
public:
  /// `onReading` (may be empty) is told every snapshot after `inner`, before `onChange`
  /// (load shedding: must not block).
  PowerWatch(ReaderListener& inner, std::function<void(bool onBattery)> onChange,
             std::function<void(const core::Snapshot&)> onReading = {});

  void onSnapshot(const core::Snapshot& snapshot) noexcept override;
  void onCommLost(std::string reason) noexcept override;
  void onCommRestored() noexcept override;
  void onIdle(core::Clock::time_point now) noexcept override;
  std::optional<core::Clock::time_point> wakeAt() const noexcept override;

private:
  ReaderListener& inner_;
  std::function<void(bool)> onChange_;
  std::function<void(const core::Snapshot&)> onReading_;
  std::optional<bool> onBattery_;
};

} // namespace hidupsd
