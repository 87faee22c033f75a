// SPDX-License-Identifier: GPL-2.0-or-later
// InventoryKeeper: discovers the guests ahead of time on its own thread, so a shutdown never waits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "proxmox/inventory.hpp"

namespace hidupsd::proxmox {

/// Keeps the latest Inventory of this node, discovered on a thread of its own
/// so that nobody ever waits for a discovery longer than they choose to: a
/// `qm list` takes a Perl start, and a read of /etc/pve can hang for good
/// when pmxcfs does (DESIGN.md "Proxmox shutdown"), typically in the very
/// outage the shutdown is for. A hung discovery leaves the last inventory in
/// place: the pipeline stops what was known, never nothing.
///
/// The thread sleeps until asked (refresh(), refreshNow()) and, while on
/// battery (setOnBattery(true)), wakes every `onBatteryRefresh` to discover
/// again: no wakeup at all while on mains. refresh() requests are spaced by
/// at least `minSpacing` (a flapping OB/OL cannot make it run qm in a loop);
/// refreshNow() is not.
///
/// Thread rules: every method from any thread; none blocks but waitFor(),
/// which blocks until its deadline at most. The destructor asks the thread to
/// stop and waits for it `stopGrace` at most: a discovery hung in the kernel
/// is left behind (detached, with everything it uses), never waited for.
class InventoryKeeper {
public:
  /// One discovery (discoverInventory with the daemon's runner and options).
  /// Runs on the keeper's thread; may block for long. Must not throw but
  /// std::bad_alloc (which is caught: the discovery is then a problem).
  using Discover = std::function<Inventory()>;
  /// Told each discovery that ended (on the keeper's thread), for the log.
  using Report = std::function<void(const Inventory& fresh, const Inventory* previous)>;

  struct Options {
    std::chrono::milliseconds onBatteryRefresh{std::chrono::seconds(60)};
    std::chrono::milliseconds minSpacing{std::chrono::seconds(5)};
    std::chrono::milliseconds stopGrace{std::chrono::seconds(2)};
  };

  /// Starts the thread (it waits for the first request). `discover` and
  /// `report` must own (or share) what they use: a hung discovery outlives the
  /// keeper. Throws std::system_error when no thread can be started.
  InventoryKeeper(Discover discover, Options options, Report report = {});
  ~InventoryKeeper();
  InventoryKeeper(const InventoryKeeper&) = delete;
  InventoryKeeper& operator=(const InventoryKeeper&) = delete;

  /// Asks for a discovery soon (at once, or `minSpacing` after the last
  /// one began). Requests made while one runs are merged into the next.
  void refresh() noexcept;
  /// Asks for a discovery that begins now or later, whatever the spacing;
  /// returns its ticket for waitFor().
  std::uint64_t refreshNow() noexcept;
  /// On battery: discover now (as refresh()) and every onBatteryRefresh
  /// while it lasts. Off: back to sleeping until asked.
  void setOnBattery(bool onBattery) noexcept;

  /// The latest complete inventory, or nullptr if none has completed yet.
  std::shared_ptr<const Inventory> latest() const;
  /// Waits until the discovery `ticket` names (or a later one) has completed
  /// and returns it; nullptr if `until` comes first (a slow or hung one).
  std::shared_ptr<const Inventory> waitFor(std::uint64_t ticket,
                                           std::chrono::steady_clock::time_point until) const;
  /// The inventory of `ticket` (or later) if it has completed, else nullptr. Never blocks.
  std::shared_ptr<const Inventory> ready(std::uint64_t ticket) const;
  /// When the discovery running now began; nullopt when none runs.
  std::optional<std::chrono::steady_clock::time_point> runningSince() const;

private:
  struct State;
  static void loop(const std::shared_ptr<State>& state) noexcept;

  std::shared_ptr<State> state_;
  std::thread thread_;
};

} // namespace hidupsd::proxmox
