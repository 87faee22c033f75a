// SPDX-License-Identifier: GPL-2.0-or-later
// ReplayDevice: plays a replay script's timeline against an injected clock.
#include "hid/replay_device.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "hid/field_codec.hpp"
#include "hid/usage_tables.hpp"

namespace hidupsd::hid {

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// A timeout is clamped so that adding it to the elapsed time cannot overflow.
constexpr milliseconds kMaxTimeout = std::chrono::hours(24 * 365);

milliseconds clampTimeout(milliseconds t) noexcept {
  return std::clamp(t, milliseconds{0}, kMaxTimeout);
}

} // namespace

ReplayDevice::ReplayDevice(ReplayScript script, core::Clock& clock, milliseconds callTimeout)
    : script_(std::move(script)), clock_(clock), callTimeout_(clampTimeout(callTimeout)),
      start_(clock.now()) {
  try {
    descriptor_ = ReportDescriptor::parse(script_.descriptor);
  } catch (const DescriptorError& e) {
    descriptorError_ = e.what();
  }
  resolveSets();
  for (const auto& r : script_.features)
    features_[r.front()] = r;
  for (const auto& r : script_.inputs) {
    inputs_[r.front()] = r;
    queue_.push_back(r);
  }
}

std::vector<std::uint8_t> ReplayDevice::reportDescriptor() {
  beginCall(callTimeout_);
  return script_.descriptor;
}

std::vector<std::uint8_t> ReplayDevice::getFeatureReport(std::uint8_t id) {
  beginCall(callTimeout_);
  const auto it = features_.find(id);
  if (it == features_.end())
    throw DeviceError(DeviceError::Kind::NoSuchReport,
                      fmt::format("{}: no Feature report 0x{:02x}", script_.source, id));
  return it->second;
}

void ReplayDevice::setFeatureReport(std::span<const std::uint8_t> report) {
  beginCall(callTimeout_);
  if (report.empty())
    throw DeviceError(DeviceError::Kind::NoSuchReport,
                      fmt::format("{}: empty Feature report written", script_.source));
  const auto id = report.front();
  if (!descriptor_ || descriptor_->report(ReportType::Feature, id) == nullptr)
    throw DeviceError(
        DeviceError::Kind::NoSuchReport,
        fmt::format("{}: descriptor has no Feature report 0x{:02x}", script_.source, id));
  features_[id].assign(report.begin(), report.end());
  writes_.emplace_back(report.begin(), report.end());
}

std::optional<std::vector<std::uint8_t>> ReplayDevice::readInput(milliseconds timeout) {
  timeout = clampTimeout(timeout);
  beginCall(timeout);
  const auto deadline = elapsed() + nanoseconds{timeout};
  while (queue_.empty()) {
    const auto now = elapsed();
    if (now >= deadline) return std::nullopt;
    clock_.sleepFor(std::min(deadline, nextEventAt()) - now);
    applyDue();
    if (disconnected_)
      throw DeviceError(DeviceError::Kind::Disconnected,
                        fmt::format("{}: disconnected", script_.source));
  }
  auto report = std::move(queue_.front());
  queue_.pop_front();
  return report;
}

std::string ReplayDevice::indexedString(std::uint8_t index) {
  beginCall(callTimeout_);
  const auto it = script_.strings.find(index);
  return it == script_.strings.end() ? std::string{} : it->second;
}

void ReplayDevice::resetPort() {
  applyDue();
  if (disconnected_)
    throw DeviceError(DeviceError::Kind::Disconnected,
                      fmt::format("{}: disconnected", script_.source));
  wedged_ = false;
  queue_.clear();
  ++resets_;
}

/// Finds, once, the fields each `set` writes, so that a bad path is an
/// error when the file is loaded, not minutes into a scenario.
void ReplayDevice::resolveSets() {
  for (std::size_t i = 0; i < script_.timeline.size(); ++i)
    if (script_.timeline[i].kind == ReplayEvent::Kind::Set)
      setFields_[i] = fieldsWithPath(script_.timeline[i]);
}

/// The Feature and Input fields a `set` names. Throws ReplayError.
std::vector<std::size_t> ReplayDevice::fieldsWithPath(const ReplayEvent& set) const {
  const auto failAt = [&](const std::string& why) {
    return ReplayError(script_.source, set.line, why);
  };
  if (!descriptor_) throw failAt(fmt::format("set needs the descriptor: {}", descriptorError_));
  const auto path = pathFromString(set.path, dialectFor(script_.device));
  if (!path) throw failAt(fmt::format("unknown path '{}'", set.path));
  std::vector<std::size_t> indexes;
  const auto& fields = descriptor_->fields();
  for (std::size_t f = 0; f < fields.size(); ++f)
    if (fields[f].type != ReportType::Output && fields[f].path == *path) indexes.push_back(f);
  if (indexes.empty())
    throw failAt(fmt::format("no Feature or Input field has path '{}'", set.path));
  return indexes;
}

nanoseconds ReplayDevice::elapsed() const noexcept {
  return std::chrono::duration_cast<nanoseconds>(clock_.now() - start_);
}

nanoseconds ReplayDevice::nextEventAt() const noexcept {
  return next_ < script_.timeline.size() ? script_.timeline[next_].at : nanoseconds::max();
}

void ReplayDevice::applyDue() {
  const auto now = elapsed();
  for (; next_ < script_.timeline.size() && script_.timeline[next_].at <= now; ++next_)
    apply(script_.timeline[next_], next_);
}

void ReplayDevice::apply(const ReplayEvent& event, std::size_t index) {
  using Kind = ReplayEvent::Kind;
  switch (event.kind) {
  case Kind::Input:
    inputs_[event.report.front()] = event.report;
    sendInput(event.report);
    break;
  case Kind::Feature: features_[event.report.front()] = event.report; break;
  case Kind::Set: applySet(event, index); break;
  case Kind::Disconnect:
    disconnected_ = true;
    queue_.clear();
    break;
  case Kind::Reconnect: disconnected_ = false; break;
  case Kind::Fail: failsLeft_ += event.count; break;
  case Kind::Stall: stallEnd_ = std::max(stallEnd_, event.at + event.duration); break;
  case Kind::Wedge: wedged_ = true; break;
  }
}

void ReplayDevice::applySet(const ReplayEvent& event, std::size_t index) {
  const auto value = static_cast<std::int64_t>(std::llround(event.value));
  std::vector<std::uint8_t> inputIds;
  for (const auto f : setFields_.at(index)) {
    const auto& field = descriptor_->fields()[f];
    writeLogical(reportFor(field), field, value);
    const bool isInput = field.type == ReportType::Input;
    if (isInput && std::find(inputIds.begin(), inputIds.end(), field.reportId) == inputIds.end())
      inputIds.push_back(field.reportId);
  }
  for (const auto id : inputIds)
    sendInput(inputs_[id]);
}

/// Input reports sent while unplugged are lost, as on the bus.
void ReplayDevice::sendInput(const Report& report) {
  if (!disconnected_) queue_.push_back(report);
}

/// The stored report a field lives in, created or zero-padded to the
/// descriptor's layout length so that the field's bits exist.
ReplayDevice::Report& ReplayDevice::reportFor(const Field& field) {
  auto& reports = field.type == ReportType::Feature ? features_ : inputs_;
  auto& report = reports[field.reportId];
  const auto* layout = descriptor_->report(field.type, field.reportId);
  const std::size_t length = layout != nullptr ? layout->byteLength() : 1;
  if (report.size() < length) report.resize(length, 0);
  report.front() = field.reportId;
  return report;
}

/// What every call but info() does first: catch up with the timeline, then
/// play the device's failure state, in the order the header documents.
void ReplayDevice::beginCall(milliseconds timeout) {
  applyDue();
  if (disconnected_)
    throw DeviceError(DeviceError::Kind::Disconnected,
                      fmt::format("{}: disconnected", script_.source));
  if (wedged_ || elapsed() < stallEnd_) {
    if (timeout > milliseconds{0}) clock_.sleepFor(timeout);
    throw DeviceError(DeviceError::Kind::Timeout,
                      fmt::format("{}: no answer within {} ms", script_.source, timeout.count()));
  }
  if (failsLeft_ > 0) {
    --failsLeft_;
    throw DeviceError(DeviceError::Kind::Io, fmt::format("{}: I/O error", script_.source));
  }
}

} // namespace hidupsd::hid
