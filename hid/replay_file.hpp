// SPDX-License-Identifier: GPL-2.0-or-later
// ReplayScript: a replay file (DESIGN.md "The replay format") parsed into values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hid/device.hpp"

namespace hidupsd::hid {

/// An error in a replay file. what() is "FILE:LINE: reason" (line 1-based),
/// or "FILE: reason" when no line applies (line() == 0, e.g. unreadable file).
class ReplayError : public std::runtime_error {
public:
  ReplayError(const std::string& source, std::size_t line, const std::string& reason);
  const std::string& source() const noexcept { return source_; }
  std::size_t line() const noexcept { return line_; }

private:
  std::string source_;
  std::size_t line_;
};

/// Limits that keep a hostile or broken file from costing unbounded memory.
struct ReplayLimits {
  std::size_t maxReportBytes = 4096;        ///< per report, ID byte included
  std::size_t maxDescriptorBytes = 65535;   ///< all descriptor lines together
  std::size_t maxStringBytes = 4096;        ///< per `string` text, after unescaping
  std::size_t maxStatements = 1'000'000;    ///< non-blank, non-comment lines
  std::uintmax_t maxFileBytes = 256u << 20; ///< loadReplay() only
};

/// One `at T ...` statement.
struct ReplayEvent {
  enum class Kind : std::uint8_t { Input, Feature, Set, Disconnect, Reconnect, Fail, Stall, Wedge };

  std::chrono::nanoseconds at{0}; ///< T: time from the start of the replay
  std::size_t line = 0;           ///< 1-based line in the source, for messages
  Kind kind = Kind::Input;
  std::vector<std::uint8_t> report;     ///< Input, Feature: the report, ID byte first
  std::string path;                     ///< Set: the HID path as written (resolved by the device)
  double value = 0;                     ///< Set: the logical value as written
  std::uint32_t count = 0;              ///< Fail: how many calls fail
  std::chrono::nanoseconds duration{0}; ///< Stall: S
};

/// A parsed replay file. A value: no I/O, no descriptor parsing.
struct ReplayScript {
  std::string source;                              ///< the file name used in messages
  std::size_t deviceLine = 0;                      ///< line of the `device` statement
  DeviceInfo device;                               ///< from the `device` line; path = source
  std::vector<std::uint8_t> descriptor;            ///< every `descriptor` line, concatenated
  std::map<std::uint8_t, std::string> strings;     ///< `string N "text"`
  std::vector<std::vector<std::uint8_t>> features; ///< initial `feature` lines, file order
  std::vector<std::vector<std::uint8_t>> inputs;   ///< initial `input` lines, file order
  std::vector<ReplayEvent> timeline;               ///< `at` lines, stably sorted by time
};

/// Parses replay text; `source` names it in messages. Throws ReplayError.
///
/// Choices where DESIGN.md is silent: `device` takes vendor= and product=
/// (1-4 hex digits, required) and manufacturer=, product_name=, serial=
/// (quoted, escapes \" and \\ only) and release= (hex bcdDevice), each at
/// most once; exactly one `device` line. Missing device line: error at
/// line 1; no descriptor: error at the device line. `string` indexes are
/// 0..255, each given once. A later `feature` line for the same ID replaces
/// the earlier one. `at` times need not increase: the timeline is sorted
/// stably, so equal times keep file order. Times and stall durations are
/// non-negative decimals in seconds (no sign, no exponent), at most 1e9.
/// `set` values are decimal numbers, may be negative, |value| <= 2^53.
ReplayScript parseReplay(std::string_view text, const std::string& source,
                         const ReplayLimits& limits = {});

/// Reads and parses a replay file; its path as given is the source name.
/// Throws ReplayError (also when the file cannot be read or is too large).
ReplayScript loadReplay(const std::filesystem::path& path, const ReplayLimits& limits = {});

} // namespace hidupsd::hid
