// SPDX-License-Identifier: GPL-2.0-or-later
// What the pipeline tests share: fake guests, a config on the fakes, a recorder of what was said.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "notify/catalogue.hpp"
#include "src/proxmox_pipeline.hpp"
#include "tests/support/fake_pve.hpp"

namespace hidupsd::test::pipeline {

using namespace std::chrono_literals;
using Json = nlohmann::json;

inline Json guest(const char* type, int id, const char* shutdown, const char* startup = "") {
  Json g{{"type", type},
         {"id", id},
         {"name", std::string(type) + std::to_string(id)},
         {"status", "running"},
         {"shutdown", shutdown},
         {"stop", "0.1"}};
  if (*startup != '\0') g["startup"] = startup;
  return g;
}

inline std::string node(const Json& guests, const char* stopall = "ok", const char* list = "ok") {
  return Json{{"node", "pve1"}, {"guests", guests}, {"stopall", stopall}, {"list", list}}.dump();
}

inline Config configFor(const FakePve& pve, bool simulation) {
  Config c;
  c.policy.simulation = simulation;
  c.proxmox.qm = pve.qm();
  c.proxmox.pct = pve.pct();
  c.proxmox.pvesh = pve.pvesh();
  c.proxmox.pmxcfs = pve.pmxcfs();
  c.proxmox.node = "pve1";
  c.shutdown.hostCommand = {pve.poweroff(), "--now"};
  c.shutdown.killPowerFlag = pve.dir() / "flag" / "killpower";
  c.comeback.stateFile = pve.dir() / "comeback";
  c.shutdown.guestTimeout = 30s;
  return c;
}

/// Everything the pipeline said and notified.
struct Recorded {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::vector<std::string> notified;
  PipelineOutput output() {
    return {[this](const std::string& l) {
              const std::lock_guard lock(mutex);
              lines.push_back(l);
            },
            [this](const core::Event&, const core::Phrase& what) {
              const std::lock_guard lock(mutex);
              notified.push_back(notify::say(what, notify::Language::En));
            },
            {},
            {},
            {},
            {}};
  }
  bool said(const std::string& prefix) {
    const std::lock_guard lock(mutex);
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  }
};

inline core::Event shutdownEvent(std::optional<double> runtime) {
  core::Event e;
  e.kind = core::EventKind::Shutdown;
  e.reason = core::Phrase("reason.low_battery");
  if (runtime) e.snapshot.variables["battery.runtime"] = std::to_string(static_cast<int>(*runtime));
  return e;
}

inline void run(ProxmoxPipeline& pipeline, const core::Event& event) {
  pipeline.start(event);
  pipeline.wait();
  REQUIRE(pipeline.finished());
}

/// The daemon's keeper on the fakes, with a plan made (one discovery done).
inline std::shared_ptr<proxmox::InventoryKeeper> keeperWithPlan(const Config& config) {
  auto keeper = makeInventoryKeeper(config, "pve1", std::make_shared<proxmox::ProcessRunner>());
  REQUIRE(keeper->waitFor(keeper->refreshNow(), std::chrono::steady_clock::now() + 60s) != nullptr);
  return keeper;
}

} // namespace hidupsd::test::pipeline
