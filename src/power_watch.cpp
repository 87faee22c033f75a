// SPDX-License-Identifier: GPL-2.0-or-later
// PowerWatch: forwards to the engine, then says when the UPS goes on battery or back.
#include "src/power_watch.hpp"

#include "lib/log.hpp"

namespace hidupsd {

PowerWatch::PowerWatch(ReaderListener& inner, std::function<void(bool onBattery)> onChange,
                       std::function<void(const core::Snapshot&)> onReading)
    : inner_(inner), onChange_(std::move(onChange)), onReading_(std::move(onReading)) {}

void PowerWatch::onSnapshot(const core::Snapshot& snapshot) noexcept {
  inner_.onSnapshot(snapshot);
  try {
    if (onReading_) onReading_(snapshot);
    const bool ob = snapshot.hasStatus("OB");
    if (!ob && !snapshot.hasStatus("OL")) return; // no power state in this reading
    if (onBattery_ == ob) return;
    onBattery_ = ob;
    if (onChange_) onChange_(ob);
  } catch (const std::exception& e) {
    log::error("daemon", "power change not handed on: {}", e.what());
  }
}

void PowerWatch::onCommLost(std::string reason) noexcept { inner_.onCommLost(std::move(reason)); }

void PowerWatch::onCommRestored() noexcept { inner_.onCommRestored(); }

void PowerWatch::onIdle(core::Clock::time_point now) noexcept { inner_.onIdle(now); }

std::optional<core::Clock::time_point> PowerWatch::wakeAt() const noexcept {
  return inner_.wakeAt();
}

} // namespace hidupsd
