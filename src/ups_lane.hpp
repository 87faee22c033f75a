// SPDX-License-Identifier: GPL-2.0-or-later
// UpsLane: one more UPS ([[device]] #2 and later): its reader on its own device thread, its engine.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "src/device_opener.hpp"
#include "src/nut_reader.hpp"
#include "src/shutdown_pipeline.hpp"
#include "src/ups_service.hpp"
#include "ups/engine.hpp"
#include "ups/ups_source.hpp"

namespace hidupsd {

/// Everything one extra UPS runs, as the daemon runs the first one: a reader (USB, replay or
/// a remote NUT UPS: `device`), the engine with [policy] (upsPolicy), and a UpsService for
/// --status. Its events go to `sink` (the SupplyGate's port for it). The first UPS keeps the
/// history, load shedding and the servers; an extra one is only weighed for the shutdown.
///
/// Thread rules: construct, start() and stop() on the main thread; the engine and reader run
/// on the lane's own device thread. Throws what making the source throws (a bad replay file).
class UpsLane {
public:
  UpsLane(std::string name, const Config& config, const DeviceConfig& device, bool simulate,
          core::Clock& clock, EventSink& sink, const ShutdownPipeline& pipeline);
  UpsLane(const UpsLane&) = delete;
  UpsLane& operator=(const UpsLane&) = delete;
  ~UpsLane() { stop(); }

  /// Starts the device thread.
  void start();
  /// Stops the reader and joins its thread (idempotent).
  void stop() noexcept;

  const std::string& name() const noexcept { return name_; }
  Engine& engine() noexcept { return engine_; }
  const UpsService& service() const noexcept { return *service_; }
  UpsService& service() noexcept { return *service_; }
  /// The reader when it follows a remote UPS (nut), else nullptr.
  NutReader* remote() noexcept { return remote_; }

private:
  std::string name_;
  Engine engine_;
  DeviceSource source_;
  std::unique_ptr<UpsSource> reader_;
  NutReader* remote_ = nullptr;
  std::unique_ptr<UpsService> service_;
  std::thread thread_;
};

} // namespace hidupsd
