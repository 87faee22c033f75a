// SPDX-License-Identifier: GPL-2.0-or-later
// EventRouter: the shutdown pipeline starts before anything else of its step is handed on.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "notify/catalogue.hpp"
#include "src/event_router.hpp"

namespace hidupsd {
namespace {

using Trace = std::vector<std::string>;

std::string english(const core::Phrase& p) { return notify::say(p, notify::Language::En); }

class FakePipeline final : public ShutdownPipeline {
public:
  explicit FakePipeline(Trace& trace) : trace_(trace) {}
  void start(const core::Event& event) noexcept override {
    if (started_) return;
    started_ = true;
    trace_.push_back("start: " + english(event.reason));
  }
  bool started() const noexcept override { return started_; }
  bool finished() const noexcept override { return started_; }
  void wait() noexcept override {}
  bool powerCycles() const noexcept override { return cycles; }
  bool cycles = true;

private:
  Trace& trace_;
  bool started_ = false;
};

class FakeNotifier final : public EventSink {
public:
  explicit FakeNotifier(Trace& trace) : trace_(trace) {}
  void onEvent(const core::Event& event) noexcept override {
    trace_.push_back(std::string(core::eventName(event.kind)) + ": " + english(event.reason));
    last = event;
  }
  core::Event last;

private:
  Trace& trace_;
};

core::Event event(core::EventKind kind, core::Phrase reason) {
  core::Event e;
  e.kind = kind;
  e.reason = std::move(reason);
  return e;
}

/// A router with no event log, the fake pipeline and one fake notifier, all writing to `trace`.
struct Routed {
  Routed() { router.addNotifier(notifier); }
  Trace trace;
  EventLog log{""};
  FakePipeline pipeline{trace};
  FakeNotifier notifier{trace};
  EventRouter router{log, pipeline};
};

TEST_CASE(
    "lowbatt then shutdown in one step: the pipeline starts before the lowbatt is handed on") {
  Routed routed;
  auto& router = routed.router;
  const auto& trace = routed.trace;
  const core::Phrase low("reason.low_battery");
  router.onEvents({event(core::EventKind::LowBattery, low), event(core::EventKind::Shutdown, low)});
  CHECK(trace == Trace{"start: UPS reports low battery", "lowbatt: UPS reports low battery",
                       "shutdown: UPS reports low battery"});
}

TEST_CASE("mains back after the start: the online event says the shutdown goes on") {
  Routed routed;
  auto& router = routed.router;
  const auto& trace = routed.trace;
  const auto back = core::Phrase("reason.mains_back").with("seconds", "5").with("outage", "12.0");
  router.onEvent(event(core::EventKind::Online, back));
  router.onEvent(event(core::EventKind::Shutdown, core::Phrase("reason.low_battery")));
  router.onEvent(event(core::EventKind::Online, back));
  CHECK(trace == Trace{"online: mains back for 5 s after an outage of 12.0 s",
                       "start: UPS reports low battery", "shutdown: UPS reports low battery",
                       "online: mains back for 5 s after an outage of 12.0 s; the shutdown goes "
                       "on: the UPS then cuts and restores its output, and the host starts again"});
}

TEST_CASE("mains back after the start, with ups_shutdown_return = false: the host stays off") {
  // main said "the UPS power cycle brings the host back" even when it would not.
  const auto back = core::Phrase("reason.mains_back").with("seconds", "5").with("outage", "12.0");
  Routed routed;
  routed.pipeline.cycles = false;
  routed.router.onEvent(event(core::EventKind::Shutdown, core::Phrase("reason.low_battery")));
  routed.router.onEvent(event(core::EventKind::Online, back));
  CHECK(routed.trace.back() ==
        "online: mains back for 5 s after an outage of 12.0 s; the shutdown goes on and the host "
        "stays off (ups_shutdown_return = false): start it by hand");
  REQUIRE(routed.notifier.last.powerCycle.has_value());
  CHECK_FALSE(*routed.notifier.last.powerCycle);
}

TEST_CASE("an online before any shutdown carries no shutdown note") {
  Routed routed;
  routed.router.onEvent(
      event(core::EventKind::Online,
            core::Phrase("reason.mains_back").with("seconds", "5").with("outage", "12.0")));
  CHECK_FALSE(routed.notifier.last.powerCycle.has_value());
}

} // namespace
} // namespace hidupsd
