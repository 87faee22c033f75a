// SPDX-License-Identifier: GPL-2.0-or-later
// DeviceReader: the device thread's loop: open, read input reports, poll features, reconnect.
#include "ups/device_reader.hpp"

#include "ups/ups_commands.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "hid/descriptor_fixups.hpp"
#include "hid/dialect.hpp"
#include "hid/report_descriptor.hpp"
#include "hid/report_state.hpp"
#include "lib/log.hpp"
#include "ups/device_reader_connection.hpp"

namespace hidupsd {

using reader_detail::kDomain;
using reader_detail::Kind;
using reader_detail::seconds;

namespace {

/// The first bytes of a report in hex, for messages about bad reports.
std::string hexPrefix(const std::vector<std::uint8_t>& report) {
  constexpr std::size_t kMaxShown = 16;
  std::string out;
  for (std::size_t i = 0; i < report.size() && i < kMaxShown; ++i)
    out += fmt::format("{}{:02x}", i == 0 ? "" : " ", report[i]);
  if (report.size() > kMaxShown) out += " ...";
  return out;
}

} // namespace

/// How one polled feature report went.
enum class DeviceReader::CallResult : std::uint8_t { Answered, Skipped, Abort };

DeviceReader::DeviceReader(DeviceOpener opener, core::Clock& clock, ReaderListener& listener,
                           ReaderOptions options)
    : opener_(std::move(opener)), clock_(clock), listener_(listener), options_(std::move(options)),
      health_(options_.commsLostTimeout, options_.schedule), serial_(options_.expectedSerial),
      backoff_(options_.backoffMin) {}

DeviceReader::~DeviceReader() = default;

void DeviceReader::run() {
  while (!stopping())
    step();
  dropTasks();
}

void DeviceReader::runUntil(core::Clock::time_point end) {
  while (!stopping() && clock_.now() < end)
    step();
}

void DeviceReader::step() {
  if (!started_) {
    // Comms-lost time counts from the start when no device ever answered.
    started_ = true;
    lastSuccess_ = nextAttempt_ = clock_.now();
  }
  runTasks();
  checkResume();
  if (conn_)
    stepConnected();
  else
    stepDisconnected();
  runLadder();
  checkCommLost();
  listener_.onIdle(clock_.now());
}

ReaderStats DeviceReader::stats() const noexcept {
  const auto& c = counters_;
  return {c.snapshots.load(),      c.badReports.load(),    c.oddReports.load(),
          c.failedCalls.load(),    c.opens.load(),         c.openFailures.load(),
          c.healingReopens.load(), c.healingResets.load(), c.resumes.load()};
}

void DeviceReader::stepDisconnected() {
  if (clock_.now() >= nextAttempt_) {
    tryOpen();
    return;
  }
  auto until = nextAttempt_;
  // A ladder step still to come (one already due waits for an open device).
  if (const auto ladder = health_.nextLadderStep(lastSuccess_); silent() && ladder > clock_.now())
    until = std::min(until, ladder);
  if (!commLost_) until = std::min(until, lastSuccess_ + options_.commsLostTimeout);
  sleepTowards(until);
}

// Thread entry rule: whatever goes wrong with this device is logged and
// ends this connection, never the thread; the backoff keeps it from spinning.
void DeviceReader::stepConnected() {
  try {
    if (clock_.now() >= nextPoll_)
      poll();
    else
      readInput();
  } catch (const hid::DeviceError& e) {
    noteFailure(e);
    drop(e.what());
  } catch (const std::exception& e) {
    log::error(kDomain, "unexpected error: {}", e.what());
    lastError_ = e.what();
    drop(e.what());
  }
}

void DeviceReader::tryOpen() {
  try {
    conn_ = open();
  } catch (const std::exception& e) {
    counters_.openFailures++;
    noteMiss(e.what());
    scheduleRetry();
    log::log(failing_ ? log::Level::Debug : log::Level::Warning, kDomain,
             "no UPS: {}; next try in {:g} s", e.what(), seconds(nextAttempt_ - clock_.now()));
    failing_ = true;
    return;
  }
  counters_.opens++;
  failing_ = false;
  firstMiss_ = lastMiss_; // a fresh handle: the ladder waits for it to fail again
  lastInfo_ = conn_->device->info();
  backoff_ = options_.backoffMin;
  const auto& info = conn_->device->info();
  const bool interruptOnly = (conn_->quirks & hid::quirk::kInterruptOnly) != 0;
  health_.connected(conn_->model, interruptOnly);
  log::info(
      kDomain, "opened {:04x}:{:04x} \"{}\" serial \"{}\" at {} ({} dialect): {} polled reports{}",
      info.vendorId, info.productId, info.product, info.serial, info.path,
      hid::nameOf(conn_->model.dialect()), interruptOnly ? 0 : conn_->model.polledReports().size(),
      interruptOnly ? ", input reports only (NUT's interrupt_only)" : "");
  for (const auto& fix : conn_->fixups)
    log::info(kDomain, "{}", fix);
  // Opening is no answer (the descriptor is cached): the first read is. The
  // errors before this connection say nothing about a later silence.
  lastError_ = "no answer";
  nextPoll_ = clock_.now(); // the first poll is the next step, at once
  auto commands = supportedCommands(conn_->model);
  std::vector<WritableSpec> writables;
  for (const auto& w : supportedWritables(conn_->model))
    writables.push_back(w);
  const std::lock_guard lock(tasksMutex_);
  commands_ = std::move(commands);
  writables_ = std::move(writables);
}

void DeviceReader::post(DeviceTask task) {
  const std::lock_guard lock(tasksMutex_);
  tasks_.push_back(std::move(task));
}

std::vector<std::string> DeviceReader::commands() const {
  const std::lock_guard lock(tasksMutex_);
  return commands_;
}

std::vector<WritableSpec> DeviceReader::writables() const {
  const std::lock_guard lock(tasksMutex_);
  return writables_;
}

void DeviceReader::runTasks() noexcept {
  for (;;) {
    DeviceTask task;
    {
      const std::lock_guard lock(tasksMutex_);
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    if (!conn_) {
      task(nullptr);
      continue;
    }
    DeviceAccess access{*conn_->device, conn_->model, conn_->state};
    task(&access);
    options_.model = conn_->model.options(); // kept for the next connection too
    publish();
  }
}

void DeviceReader::dropTasks() noexcept {
  const std::lock_guard lock(tasksMutex_);
  for (auto& task : tasks_)
    task(nullptr);
  tasks_.clear();
}

/// Throws whatever the opener or the device throws, hid::DescriptorError,
/// or std::runtime_error for a device with another serial.
std::unique_ptr<DeviceReader::Connection> DeviceReader::open() {
  auto device = opener_();
  if (!device) throw std::runtime_error("the opener gave no device");
  const auto bytes = device->reportDescriptor();
  checkSerial(device->info());
  return std::make_unique<Connection>(std::move(device), bytes, options_);
}

/// Another UPS on the same bus must not silently take this one's place:
/// its status would drive this host's shutdown.
void DeviceReader::checkSerial(const hid::DeviceInfo& info) {
  if (serial_.empty()) {
    serial_ = info.serial;
    return;
  }
  if (info.serial != serial_)
    throw std::runtime_error(fmt::format(
        "found serial \"{}\", want \"{}\": not reopening another UPS", info.serial, serial_));
}

void DeviceReader::drop(const std::string& why) {
  conn_.reset();
  health_.disconnected();
  backoff_ = options_.backoffMin;
  scheduleRetry();
  log::warning(kDomain, "lost the UPS ({}); reopening in {:g} s", why,
               seconds(nextAttempt_ - clock_.now()));
}

void DeviceReader::scheduleRetry() {
  nextAttempt_ = clock_.now() + backoff_;
  backoff_ = std::min<core::Clock::duration>(backoff_ * 2, options_.backoffMax);
}

/// Reads every polled feature report once, then publishes if any answered.
/// Throws hid::DeviceError (Disconnected only).
void DeviceReader::poll() {
  const auto start = clock_.now();
  bool answered = false;
  for (const auto id : health_.reportsDue(start)) {
    if (stopping()) break;
    const auto result = pollReport(id);
    answered = answered || result == CallResult::Answered;
    if (result == CallResult::Abort) break;
  }
  // A poll that overran its interval (slow or hung device) starts the grid anew.
  nextPoll_ = std::max(start + options_.pollInterval, clock_.now());
  if (nextPoll_ == clock_.now()) nextPoll_ += options_.pollInterval;
  if (answered) publish();
}

/// Throws hid::DeviceError (Disconnected only).
DeviceReader::CallResult DeviceReader::pollReport(std::uint8_t id) {
  std::vector<std::uint8_t> report;
  try {
    report = conn_->device->getFeatureReport(id);
  } catch (const hid::DeviceError& e) {
    if (e.kind() == Kind::Disconnected) throw;
    // A device that does not answer within a call timeout will not answer
    // the next report either: try again at the next poll, read input meanwhile.
    if (e.kind() == Kind::Timeout) {
      noteFailure(e);
      return CallResult::Abort;
    }
    noteReportFailure(id, e);
    return CallResult::Skipped;
  }
  noteSuccess();
  if (auto note = health_.reportAnswered(id, clock_.now())) say(*note);
  store(hid::ReportType::Feature, report);
  return CallResult::Answered;
}

/// Waits up to one slice (never past the next poll) for an input report.
/// Throws hid::DeviceError (Disconnected only).
void DeviceReader::readInput() {
  const auto now = clock_.now();
  if ((conn_->quirks & hid::quirk::kPollOnly) != 0) { // NUT's disable_interrupt_pipe
    sleepTowards(nextPoll_);
    return;
  }
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
      std::min<core::Clock::duration>(options_.readSlice, clampToWake(nextPoll_) - now));
  std::optional<std::vector<std::uint8_t>> report;
  try {
    report = conn_->device->readInput(wait);
  } catch (const hid::DeviceError& e) {
    if (e.kind() == Kind::Disconnected) throw;
    noteFailure(e);
    sleepTowards(now + wait); // a call that fails at once must not make a spinning loop
    return;
  }
  if (!report) return; // silence is not an answer: a hung device is silent too
  noteSuccess();
  if (store(hid::ReportType::Input, *report)) publish();
}

/// Stores a report as NUT's buffer per report ID does; false when dropped.
bool DeviceReader::store(hid::ReportType type, const std::vector<std::uint8_t>& report) {
  const auto* layout = report.empty() ? nullptr : conn_->descriptor.report(type, report.front());
  const std::uint8_t id = report.empty() ? 0 : report.front();
  if (type == hid::ReportType::Input && layout != nullptr && report.size() < layout->byteLength()) {
    counters_.badReports++;
    log::log(onceLevel(type, id), kDomain,
             "Input report 0x{:02x}: {} bytes, the descriptor says {}: dropped [{}]", id,
             report.size(), layout->byteLength(), hexPrefix(report));
    return false;
  }
  try {
    if (auto warning = storeReport(conn_->state, type, report); !warning.empty()) {
      counters_.oddReports++;
      log::log(onceLevel(type, id), kDomain, "{}", warning);
    }
    return true;
  } catch (const hid::ReportError& e) {
    counters_.badReports++;
    log::log(onceLevel(type, id), kDomain, "{}: dropped [{}]", e.what(), hexPrefix(report));
    return false;
  }
}

/// Throws hid::DeviceError (Disconnected, from a string fetch).
void DeviceReader::publish() {
  auto snapshot =
      conn_->model.snapshot(conn_->state, [this](std::uint8_t i) { return fetchString(i); });
  snapshot.time = clock_.now();
  counters_.snapshots++;
  listener_.onSnapshot(snapshot);
}

/// USB strings do not change while plugged: each is fetched once per
/// connection. A failed fetch gives "" this time and is retried next time.
std::string DeviceReader::fetchString(std::uint8_t index) {
  if (auto it = conn_->strings.find(index); it != conn_->strings.end()) return it->second;
  try {
    auto text = conn_->device->indexedString(index);
    noteSuccess();
    return conn_->strings.emplace(index, std::move(text)).first->second;
  } catch (const hid::DeviceError& e) {
    if (e.kind() == Kind::Disconnected) throw;
    noteFailure(e);
    return {};
  }
}

/// One sleep of at most one slice towards `t`, so that stop() is seen soon.
core::Clock::time_point DeviceReader::clampToWake(core::Clock::time_point t) const noexcept {
  const auto wake = listener_.wakeAt();
  return wake && *wake < t ? std::max(*wake, clock_.now()) : t;
}

void DeviceReader::sleepTowards(core::Clock::time_point t) {
  t = clampToWake(t);
  const auto now = clock_.now();
  if (t > now) clock_.sleepFor(std::min<core::Clock::duration>(options_.readSlice, t - now));
}

} // namespace hidupsd
