// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --kill-power: open the UPS, write its delays, say what was written.
#include "src/kill_power.hpp"

#include <iostream>

#include <fmt/format.h>
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

namespace {

/// One local UPS's shutdown.return; false when it failed (said on stderr).
bool killOne(const DeviceOpener& open, const ModelOptions& delays, const std::string& prefix) {
  try {
    const auto trace = killPower(open, delays);
    for (const auto& line : trace)
      std::cout << prefix << line << "\n";
    std::cout << prefix << "the UPS cuts its output in " << delays.offDelay << " s and restores it "
              << delays.onDelay << " s after the kill-power request once mains are back\n";
    return true;
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --kill-power: " << prefix << e.what() << "\n";
    return false;
  }
}

/// The local UPSes (not nut): every one of several gets shutdown.return, as NUT's upsdrvctl
/// shutdown powers off every UPS it drives. A follower's UPS is its primary's.
std::vector<DeviceConfig> localDevices(const Config& config, const KillPowerOptions& o) {
  std::vector<DeviceConfig> local;
  for (auto d : allDevices(config)) {
    if (local.empty() && o.replay) {
      d.replay = *o.replay;
      d.nut.reset();
    }
    if (!d.nut || o.simulate) local.push_back(std::move(d));
  }
  return local;
}

} // namespace

int runKillPower(const KillPowerOptions& o) {
  const Config config = killPowerConfig(o);
  const auto local = localDevices(config, o);
  if (local.empty()) {
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
  ModelOptions delays;
  delays.offDelay = static_cast<int>(config.shutdown.upsOffDelay.count());
  delays.onDelay = static_cast<int>(config.shutdown.upsOnDelay.count());
  const bool several = allDevices(config).size() > 1;
  bool ok = true;
  // One after the other, each whatever the previous one did: a UPS that fails must not keep
  // the others from cycling.
  for (const auto& d : local) {
    const auto prefix = several ? fmt::format("UPS {}: ", upsNameOf(config, d)) : std::string();
    ok = killOne(o.simulate ? simulatedOpener(clock) : makeOpener(d, clock), delays, prefix) && ok;
  }
  return ok ? 0 : 1;
}

} // namespace hidupsd
