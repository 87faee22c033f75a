// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceReader's health: answers and failures, refused reports, the healing ladder, a resume.
#include <string>

#include "lib/log.hpp"
#include "ups/device_reader.hpp"
#include "ups/device_reader_connection.hpp"

namespace hidupsd {

using reader_detail::kDomain;
using reader_detail::Kind;
using reader_detail::seconds;

void DeviceReader::noteSuccess() {
  const auto silence = clock_.now() - lastSuccess_;
  lastSuccess_ = clock_.now();
  failing_ = false;
  missed_ = false;
  const auto tried = health_.answered();
  if (!commLost_ && tried.empty()) return;
  log::info(kDomain, "the UPS answers again after {:g} s of silence{}", seconds(silence),
            tried.empty() ? std::string() : " (the healing ladder had tried: " + tried + ")");
  if (!commLost_) return;
  commLost_ = false;
  listener_.onCommRestored();
}

/// Logs the first failure of a run at warning level, the rest at debug:
/// a hung device must not flood the journal every slice.
void DeviceReader::noteFailure(const hid::DeviceError& e) {
  counters_.failedCalls++;
  noteMiss(e.what());
  log::log(failing_ ? log::Level::Debug : log::Level::Warning, kDomain, "{}: {}",
           hid::nameOf(e.kind()), e.what());
  failing_ = true;
}

/// A refused report (or one failing with I/O errors): the schedule decides
/// whether it leaves the poll and logs that once; the rest is debug. The
/// device answered (a STALL is an answer): the link is alive.
void DeviceReader::noteReportFailure(std::uint8_t id, const hid::DeviceError& e) {
  counters_.failedCalls++;
  if (e.kind() == Kind::NoSuchReport) {
    noteSuccess();
  } else {
    noteMiss(e.what());
  }
  log::debug(kDomain, "{}: {}", hid::nameOf(e.kind()), e.what());
  if (auto note = health_.reportFailed(id, e, clock_.now())) say(*note);
}

/// Warning the first time a report is odd on this connection, debug after.
log::Level DeviceReader::onceLevel(hid::ReportType type, std::uint8_t id) {
  const bool first = conn_ != nullptr && conn_->warned.insert({type, id}).second;
  return first ? log::Level::Warning : log::Level::Debug;
}

void DeviceReader::checkResume() {
  const auto note = health_.checkResume(
      clock_.now(), options_.suspendedTime ? options_.suspendedTime() : std::nullopt);
  if (!note) return;
  counters_.resumes++;
  say(*note);
  // Read everything at once; the time asleep is no silence of the UPS's.
  nextPoll_ = nextAttempt_ = clock_.now();
  if (!commLost_) lastSuccess_ = clock_.now();
}

/// The healing ladder's steps for a UPS that stopped answering. A reset
/// needs the open device, or, when it cannot be opened any more (a hung
/// firmware fails the open too), the opener's resetter and a device seen.
void DeviceReader::noteMiss(std::string why) {
  lastError_ = std::move(why);
  lastMiss_ = clock_.now();
  if (!missed_) firstMiss_ = lastMiss_;
  missed_ = true;
}

/// The UPS failed more than one attempt since its last answer.
bool DeviceReader::silent() const noexcept {
  return missed_ && lastMiss_ - firstMiss_ >= std::chrono::seconds(1);
}

void DeviceReader::runLadder() {
  if (!silent()) return;
  const bool canReset = conn_ != nullptr || (options_.resetPort && lastInfo_);
  auto due = health_.ladderDue(clock_.now(), lastSuccess_, canReset, lastError_);
  if (!due) return;
  say(due->second);
  if (due->first == HealingLadder::Step::Reopen && conn_) reopenNow();
  if (due->first == HealingLadder::Step::Reset) resetPort();
}

void DeviceReader::reopenNow() {
  counters_.healingReopens++;
  conn_.reset();
  health_.disconnected();
  backoff_ = options_.backoffMin;
  nextAttempt_ = clock_.now();
}

/// USB port reset, then a reopen once the device is back on the bus.
void DeviceReader::resetPort() {
  counters_.healingResets++;
  try {
    if (conn_)
      conn_->device->resetPort();
    else
      options_.resetPort(*lastInfo_);
  } catch (const hid::DeviceError& e) {
    if (e.kind() == Kind::Disconnected) { // unplugged: nothing to reset, keep the back-off
      health_.deviceGone();
      log::warning(kDomain, "no USB port reset: {}", e.what());
      return;
    }
    health_.resetFailed(e.what());
    log::warning(kDomain, "USB port reset failed: {}", e.what());
  }
  conn_.reset();
  health_.disconnected();
  backoff_ = options_.backoffMin;
  nextAttempt_ = clock_.now() + options_.backoffMin; // re-enumeration takes a moment
}

void DeviceReader::say(const HealthNote& note) const noexcept {
  switch (note.level) {
  case HealthNote::Level::Info: return log::info(kDomain, "{}", note.text);
  case HealthNote::Level::Warning: return log::warning(kDomain, "{}", note.text);
  case HealthNote::Level::Error: return log::error(kDomain, "{}", note.text);
  }
}

void DeviceReader::checkCommLost() {
  if (commLost_ || clock_.now() - lastSuccess_ < options_.commsLostTimeout) return;
  commLost_ = true;
  const auto reason = health_.commLostReason(clock_.now(), lastSuccess_, lastError_);
  log::error(kDomain, "the UPS does not answer: {}", reason);
  listener_.onCommLost(reason);
  // A device that stays open but answers nothing (a hung USB link, or
  // hidapi-libusb's read thread dead after a transfer error) only comes back
  // through a fresh handle: reopen it, with the usual backoff.
  if (conn_) drop("no answer");
}

} // namespace hidupsd
