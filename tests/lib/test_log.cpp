// SPDX-License-Identifier: GPL-2.0-or-later
// lib/log: the level is checked before formatting, sinks, level names, the stderr format.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "lib/log.hpp"
#include "tests/support/log_capture.hpp"

namespace {

int gFormatted = 0;

/// Counts how often it is formatted.
struct Counted {};
/// Cannot be formatted.
struct Broken {};

} // namespace

template <> struct fmt::formatter<Counted> : fmt::formatter<std::string_view> {
  auto format(const Counted&, fmt::format_context& ctx) const {
    ++gFormatted;
    return fmt::formatter<std::string_view>::format("counted", ctx);
  }
};

template <> struct fmt::formatter<Broken> : fmt::formatter<std::string_view> {
  auto format(const Broken&, fmt::format_context&) const -> fmt::format_context::iterator {
    throw std::runtime_error("no");
  }
};

// In hidupsd: a global ::log (<cmath>) would hide the namespace.
namespace hidupsd {

TEST_CASE("a line above the level is dropped before it is formatted") {
  test::LogCapture capture;
  log::setLevel(log::Level::Info);
  gFormatted = 0;
  log::debug("test", "{}", Counted{});
  CHECK(gFormatted == 0);
  CHECK(capture.entries().empty());
  log::info("test", "{}", Counted{});
  CHECK(gFormatted == 1);
  const auto lines = capture.entries();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].level == log::Level::Info);
  CHECK(lines[0].domain == "test");
  CHECK(lines[0].text == "counted");
  CHECK(log::enabled(log::Level::Error));
  CHECK_FALSE(log::enabled(log::Level::Debug));
}

TEST_CASE("a message that cannot be formatted is still a line, and nothing throws") {
  test::LogCapture capture;
  log::error("test", "value {}", Broken{});
  CHECK(capture.lines() == std::vector<std::string>{"test: (message could not be formatted)"});
}

TEST_CASE("a throwing sink loses the line, not the caller") {
  log::setSink(
      [](log::Level, std::string_view, std::string_view) { throw std::runtime_error("sink"); });
  log::warning("test", "x"); // noexcept: would terminate if it leaked
  log::resetSink();
}

TEST_CASE("level names") {
  log::Level level = log::Level::Error;
  for (const char* name : {"debug", "info", "notice", "warning", "error"}) {
    REQUIRE(log::parseLevel(name, level));
    CHECK(std::string(log::nameOf(level)) == name);
  }
  CHECK_FALSE(log::parseLevel("verbose", level));
  CHECK(log::hex(std::vector<std::uint8_t>{0x06, 0x5c, 0x00}) == "06 5c 00");
}

TEST_CASE("stderr, not a terminal: one line with its journald priority prefix") {
  const auto path =
      std::filesystem::temp_directory_path() / ("hidupsd-test-log-" + std::to_string(::getpid()));
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(file >= 0);
  ::dup2(file, STDERR_FILENO);
  ::close(file);
  const auto before = log::level();
  log::setLevel(log::Level::Info);
  log::warning("test", "disk {} full", "/var");
  log::setLevel(before);
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(path);
  // The format is chosen at the first line written to stderr in this process: this one.
  CHECK(text.str() == "<4>test: disk /var full\n");
}

} // namespace hidupsd
