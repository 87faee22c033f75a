// SPDX-License-Identifier: GPL-2.0-or-later
// EventLog: append-only event lines, fsync'd for the events that precede a power cut.
#include "src/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "notify/catalogue.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "event-log";

/// The values the old script's log and Discord message carried, in its order.
struct Shown {
  const char* variable;
  const char* unit;
};
constexpr Shown kShown[] = {
    {"battery.charge", " %"}, {"battery.runtime", " s"}, {"ups.load", " %"},
    {"input.voltage", " V"},  {"output.voltage", " V"},  {"ups.power", " VA"},
    {"ups.realpower", " W"},
};

std::string stateText(const core::Snapshot& s) {
  std::string out = "ups.status " + s.get("ups.status").value_or("unknown");
  for (const auto& shown : kShown)
    if (auto v = s.get(shown.variable))
      out += fmt::format(", {} {}{}", shown.variable, *v, shown.unit);
  return out;
}

} // namespace

std::string localTimeText(std::time_t wall) {
  std::tm tm{};
  localtime_r(&wall, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string formatEventLine(const core::Event& event, std::time_t wall) {
  std::string line = localTimeText(wall) + " " + std::string(core::eventName(event.kind));
  if (!event.reason.empty()) line += ": " + notify::say(event.reason, notify::Language::En);
  return line + " | " + stateText(event.snapshot) + "\n";
}

EventLog::EventLog(std::filesystem::path path) : path_(std::move(path)) {}

bool EventLog::append(const core::Event& event) noexcept {
  try {
    const bool sync =
        event.kind == core::EventKind::LowBattery || event.kind == core::EventKind::Shutdown;
    return appendLine(formatEventLine(event, std::time(nullptr)), sync);
  } catch (...) {
    return false;
  }
}

bool EventLog::appendLine(const std::string& text, bool sync) noexcept {
  std::lock_guard lock(mutex_);
  if (path_.empty()) return true; // [log] file = "": no event log wanted
  if (!ensureOpen()) return false;
  const bool ok = writeAll(text.empty() || text.back() != '\n' ? text + "\n" : text, sync);
  if (!ok && !failing_)
    log::error(kDomain, "cannot write to {}: {}", path_.string(), std::strerror(errno));
  if (ok && failing_) log::notice(kDomain, "writing to {} again", path_.string());
  failing_ = !ok;
  return ok;
}

void EventLog::reopen(std::filesystem::path path) noexcept {
  std::lock_guard lock(mutex_);
  fd_.reset();
  path_ = std::move(path);
  failing_ = false;
}

bool EventLog::ensureOpen() noexcept {
  if (fd_.valid()) return true;
  if (path_ == "-")
    fd_.reset(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)); // shares stdout's offset with stderr
  else
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!fd_.valid() && !failing_) {
    log::error(kDomain, "cannot open {}: {}", path_.string(), std::strerror(errno));
    failing_ = true;
  }
  return fd_.valid();
}

// O_APPEND puts each write() at the end; a line goes out in one call unless
// the kernel writes it short, then the rest follows.
bool EventLog::writeAll(const std::string& line, bool sync) noexcept {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_.get(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  // fsync fails with EINVAL on a pipe or terminal: nothing to make durable there.
  return !sync || ::fsync(fd_.get()) == 0 || errno == EINVAL;
}

} // namespace hidupsd
