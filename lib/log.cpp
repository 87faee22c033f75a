// SPDX-License-Identifier: GPL-2.0-or-later
// Logging to stderr with journald priority prefixes.
#include "lib/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace hidupsd::log {

namespace {

std::atomic<Level> gLevel{Level::Info};
std::mutex gMutex;
Sink gSink; // guarded by gMutex; empty = stderr

constexpr const char* kNames[] = {"", "", "", "error", "warning", "notice", "info", "debug"};

void writeStderr(Level level, std::string_view domain, std::string_view text) noexcept {
  static const bool terminal = ::isatty(STDERR_FILENO) == 1;
  if (terminal)
    std::fprintf(stderr, "%s: %.*s: %.*s\n", nameOf(level), static_cast<int>(domain.size()),
                 domain.data(), static_cast<int>(text.size()), text.data());
  else
    std::fprintf(stderr, "<%d>%.*s: %.*s\n", static_cast<int>(level),
                 static_cast<int>(domain.size()), domain.data(), static_cast<int>(text.size()),
                 text.data());
  std::fflush(stderr);
}

} // namespace

const char* nameOf(Level level) noexcept { return kNames[static_cast<int>(level) & 7]; }

bool parseLevel(std::string_view name, Level& out) noexcept {
  for (int i = 3; i <= 7; ++i) {
    if (name == kNames[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

void setLevel(Level level) noexcept { gLevel.store(level); }

Level level() noexcept { return gLevel.load(); }

bool enabled(Level level) noexcept { return level <= gLevel.load(); }

void setSink(Sink sink) {
  std::lock_guard lock(gMutex);
  gSink = std::move(sink);
}

void resetSink() { setSink({}); }

void write(Level level, std::string_view domain, std::string_view text) noexcept {
  std::lock_guard lock(gMutex);
  if (gSink) {
    try {
      gSink(level, domain, text);
    } catch (...) {
    }
    return;
  }
  writeStderr(level, domain, text);
}

std::string hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::uint8_t b : bytes) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{:02x}", b);
  }
  return out;
}

} // namespace hidupsd::log
