// SPDX-License-Identifier: GPL-2.0-or-later
// LogCapture: what a test logged through lib/log.hpp, instead of stderr.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lib/log.hpp"

namespace hidupsd::test {

/// While alive, every log line (any thread, every level down to debug) is kept here, not
/// written to stderr; the sink and the level are put back by the destructor. One at a time.
class LogCapture {
public:
  struct Line {
    log::Level level;
    std::string domain;
    std::string text;
  };

  LogCapture() : level_(log::level()) {
    log::setLevel(log::Level::Debug);
    log::setSink([this](log::Level level, std::string_view domain, std::string_view text) {
      std::lock_guard lock(mutex_);
      lines_.push_back({level, std::string(domain), std::string(text)});
    });
  }
  ~LogCapture() {
    log::resetSink();
    log::setLevel(level_);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<Line> entries() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  /// The texts logged in `domain`, in order.
  std::vector<std::string> texts(std::string_view domain) const {
    std::vector<std::string> out;
    for (const auto& l : entries())
      if (l.domain == domain) out.push_back(l.text);
    return out;
  }
  /// Every line as "domain: text", in order.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& l : entries())
      out.push_back(l.domain + ": " + l.text);
    return out;
  }
  /// Whether some line's text contains `part`.
  bool contains(std::string_view part) const {
    const auto all = entries();
    return std::any_of(all.begin(), all.end(),
                       [&](const Line& l) { return l.text.find(part) != std::string::npos; });
  }
  /// Every text, one a line.
  std::string joined() const {
    std::string out;
    for (const auto& l : entries())
      out += l.text + "\n";
    return out;
  }

private:
  log::Level level_;
  mutable std::mutex mutex_;
  std::vector<Line> lines_;
};

} // namespace hidupsd::test
