// SPDX-License-Identifier: GPL-2.0-or-later
// UpsService: commands hop to the device thread and back through a shared result.
#include "src/ups_service.hpp"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "lib/log.hpp"
#include "serve/nut_protocol.hpp"
#include "ups/ups_commands.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "serve";

/// Where the device thread leaves a task's outcome; shared, so that a caller
/// that gave up waiting leaves nothing dangling.
struct Outcome {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<serve::CommandStatus> status;

  void set(serve::CommandStatus s) {
    const std::lock_guard lock(mutex);
    status = s;
    done.notify_all();
  }
};

std::optional<int> delayValue(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (end != value.c_str() + value.size() || v < -1 || v > 32767) throw CommandError("bad value");
  return static_cast<int>(v);
}

} // namespace

std::string withFsd(const std::string& status) {
  if (status == "FSD" || status.starts_with("FSD ")) return status;
  return status.empty() ? "FSD" : "FSD " + status;
}

UpsService::UpsService(Engine& engine, UpsSource& reader, const ShutdownPipeline& pipeline,
                       bool announceFsd, std::chrono::milliseconds callTimeout)
    : engine_(engine), reader_(reader), pipeline_(pipeline), announceFsd_(announceFsd),
      callTimeout_(callTimeout) {}

serve::UpsState UpsService::state() const {
  serve::UpsState s;
  s.snapshot = engine_.latest();
  s.everRead = !s.snapshot.variables.empty();
  s.stale = engine_.commLost();
  if (s.everRead && announceFsd_ && pipeline_.started()) {
    auto& status = s.snapshot.variables["ups.status"];
    status = withFsd(status);
  }
  return s;
}

std::vector<std::string> UpsService::commands() const { return reader_.commands(); }

/// NUT's type for each: a string of the row's length (usbhid-ups marks them
/// ST_FLAG_STRING), with its enum texts or its range (upsd checks both).
std::vector<serve::RwVariable> UpsService::writable() const {
  std::vector<serve::RwVariable> out;
  for (const auto& w : reader_.writables()) {
    serve::RwVariable v;
    v.name = w.name;
    v.kind = serve::RwVariable::Kind::String;
    v.maxLength = w.maxLength;
    v.enumValues = w.enumValues;
    if (w.range) v.ranges.push_back(*w.range);
    out.push_back(std::move(v));
  }
  return out;
}

serve::CommandStatus UpsService::onDevice(const std::string& what,
                                          std::function<void(DeviceAccess&)> work) {
  auto outcome = std::make_shared<Outcome>();
  reader_.post([outcome, what, work = std::move(work)](DeviceAccess* access) {
    if (access == nullptr) {
      log::warning(kDomain, "{}: no UPS connected", what);
      return outcome->set(serve::CommandStatus::Failed);
    }
    try {
      work(*access);
      outcome->set(serve::CommandStatus::Ok);
    } catch (const CommandError& e) {
      log::warning(kDomain, "{}: {}", what, e.what());
      outcome->set(serve::CommandStatus::InvalidArgument);
    } catch (const std::exception& e) {
      log::error(kDomain, "{}: {}", what, e.what());
      outcome->set(serve::CommandStatus::Failed);
    }
  });
  std::unique_lock lock(outcome->mutex);
  if (!outcome->done.wait_for(lock, callTimeout_, [&] { return outcome->status.has_value(); })) {
    log::error(kDomain, "{}: the device thread did not answer in time", what);
    return serve::CommandStatus::Failed;
  }
  return *outcome->status;
}

serve::CommandStatus UpsService::instantCommand(const std::string& name, const std::string& value,
                                                const serve::Requester&) {
  const auto supported = reader_.commands();
  if (std::find(supported.begin(), supported.end(), name) == supported.end())
    return serve::CommandStatus::NotSupported;
  std::optional<int> delay;
  try {
    delay = delayValue(value);
  } catch (const CommandError&) {
    return serve::CommandStatus::InvalidArgument;
  }
  // A test started through the daemon is held as a test from now (not an outage).
  constexpr std::string_view kTestPrefix = "test.battery.start.";
  const bool test = name.starts_with(kTestPrefix);
  if (test) engine_.requestTest(name.substr(kTestPrefix.size()), "command");
  const auto status = onDevice("instant command " + name, [name, delay](DeviceAccess& a) {
    for (const auto& line : runInstantCommand(name, delay, a.device, a.model, a.state))
      log::notice(kDomain, "instant command {}: {}", name, line);
  });
  if (test && status != serve::CommandStatus::Ok)
    engine_.requestTestFailed("not started: the command " + name + " failed");
  return status;
}

void UpsService::startTest(const std::string& kind, const std::string& who) {
  const std::string name = "test.battery.start." + kind;
  engine_.requestTest(kind, who);
  Engine& engine = engine_;
  reader_.post([name, &engine](DeviceAccess* access) {
    try {
      if (access == nullptr) throw std::runtime_error("no UPS connected");
      for (const auto& line :
           runInstantCommand(name, std::nullopt, access->device, access->model, access->state))
        log::notice(kDomain, "battery test: {}: {}", name, line);
    } catch (const std::exception& e) {
      log::warning(kDomain, "battery test: {} failed: {}", name, e.what());
      try {
        engine.requestTestFailed(std::string("not started: ") + e.what());
      } catch (...) {
        // Out of memory: the monitor ends the hold at its start grace instead.
      }
    }
  });
}

serve::CommandStatus UpsService::setVariable(const std::string& name, const std::string& value,
                                             const serve::Requester&) {
  const auto writable = reader_.writables();
  if (std::none_of(writable.begin(), writable.end(),
                   [&](const WritableSpec& w) { return w.name == name; }))
    return serve::CommandStatus::NotSupported;
  return onDevice("set " + name, [name, value](DeviceAccess& a) {
    for (const auto& line : writeVariable(name, value, a.device, a.model, a.state))
      log::notice(kDomain, "set {}: {}", name, line);
  });
}

std::vector<std::string> UpsService::otherNames() const {
  std::vector<std::string> names;
  for (const auto& [name, backend] : others_)
    names.push_back(name);
  return names;
}

// upsd matches a UPS name whatever its case.
serve::UpsBackend* UpsService::other(const std::string& name) {
  for (const auto& [known, backend] : others_)
    if (serve::equalsIgnoreCase(known, name)) return backend;
  return nullptr;
}

void UpsService::forcedShutdown(const serve::Requester& by) {
  log::warning(kDomain, "FSD from {}: starting the shutdown", by.who);
  engine_.requestForcedShutdown(core::Phrase("reason.fsd_from").with("client", by.who));
}

} // namespace hidupsd
