// SPDX-License-Identifier: GPL-2.0-or-later
// UpsService: the daemon's side of serve::UpsBackend — state, commands and writes through the
// device thread.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "serve/ups_backend.hpp"
#include "src/shutdown_pipeline.hpp"
#include "ups/engine.hpp"
#include "ups/ups_source.hpp"

namespace hidupsd {

/// What the NUT server and the metrics endpoint see of the daemon. The
/// state comes from the engine (the latest snapshot, comm state), with FSD
/// first in ups.status once the shutdown pipeline has started; commands and
/// writes run on the device thread (DeviceReader::post) and are waited for,
/// bounded by `callTimeout`. Thread rules: any thread.
class UpsService final : public serve::UpsBackend {
public:
  /// `announceFsd` false (simulation): the status never gains FSD, since the
  /// other nodes' upsmon would shut down for real.
  UpsService(Engine& engine, UpsSource& reader, const ShutdownPipeline& pipeline, bool announceFsd,
             std::chrono::milliseconds callTimeout = std::chrono::seconds(5));

  serve::UpsState state() const override;
  std::vector<std::string> commands() const override;
  std::vector<serve::RwVariable> writable() const override;
  serve::CommandStatus instantCommand(const std::string& name, const std::string& value,
                                      const serve::Requester& by) override;
  serve::CommandStatus setVariable(const std::string& name, const std::string& value,
                                   const serve::Requester& by) override;
  void forcedShutdown(const serve::Requester& by) override;
  std::vector<std::string> otherNames() const override;
  serve::UpsBackend* other(const std::string& name) override;
  /// Several UPSes: the others the NUT server serves beside this one, by name. Before the
  /// servers start (not synchronised); each must outlive this.
  void serveAlso(std::vector<std::pair<std::string, serve::UpsBackend*>> others) {
    others_ = std::move(others);
  }
  /// Starts a battery test (`kind` "quick" or "deep") without waiting: the
  /// engine holds it as a test (startselftest) first, then the command goes
  /// to the device thread; a failed command ends the test with its reason.
  void startTest(const std::string& kind, const std::string& who);

private:
  /// Runs `work` on the device thread; its status, or Failed when no UPS is
  /// connected or the device thread does not get to it in time.
  serve::CommandStatus onDevice(const std::string& what, std::function<void(DeviceAccess&)> work);

  Engine& engine_;
  UpsSource& reader_;
  const ShutdownPipeline& pipeline_;
  bool announceFsd_;
  std::chrono::milliseconds callTimeout_;
  std::vector<std::pair<std::string, serve::UpsBackend*>> others_;
};

/// `status` with FSD first (once), as upsd shows a forced shutdown.
std::string withFsd(const std::string& status);

} // namespace hidupsd
