// SPDX-License-Identifier: GPL-2.0-or-later
// ReactionRig: the probes and the wiring of the daemon's event path.
#include "bench/reaction_rig.hpp"

#include "hid/shared_device.hpp"
#include "src/daemon_setup.hpp"

namespace hidupsd::bench {

void ProbeSink::onEvent(const core::Event& event) noexcept {
  const auto now = std::chrono::steady_clock::now();
  try {
    std::lock_guard lock(mutex_);
    times_[event.kind].push_back(now);
  } catch (...) {
    return; // out of memory: the waiter times out and says so
  }
  arrived_.notify_all();
}

std::optional<Instant> ProbeSink::waitFor(core::EventKind kind, std::size_t nth,
                                          std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  auto& times = times_[kind];
  if (!arrived_.wait_for(lock, timeout, [&] { return times.size() >= nth; })) return std::nullopt;
  return times[nth - 1];
}

std::size_t ProbeSink::count(core::EventKind kind) {
  std::lock_guard lock(mutex_);
  return times_[kind].size();
}

void ProbePipeline::start(const core::Event&) noexcept {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (at_) return;
    at_ = now;
  }
  started_.notify_all();
}

bool ProbePipeline::started() const noexcept {
  std::lock_guard lock(mutex_);
  return at_.has_value();
}

std::optional<Instant> ProbePipeline::waitStarted(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  started_.wait_for(lock, timeout, [this] { return at_.has_value(); });
  return at_;
}

ReactionRig::ReactionRig(const hid::ReplayScript& script, ReaderOptions reader,
                         PolicyOptions policy, EventLog& log)
    : device_(std::make_shared<InjectableDevice>(script)), router_(log, pipeline_),
      engine_(policy, clock_, router_),
      reader_([this] { return std::make_unique<hid::SharedDevice>(device_); }, clock_, engine_,
              std::move(reader)) {
  router_.addNotifier(sink_);
  thread_ = std::thread([this] { reader_.run(); });
}

ReactionRig::~ReactionRig() {
  reader_.stop();
  device_->wake();
  thread_.join();
}

bool ReactionRig::waitStatus(const char* flag, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!engine_.latest().hasStatus(flag)) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::string ReactionRig::status() const {
  return engine_.latest().get("ups.status").value_or("(none)");
}

} // namespace hidupsd::bench
