// SPDX-License-Identifier: GPL-2.0-or-later
// The dry-run shutdown pipeline: every step said, nothing run.
#include "src/shutdown_pipeline.hpp"

#include <fmt/format.h>

namespace hidupsd {

namespace {

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

} // namespace

DryRunPipeline::DryRunPipeline(DryRunPlan plan, PipelineProgress progress)
    : plan_(std::move(plan)), progress_(std::move(progress)) {}

DryRunPipeline::~DryRunPipeline() { wait(); }

std::vector<std::string> DryRunPipeline::steps(const DryRunPlan& plan, const core::Event& event) {
  std::vector<std::string> out;
  out.push_back(fmt::format("shutdown pipeline started (simulation: nothing is executed): {}",
                            event.reason.empty() ? "requested" : event.reason));
  if (plan.strategy == "stopall")
    out.push_back(fmt::format("would run: pvesh create /nodes/<node>/stopall (timeout {} s{})",
                              plan.guestTimeout, plan.forceStop ? ", force-stop" : ""));
  else
    out.push_back(fmt::format(
        "would stop every running VM{} in reverse startup order, in parallel per group "
        "(qm shutdown ID --timeout {}{})",
        plan.containers ? " and container" : "", plan.guestTimeout,
        plan.forceStop ? ", then qm stop / pct stop for what is still running" : ""));
  if (plan.upsShutdownReturn)
    out.push_back(fmt::format("would write the kill-power flag: the UPS cuts its output {} s "
                              "after the host halts and restarts {} s after mains return",
                              plan.upsOffDelay, plan.upsOnDelay));
  out.push_back("would run: " + joined(plan.hostCommand));
  out.push_back("shutdown pipeline finished (simulation)");
  return out;
}

void DryRunPipeline::start(const core::Event& event) noexcept {
  if (started_.exchange(true)) return;
  try {
    thread_ = std::thread([this, lines = steps(plan_, event)] {
      for (const auto& line : lines) {
        try {
          progress_(line);
        } catch (...) {
        }
      }
      finished_.store(true);
    });
  } catch (...) {
    finished_.store(true); // no thread: nothing would have run anyway
  }
}

void DryRunPipeline::wait() noexcept {
  if (thread_.joinable()) thread_.join();
}

} // namespace hidupsd
