// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --kill-power: open the UPS, write its delays, say what was written.
#include "src/kill_power.hpp"

#include <iostream>
#include <thread>

#include "config/config.hpp"
#include "hid/report_descriptor.hpp"
#include "lib/log.hpp"
#include "src/device_opener.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "kill-power";
constexpr int kOpenTries = 3;

std::unique_ptr<hid::Device> openWithRetries(const DeviceOpener& open) {
  for (int attempt = 1;; ++attempt) {
    try {
      return open();
    } catch (const std::exception& e) {
      if (attempt == kOpenTries) throw;
      log::warning(kDomain, "opening the UPS (try {} of {}): {}", attempt, kOpenTries, e.what());
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

/// The config's device and delays; a config that does not load must not stop
/// the power cycle at this point of a shutdown: its defaults are used.
Config killPowerConfig(const KillPowerOptions& o) {
  if (!o.configPath) return {};
  try {
    return loadConfig(*o.configPath);
  } catch (const std::exception& e) {
    log::error(kDomain, "{}; using the default [device] and delays", e.what());
    return {};
  }
}

} // namespace

CommandTrace killPower(const DeviceOpener& open, ModelOptions delays) {
  auto device = openWithRetries(open);
  const auto descriptor = hid::ReportDescriptor::parse(device->reportDescriptor());
  const UpsModel model(descriptor, device->info(), delays);
  hid::ReportState state(descriptor);
  return runInstantCommand("shutdown.return", std::nullopt, *device, model, state);
}

int runKillPower(const KillPowerOptions& o) {
  const Config config = killPowerConfig(o);
  // A follower's UPS is its primary's: the primary power-cycles it (no flag is written here).
  if (config.device.nut && !o.simulate && !o.replay) {
    std::cout << "the UPS is " << lib::nutAddressText(*config.device.nut)
              << "'s ([device] nut): its primary asks it to power-cycle, not this host\n";
    return 0;
  }
  if (o.ifFlagged) {
    std::error_code ec;
    if (!std::filesystem::exists(config.shutdown.killPowerFlag, ec)) {
      std::cout << "no kill-power flag at " << config.shutdown.killPowerFlag.string()
                << ": the UPS keeps its output on\n";
      return 0;
    }
    std::cout << "kill-power flag " << config.shutdown.killPowerFlag.string()
              << " found: asking the UPS to power-cycle\n";
  }
  core::SteadyClock clock;
  DeviceConfig device = config.device;
  if (o.replay) device.replay = *o.replay;
  ModelOptions delays;
  delays.offDelay = static_cast<int>(config.shutdown.upsOffDelay.count());
  delays.onDelay = static_cast<int>(config.shutdown.upsOnDelay.count());
  try {
    const auto trace =
        killPower(o.simulate ? simulatedOpener(clock) : makeOpener(device, clock), delays);
    for (const auto& line : trace)
      std::cout << line << "\n";
    std::cout << "the UPS cuts its output in " << delays.offDelay << " s and restores it "
              << delays.onDelay << " s after the kill-power request once mains are back\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --kill-power: " << e.what() << "\n";
    return 1;
  }
}

} // namespace hidupsd
