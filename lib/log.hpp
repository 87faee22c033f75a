// SPDX-License-Identifier: GPL-2.0-or-later
// Logging: one API, levels checked before formatting, journald priority prefixes.
//
// Every folder logs through this, each under its own domain (a `kDomain` constant beside
// the code): "device" (ups/ device reader), "policy" (ups/ engine), "notify" (notify/
// dispatcher), "nut" and "metrics" (serve/), "daemon", "pipeline", "serve", "event-log",
// "test-event", "kill-power" (src/). Tests capture lines with setSink
// (tests/support/log_capture.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace hidupsd::log {

/// syslog priorities (what journald reads from a "<N>" line prefix).
enum class Level : std::uint8_t { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

const char* nameOf(Level level) noexcept;
/// "debug", "info", "notice", "warning", "error" → Level; false if unknown.
bool parseLevel(std::string_view name, Level& out) noexcept;

/// Messages above this level are dropped before they are formatted. Thread-safe.
void setLevel(Level level) noexcept;
Level level() noexcept;
bool enabled(Level level) noexcept;

/// Where lines go. The default writes to stderr: "<6>domain: text" when stderr
/// is not a terminal (journald strips the prefix and keeps the priority),
/// "info: domain: text" on a terminal. A sink must not throw.
using Sink = std::function<void(Level, std::string_view domain, std::string_view text)>;
void setSink(Sink sink); ///< tests capture lines with this
void resetSink();

/// Writes one line. Never throws; a failing stderr loses the line, nothing else.
void write(Level level, std::string_view domain, std::string_view text) noexcept;

/// Formats and writes if `level` is enabled. Never throws.
template <typename... Args>
void log(Level level, std::string_view domain, fmt::format_string<Args...> format,
         Args&&... args) noexcept {
  if (!enabled(level)) return;
  try {
    write(level, domain, fmt::format(format, std::forward<Args>(args)...));
  } catch (...) {
    write(level, domain, "(message could not be formatted)");
  }
}

template <typename... Args>
void error(std::string_view d, fmt::format_string<Args...> f, Args&&... a) noexcept {
  log(Level::Error, d, f, std::forward<Args>(a)...);
}
template <typename... Args>
void warning(std::string_view d, fmt::format_string<Args...> f, Args&&... a) noexcept {
  log(Level::Warning, d, f, std::forward<Args>(a)...);
}
template <typename... Args>
void notice(std::string_view d, fmt::format_string<Args...> f, Args&&... a) noexcept {
  log(Level::Notice, d, f, std::forward<Args>(a)...);
}
template <typename... Args>
void info(std::string_view d, fmt::format_string<Args...> f, Args&&... a) noexcept {
  log(Level::Info, d, f, std::forward<Args>(a)...);
}
template <typename... Args>
void debug(std::string_view d, fmt::format_string<Args...> f, Args&&... a) noexcept {
  log(Level::Debug, d, f, std::forward<Args>(a)...);
}

/// "06 5c b1 0a 00 00": report bytes for debug lines.
std::string hex(std::span<const std::uint8_t> bytes);

} // namespace hidupsd::log
