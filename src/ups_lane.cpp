// SPDX-License-Identifier: GPL-2.0-or-later
// UpsLane: an extra UPS's reader, engine and device thread.
#include "src/ups_lane.hpp"

#include "lib/log.hpp"
#include "src/daemon_setup.hpp"

namespace hidupsd {

UpsLane::UpsLane(std::string name, const Config& config, const DeviceConfig& device, bool simulate,
                 core::Clock& clock, EventSink& sink, const ShutdownPipeline& pipeline)
    : name_(std::move(name)), engine_(upsPolicy(config), clock, sink),
      source_(simulate ? simulatedSource(clock) : makeDeviceSource(device, clock)) {
  if (device.nut && !simulate) {
    auto remote = std::make_unique<NutReader>(nutReaderOptions(config, device), clock, engine_);
    remote_ = remote.get();
    reader_ = std::move(remote);
  } else {
    auto options = readerOptions(config, device);
    options.resetPort = source_.resetPort;
    reader_ = std::make_unique<DeviceReader>(source_.open, clock, engine_, std::move(options));
  }
  service_ = std::make_unique<UpsService>(engine_, *reader_, pipeline, !config.policy.simulation);
}

void UpsLane::start() {
  thread_ = std::thread([this] {
    try {
      reader_->run();
    } catch (const std::exception& e) {
      log::error("daemon", "UPS {}: device thread ended: {}", name_, e.what());
    }
  });
}

void UpsLane::stop() noexcept {
  reader_->stop();
  if (thread_.joinable()) thread_.join();
}

} // namespace hidupsd
